import { describe, expect, it } from 'vitest';
import type { JobLane, JobRecord } from '../../../src/domain/job';
import { JobScheduler, type LaneRunner, type SchedulerQueue } from '../../../src/jobs/scheduler';

function job(id: string, lane: JobLane): JobRecord {
  return {
    id,
    kind: lane === 'gpu' ? 'demo-reduce' : 'tokenize',
    lane,
    title: id,
    status: 'running',
    params: {},
    progress: { phase: '', done: 0, total: 0, rate: 0, etaSeconds: null, message: '' },
    resumable: false,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** An in-memory queue per lane; claims take from the front. */
class FakeQueue implements SchedulerQueue {
  readonly queued: Record<JobLane, string[]> = { gpu: [], io: [] };
  claims = 0;
  failNext = false;
  add(lane: JobLane, ...ids: string[]) {
    this.queued[lane].push(...ids);
  }
  async claimNext(lane: JobLane) {
    this.claims++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database closed');
    }
    const id = this.queued[lane].shift();
    return id === undefined ? undefined : job(id, lane);
  }
}

/** A runner whose runs finish when the test says so. */
class ControlledRunner implements LaneRunner {
  readonly started: string[] = [];
  running = 0;
  maxConcurrent = 0;
  private readonly finishers = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  run(jobId: string) {
    this.started.push(jobId);
    this.running++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
    return new Promise<void>((resolve, reject) => this.finishers.set(jobId, { resolve, reject })).finally(() => this.running--);
  }
  finish(jobId: string) {
    this.finishers.get(jobId)!.resolve();
  }
  crash(jobId: string) {
    this.finishers.get(jobId)!.reject(new Error('worker crashed'));
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const queue = new FakeQueue();
  const gpu = new ControlledRunner();
  const io = new ControlledRunner();
  const runErrors: [string, unknown][] = [];
  const queueErrors: [JobLane, unknown][] = [];
  const scheduler = new JobScheduler({
    queue,
    runners: { gpu, io },
    onRunError: (j, e) => void runErrors.push([j.id, e]),
    onQueueError: (lane, e) => void queueErrors.push([lane, e]),
  });
  return { queue, gpu, io, scheduler, runErrors, queueErrors };
}

describe('JobScheduler', () => {
  it('runs one job at a time per lane, oldest first, and the lanes side by side', async () => {
    const { queue, gpu, io, scheduler } = setup();
    queue.add('gpu', 'g1', 'g2', 'g3');
    queue.add('io', 'i1');
    scheduler.wake();
    await tick();
    expect(gpu.started).toEqual(['g1']);
    expect(io.started).toEqual(['i1']);
    expect(scheduler.current('gpu')).toBe('g1');

    gpu.finish('g1');
    await tick();
    expect(gpu.started).toEqual(['g1', 'g2']);
    gpu.finish('g2');
    await tick();
    gpu.finish('g3');
    io.finish('i1');
    await scheduler.whenIdle();
    expect(gpu.started).toEqual(['g1', 'g2', 'g3']);
    expect(gpu.maxConcurrent).toBe(1);
    expect(scheduler.current('gpu')).toBeUndefined();
  });

  it('picks up a job queued while the lane is busy, and one queued after it went idle on the next wake', async () => {
    const { queue, gpu, scheduler } = setup();
    queue.add('gpu', 'g1');
    scheduler.wake();
    await tick();
    queue.add('gpu', 'g2');
    scheduler.wake(); // arrives mid-run: remembered, not a second runner
    await tick();
    expect(gpu.started).toEqual(['g1']);
    gpu.finish('g1');
    await tick();
    expect(gpu.started).toEqual(['g1', 'g2']);
    gpu.finish('g2');
    await scheduler.whenIdle();

    queue.add('gpu', 'g3');
    await tick();
    expect(gpu.started).toEqual(['g1', 'g2']); // nothing polls: it waits for a wake
    scheduler.wake();
    await tick();
    expect(gpu.started).toEqual(['g1', 'g2', 'g3']);
    gpu.finish('g3');
    await scheduler.whenIdle();
  });

  it('does not miss a wake that arrives while the queue is being read', async () => {
    const { queue, gpu, scheduler } = setup();
    scheduler.wake(); // lane starts reading an empty queue
    queue.add('gpu', 'g1');
    scheduler.wake(); // lands before the empty answer: must trigger another look
    await tick();
    await tick();
    expect(gpu.started).toEqual(['g1']);
    gpu.finish('g1');
    await scheduler.whenIdle();
  });

  it('reports a crashed run and goes on with the next job', async () => {
    const { queue, gpu, scheduler, runErrors } = setup();
    queue.add('gpu', 'g1', 'g2');
    scheduler.wake();
    await tick();
    gpu.crash('g1');
    await tick();
    expect(runErrors.map(([id]) => id)).toEqual(['g1']);
    expect(String(runErrors[0]![1])).toContain('worker crashed');
    expect(gpu.started).toEqual(['g1', 'g2']);
    gpu.finish('g2');
    await scheduler.whenIdle();
  });

  it('reports an unreadable queue and tries again on the next wake', async () => {
    const { queue, gpu, scheduler, queueErrors } = setup();
    queue.add('gpu', 'g1');
    queue.failNext = true;
    scheduler.wake();
    await scheduler.whenIdle();
    expect(queueErrors).toHaveLength(1);
    expect(gpu.started).toEqual([]);
    scheduler.wake();
    await tick();
    expect(gpu.started).toEqual(['g1']);
    gpu.finish('g1');
    await scheduler.whenIdle();
  });

  it('takes no new jobs after stop(), letting the running one finish', async () => {
    const { queue, gpu, scheduler } = setup();
    queue.add('gpu', 'g1', 'g2');
    scheduler.wake();
    await tick();
    scheduler.stop();
    gpu.finish('g1');
    await scheduler.whenIdle();
    scheduler.wake();
    await tick();
    expect(gpu.started).toEqual(['g1']);
    expect(queue.queued.gpu).toEqual(['g2']);
  });

  it('only drives lanes that have a runner', async () => {
    const queue = new FakeQueue();
    const gpu = new ControlledRunner();
    const scheduler = new JobScheduler({ queue, runners: { gpu }, onRunError: () => {} });
    queue.add('io', 'i1');
    scheduler.wake();
    await scheduler.whenIdle();
    expect(queue.queued.io).toEqual(['i1']);
  });
});
