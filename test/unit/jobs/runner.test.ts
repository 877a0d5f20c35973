import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it } from 'vitest';
import type { JobError } from '../../../src/domain/job';
import { HandlerRegistry, type JobContext, type JobHandler } from '../../../src/jobs/handlers';
import { dexieRunnerStore } from '../../../src/jobs/jobStore';
import { describeError, runJob, stopRequestFor } from '../../../src/jobs/runner';
import { claimNextQueued, createJob, getJob, setStatus } from '../../../src/store/repos/jobs';
import { useFreshDatabase } from '../store/test-db';

type Env = { label: string };

/** Queues a job and claims it, as the scheduler does before handing it to a worker. */
async function claimedJob(params: unknown = {}, resumable = true) {
  const job = await createJob({ kind: 'demo-reduce', lane: 'gpu', title: 'test', params, resumable });
  const claimed = await claimNextQueued('gpu');
  expect(claimed?.id).toBe(job.id);
  return job.id;
}

function registry(handler: JobHandler<Env>) {
  return new HandlerRegistry<Env>('gpu').register('demo-reduce', handler);
}

/** A clock the test advances, so rates are exact. */
function clock(stepMs: number) {
  let t = 0;
  return () => (t += stepMs);
}

const run = (id: string, handler: JobHandler<Env>, extra: { interruption?: Promise<JobError> } = {}) =>
  runJob(id, { store: dexieRunnerStore, handlers: registry(handler), env: { label: 'env' }, now: clock(500), ...extra });

