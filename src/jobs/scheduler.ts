// Main-thread job scheduler: for each lane, one job at a time, oldest queued first. It only claims jobs
// (queued → running, atomically in the store) and hands their ids to the lane's worker; the worker records
// progress and the outcome. Storage and workers are injected, so the queue logic tests without a browser.
import type { JobLane, JobRecord } from '../domain/job';

export interface SchedulerQueue {
  /** atomically marks the oldest queued job of the lane running and returns it */
  claimNext(lane: JobLane): Promise<JobRecord | undefined>;
}

export interface LaneRunner {
  /** resolves when the worker has finished with the job (whatever its outcome) */
  run(jobId: string): Promise<unknown>;
}

export interface SchedulerOptions {
  queue: SchedulerQueue;
  runners: Partial<Record<JobLane, LaneRunner>>;
  /** the worker itself failed (crashed, could not start): the job is still `running` and must be failed */
  onRunError(job: JobRecord, error: unknown): Promise<void> | void;
  /** the queue could not be read; the lane retries on the next wake() */
  onQueueError?(lane: JobLane, error: unknown): void;
}

interface LaneState {
  draining: Promise<void> | undefined;
  /** a wake arrived while draining: look at the queue again before going idle */
  rewake: boolean;
  current: string | undefined;
}

export class JobScheduler {
  private readonly lanes = new Map<JobLane, LaneState>();
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {
    for (const lane of Object.keys(opts.runners) as JobLane[]) this.lanes.set(lane, { draining: undefined, rewake: false, current: undefined });
  }

  /** Something may have been queued: every idle lane looks at the queue. */
  wake(): void {
    if (this.stopped) return;
    for (const [lane, state] of this.lanes) {
      if (state.draining) state.rewake = true;
      else state.draining = this.drain(lane, state);
    }
  }

  /** Takes no new jobs; running ones finish in their workers. */
  stop(): void {
    this.stopped = true;
  }

  /** The id of the job a lane is running, if any. */
  current(lane: JobLane): string | undefined {
    return this.lanes.get(lane)?.current;
  }

  /** Resolves once every lane has drained its queue. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const busy = [...this.lanes.values()].map((s) => s.draining).filter((p): p is Promise<void> => p !== undefined);
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }

  private async drain(lane: JobLane, state: LaneState): Promise<void> {
    const runner = this.opts.runners[lane]!;
    // yield first, so `state.draining` is assigned before this can finish and clear it
    await null;
    try {
      do {
        state.rewake = false;
        while (!this.stopped) {
          let job: JobRecord | undefined;
          try {
            job = await this.opts.queue.claimNext(lane);
          } catch (err) {
            this.opts.onQueueError?.(lane, err);
            return;
          }
          if (!job) break;
          state.current = job.id;
          try {
            await runner.run(job.id);
          } catch (err) {
            try {
              await this.opts.onRunError(job, err);
            } catch (recordError) {
              this.opts.onQueueError?.(lane, recordError);
            }
          } finally {
            state.current = undefined;
          }
        }
      } while (state.rewake && !this.stopped);
    } finally {
      state.draining = undefined;
    }
  }
}
