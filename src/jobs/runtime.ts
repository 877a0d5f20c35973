// Starts the job system in a page: the lane workers, and, in exactly one tab, the scheduler. A Web Lock
// elects that tab, so two tabs never run the same queue; when it closes, another tab takes over.
import { liveQuery } from 'dexie';
import type { JobRecord } from '../domain/job';
import { db } from '../store/db';
import { openBlobStore } from '../store/open-blob-store';
import { claimNextQueued, getJob, markRunningAsInterrupted, setStatus } from '../store/repos/jobs';
import { LaneWorker } from './laneWorker';
import { describeError } from './runner';
import { JobScheduler } from './scheduler';
import type { GpuWorkerApi, LaneWorkerApi } from './workerApi';

export interface JobRuntime {
  gpu: LaneWorker<GpuWorkerApi>;
  io: LaneWorker<LaneWorkerApi>;
}

let runtime: JobRuntime | undefined;

/** The page's lane workers (spawned on first use). */
export function jobRuntime(): JobRuntime {
  runtime ??= {
    gpu: new LaneWorker<GpuWorkerApi>('GPU', () => new Worker(new URL('../workers/gpu.worker.ts', import.meta.url), { type: 'module', name: 'mistudio-gpu' })),
    io: new LaneWorker<LaneWorkerApi>('IO', () => new Worker(new URL('../workers/io.worker.ts', import.meta.url), { type: 'module', name: 'mistudio-io' })),
  };
  return runtime;
}

const SCHEDULER_LOCK = 'mistudio-job-scheduler';

/** Runs the scheduler in this tab once it holds the scheduler lock (at once, unless another tab has it). */
export function startJobScheduler(): void {
  const lead = async () => {
    // Only the lock holder runs jobs, so any job still `running` belonged to a tab that is gone.
    await markRunningAsInterrupted();
    void removeOrphanedTemporaries();
    const { gpu, io } = jobRuntime();
    const scheduler = new JobScheduler({
      queue: { claimNext: claimNextQueued },
      runners: { gpu, io },
      onRunError: failAfterWorkerError,
      onQueueError: (lane, error) => console.error(`miStudio: the ${lane} job queue could not be read`, error),
    });
    // Wake on any change to the set of queued jobs, from this tab or another.
    liveQuery(() => db().jobs.where('status').equals('queued').primaryKeys()).subscribe({
      next: () => scheduler.wake(),
      error: (error: unknown) => console.error('miStudio: cannot watch the job queue', error),
    });
    // Hold the lock for the life of the page.
    await new Promise<never>(() => {});
  };
  if (navigator.locks) void navigator.locks.request(SCHEDULER_LOCK, lead);
  else void lead();
}

/** Temporaries of writes cut off by a closed tab or a crash (live writes hold a lock and are kept). */
async function removeOrphanedTemporaries(): Promise<void> {
  try {
    const removed = await (await openBlobStore()).cleanupTemporaries();
    if (removed > 0) console.info(`miStudio: removed ${removed} unfinished temporary file(s) left by an earlier session`);
  } catch (error) {
    console.warn('miStudio: could not clean up temporary files', error);
  }
}

async function failAfterWorkerError(job: JobRecord, error: unknown): Promise<void> {
  const current = await getJob(job.id);
  if (current?.status !== 'running') return;
  await setStatus(job.id, 'failed', { error: describeError(error, job.resumable), progress: { rate: 0, etaSeconds: null } });
}