/** Resolves once the predicate holds for the stored job. */
async function until(id: string, predicate: (status: string | undefined) => boolean) {
  for (let i = 0; i < 200; i++) {
    if (predicate((await getJob(id))?.status)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition never held');
}

describe('runJob', () => {
  useFreshDatabase();

  it('runs the handler with the job and env, stores smoothed progress, and completes with the result line', async () => {
    const id = await claimedJob({ n: 3 });
    const seenRates: number[] = [];
    const result = await run(id, async (ctx) => {
      expect(ctx.job.id).toBe(id);
      expect(ctx.job.params).toEqual({ n: 3 });
      expect(ctx.env.label).toBe('env');
      for (let step = 1; step <= 3; step++) {
        expect(ctx.shouldStop()).toBeNull();
        await ctx.reportProgress({ phase: 'stepping', done: step, total: 4, message: `step ${step}` });
        seenRates.push((await getJob(id))!.progress.rate);
      }
      return { status: 'completed', message: 'all good' };
    });
    expect(result).toBe('completed');
    // one step per 500 ms tick: the rate settles at 2 per second
    expect(seenRates[0]).toBe(0);
    expect(seenRates[1]).toBeCloseTo(2);
    const job = (await getJob(id))!;
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ phase: 'done', done: 4, total: 4, message: 'all good', etaSeconds: 0 });
    expect(job.finishedAt).toBeDefined();
  });

  it('reports time left from the smoothed rate', async () => {
    const id = await claimedJob();
    await run(id, async (ctx) => {
      await ctx.reportProgress({ done: 0, total: 10 });
      await ctx.reportProgress({ done: 2, total: 10 });
      expect((await getJob(id))!.progress.etaSeconds).toBeCloseTo(2); // 8 left at 4 per second
      return { status: 'completed' };
    });
  });

  it('fails with the error message and the error\'s own action when the handler throws', async () => {
    const id = await claimedJob();
    class OutOfCheese extends Error {
      readonly action = 'Buy more cheese.';
    }
    expect(await run(id, async () => Promise.reject(new OutOfCheese('No cheese left.')))).toBe('failed');
    const job = (await getJob(id))!;
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ message: 'No cheese left.', action: 'Buy more cheese.' });
  });

  it('fails a job whose kind this worker has no handler for, saying so', async () => {
    const job = await createJob({ kind: 'train', lane: 'gpu', title: 'train', params: {}, resumable: false });
    await claimNextQueued('gpu');
    expect(await run(job.id, async () => ({ status: 'completed' }))).toBe('failed');
    expect((await getJob(job.id))!.error?.message).toContain("cannot run 'train' jobs in the gpu worker");
  });

  it('skips a job that is no longer running when the worker gets it', async () => {
    const job = await createJob({ kind: 'demo-reduce', lane: 'gpu', title: 't', params: {}, resumable: true });
    await setStatus(job.id, 'cancelled');
    let called = false;
    expect(
      await run(job.id, async () => {
        called = true;
        return { status: 'completed' };
      }),
    ).toBe('skipped');
    expect(called).toBe(false);
  });

  it('pause: the handler sees the request between steps, keeps its checkpoint, and a resumed run gets it back', async () => {
    const id = await claimedJob();
    const steps = async (ctx: JobContext<Env>) => {
      const start = typeof ctx.job.checkpoint === 'number' ? ctx.job.checkpoint : 0;
      for (let step = start; step < 6; step++) {
        if (ctx.shouldStop()) return { status: 'stopped' } as const;
        await ctx.checkpoint(step + 1);
        await ctx.reportProgress({ done: step + 1, total: 6 });
        if (step === 1) await setStatus(id, 'paused'); // the user clicks Pause during step 2
      }
      return { status: 'completed' } as const;
    };
    expect(await run(id, steps)).toBe('stopped');
    let job = (await getJob(id))!;
    expect(job.status).toBe('paused');
    // seen at the next boundary the runner knows of: the watch, or at the latest the next progress report
    const pausedAt = job.checkpoint;
    expect([2, 3]).toContain(pausedAt);

    await setStatus(id, 'queued'); // Resume
    await claimNextQueued('gpu');
    let resumedFrom: unknown;
    expect(
      await run(id, async (ctx) => {
        resumedFrom = ctx.job.checkpoint;
        return steps(ctx);
      }),
    ).toBe('completed');
    expect(resumedFrom).toBe(pausedAt);
    job = (await getJob(id))!;
    expect(job.status).toBe('completed');
    expect(job.checkpoint).toBe(6);
  });

  it('cancel: seen through the status watch even without a progress report in between', async () => {
    const id = await claimedJob();
    const result = await run(id, async (ctx) => {
      await setStatus(id, 'cancelled');
      // no reportProgress: only the watch can tell the handler
      for (let i = 0; i < 200 && ctx.shouldStop() === null; i++) await new Promise((r) => setTimeout(r, 5));
      expect(ctx.shouldStop()).toBe('cancel');
      return { status: 'stopped' };
    });
    expect(result).toBe('stopped');
    expect((await getJob(id))!.status).toBe('cancelled');
  });

  it('a handler that finishes after the user paused leaves the job paused', async () => {
    const id = await claimedJob();
    const result = await run(id, async () => {
      await setStatus(id, 'paused');
      return { status: 'completed', message: 'done anyway' };
    });
    expect(result).toBe('stopped');
    expect((await getJob(id))!.status).toBe('paused');
  });

  it('an error after the user cancelled leaves the job cancelled', async () => {
    const id = await claimedJob();
    const result = await run(id, async () => {
      await setStatus(id, 'cancelled');
      throw new Error('aborted mid-step');
    });
    expect(result).toBe('stopped');
    expect((await getJob(id))!.status).toBe('cancelled');
  });

  it('a handler that stops unasked fails the job instead of leaving it running', async () => {
    const id = await claimedJob();
    expect(await run(id, async () => ({ status: 'stopped' }))).toBe('failed');
    expect((await getJob(id))!.error?.message).toContain('nobody asked');
  });

  it('an interruption (device lost) fails the job with its reason and silences the still-running handler', async () => {
    const id = await claimedJob();
    let lose: (e: JobError) => void = () => {};
    const interruption = new Promise<JobError>((resolve) => (lose = resolve));
    let zombie: JobContext<Env> | undefined;
    let release: () => void = () => {};
    const result = run(
      id,
      async (ctx) => {
        zombie = ctx;
        await ctx.reportProgress({ done: 1, total: 4 });
        lose({ message: 'The GPU device was lost (unknown).', action: 'Resume the job.' });
        await new Promise<void>((r) => (release = r)); // a handler stuck on a dead device
        return { status: 'completed' };
      },
      { interruption },
    );
    expect(await result).toBe('failed');
    const job = (await getJob(id))!;
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ message: 'The GPU device was lost (unknown).', action: 'Resume the job.' });

    // the abandoned handler can no longer write, and is told to stop
    await zombie!.reportProgress({ done: 3, total: 4 });
    await zombie!.checkpoint('late');
    expect(zombie!.shouldStop()).toBe('cancel');
    release();
    const after = (await getJob(id))!;
    expect(after.progress.done).toBe(1);
    expect(after.checkpoint).toBeUndefined();
  });

  it('a GPU call failing just before the loss is reported reports the loss, not the symptom', async () => {
    const id = await claimedJob();
    let lose: (e: JobError) => void = () => {};
    const interruption = new Promise<JobError>((resolve) => (lose = resolve));
    const result = run(
      id,
      async () => {
        setTimeout(() => lose({ message: 'The GPU device was lost (destroyed).' }), 20);
        throw new Error('Buffer was unmapped before mapping was resolved.');
      },
      { interruption },
    );
    expect(await result).toBe('failed');
    expect((await getJob(id))!.error?.message).toBe('The GPU device was lost (destroyed).');
  });
});

describe('runner helpers', () => {
  it('maps stored statuses to stop requests', () => {
    expect(stopRequestFor('running')).toBeNull();
    expect(stopRequestFor('paused')).toBe('pause');
    expect(stopRequestFor('cancelled')).toBe('cancel');
    expect(stopRequestFor('interrupted')).toBe('cancel');
    expect(stopRequestFor(undefined)).toBe('cancel');
  });

  it('describes errors with a default action that depends on resumability', () => {
    expect(describeError(new Error('boom'), true)).toEqual({ message: 'boom', action: 'Resume the job to continue from its last checkpoint.' });
    expect(describeError('plain', false).action).toContain('Start the job again');
    expect(describeError(42, false).message).toBe('The job failed for an unknown reason.');
  });
});

describe('watching', () => {
  useFreshDatabase();

  it('the status watch reports changes made after it starts', async () => {
    const id = await claimedJob();
    const seen: (string | undefined)[] = [];
    const stop = dexieRunnerStore.watchStatus(id, (s) => seen.push(s));
    await until(id, (s) => s === 'running');
    await new Promise((r) => setTimeout(r, 20));
    await setStatus(id, 'paused');
    for (let i = 0; i < 100 && !seen.includes('paused'); i++) await new Promise((r) => setTimeout(r, 5));
    stop();
    expect(seen).toContain('paused');
  });
});
