import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../src/domain/status';
import { SELF_TEST_DEFAULTS } from '../../../src/gpu/selftest';
import { cancelJob, enqueueGpuSelfTest, enqueueJob, pauseJob, queryJobs, resumeJob } from '../../../src/services/jobs';
import { claimNextQueued, getJob, reportProgress } from '../../../src/store/repos/jobs';
import { useFreshDatabase } from '../store/test-db';

describe('job services', () => {
  useFreshDatabase();

  it('queues the GPU self-test in the GPU lane, resumable, with the default size', async () => {
    const job = await enqueueGpuSelfTest();
    expect(job).toMatchObject({ kind: 'demo-reduce', lane: 'gpu', status: 'queued', resumable: true, params: SELF_TEST_DEFAULTS });
    expect((await queryJobs()).map((j) => j.id)).toEqual([job.id]);
  });

  it('puts each kind in its lane and keeps the subject', async () => {
    const job = await enqueueJob('tokenize', 'Tokenize', { a: 1 }, { resumable: false, subjectId: 'ds1' });
    expect(job).toMatchObject({ lane: 'io', subjectId: 'ds1' });
    expect((await queryJobs({ subjectId: 'ds1' })).map((j) => j.id)).toEqual([job.id]);
  });

  it('pause, resume and cancel move the job through its legal states and keep the checkpointed progress', async () => {
    const job = await enqueueGpuSelfTest();
    await claimNextQueued('gpu');
    await reportProgress(job.id, { done: 5, total: 32, rate: 3, etaSeconds: 9 });
    const paused = await pauseJob(job.id);
    expect(paused.status).toBe('paused');
    expect(paused.progress).toMatchObject({ done: 5, rate: 0, etaSeconds: null, message: 'Paused' });
    const resumed = await resumeJob(job.id);
    expect(resumed.status).toBe('queued');
    expect(resumed.progress.done).toBe(5);
    const cancelled = await cancelJob(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await getJob(job.id))!.finishedAt).toBeDefined();
  });

  it('refuses what the status machine forbids, with a message', async () => {
    const job = await enqueueGpuSelfTest();
    await expect(pauseJob(job.id)).rejects.toThrow(IllegalTransitionError); // queued jobs are cancelled, not paused
    await cancelJob(job.id);
    await expect(resumeJob(job.id)).rejects.toThrow(/cancelled is final/);
  });
});
