import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../src/domain/status';
import {
  claimNextQueued,
  createJob,
  deleteJob,
  getJob,
  listJobs,
  markRunningAsInterrupted,
  nextQueued,
  reportProgress,
  requireJob,
  setStatus,
  type NewJob,
} from '../../../src/store/repos/jobs';
import { RecordNotFoundError } from '../../../src/store/errors';
import { useFreshDatabase } from './test-db';

const base: NewJob = { kind: 'train', lane: 'gpu', title: 'Train SAE', params: { a: 1 }, resumable: true };

describe('jobs repository', () => {
  useFreshDatabase();

  it('creates queued jobs with empty progress', async () => {
    const job = await createJob({ ...base, subjectId: 't1' });
    expect(job.status).toBe('queued');
    expect(job.progress).toEqual({ phase: 'queued', done: 0, total: 0, rate: 0, etaSeconds: null, message: '' });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getJob(job.id)).toEqual(job);
  });

  it('walks a job through its life and stamps times', async () => {
    const job = await createJob(base);
    const running = await setStatus(job.id, 'running', { progress: { phase: 'training', total: 100 } });
    expect(running.startedAt).toBeGreaterThanOrEqual(job.createdAt);
    expect(running.progress.total).toBe(100);
    expect(running.progress.phase).toBe('training');
    const failed = await setStatus(job.id, 'failed', { error: { message: 'NaN loss', action: 'Lower the learning rate' } });
    expect(failed.finishedAt).toBeDefined();
    expect(failed.error?.message).toBe('NaN loss');
    const retried = await setStatus(job.id, 'queued');
    expect(retried.error).toBeUndefined();
    expect(retried.finishedAt).toBeUndefined();
    await setStatus(job.id, 'running');
    const done = await setStatus(job.id, 'completed');
    expect(done.status).toBe('completed');
    expect(done.finishedAt).toBeGreaterThan(done.startedAt ?? Infinity);
  });

  it('refuses illegal transitions and leaves the row unchanged', async () => {
    const job = await createJob(base);
    await expect(setStatus(job.id, 'completed')).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await requireJob(job.id)).status).toBe('queued');
  });

  it('retries a failed job only when it is resumable', async () => {
    const job = await createJob({ ...base, resumable: false });
    await setStatus(job.id, 'running');
    await setStatus(job.id, 'failed');
    await expect(setStatus(job.id, 'queued')).rejects.toThrow(/cannot resume/);
  });

  it('reports a missing job with a typed error', async () => {
    await expect(setStatus('nope', 'running')).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(reportProgress('nope', { done: 1 })).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(requireJob('nope')).rejects.toBeInstanceOf(RecordNotFoundError);
  });

  it('merges progress and returns the stored status so a worker sees cancellation', async () => {
    const job = await createJob(base);
    await setStatus(job.id, 'running');
    const p = await reportProgress(job.id, { done: 5, total: 10, message: 'step 5' });
    expect(p.progress).toMatchObject({ done: 5, total: 10, message: 'step 5', phase: 'queued' });
    await setStatus(job.id, 'cancelled');
    expect((await reportProgress(job.id, { done: 6 })).status).toBe('cancelled');
  });

  it('hands out queued jobs per lane, oldest first', async () => {
    const a = await createJob(base);
    const io = await createJob({ ...base, lane: 'io', kind: 'download-model' });
    const b = await createJob(base);
    expect((await nextQueued('gpu'))?.id).toBe(a.id);
    expect((await nextQueued('io'))?.id).toBe(io.id);
    const claimed = await claimNextQueued('gpu');
    expect(claimed).toMatchObject({ id: a.id, status: 'running' });
    expect((await claimNextQueued('gpu'))?.id).toBe(b.id);
    expect(await claimNextQueued('gpu')).toBeUndefined();
  });

  it('marks running jobs interrupted at start-up', async () => {
    const a = await createJob(base);
    const b = await createJob({ ...base, lane: 'io' });
    const c = await createJob(base);
    await setStatus(a.id, 'running', { progress: { rate: 3, etaSeconds: 10 } });
    await setStatus(b.id, 'running');
    const interrupted = await markRunningAsInterrupted();
    expect(interrupted.map((j) => j.id).sort()).toEqual([a.id, b.id].sort());
    expect((await requireJob(a.id)).status).toBe('interrupted');
    expect((await requireJob(a.id)).progress).toMatchObject({ rate: 0, etaSeconds: null });
    expect((await requireJob(c.id)).status).toBe('queued');
    expect(await markRunningAsInterrupted()).toEqual([]);
  });

  it('lists jobs by lane, status and subject, newest first', async () => {
    const a = await createJob({ ...base, subjectId: 's' });
    const b = await createJob({ ...base, lane: 'io' });
    const c = await createJob(base);
    await setStatus(c.id, 'running');
    expect((await listJobs()).map((j) => j.id)).toEqual([c.id, b.id, a.id]);
    expect((await listJobs({ lane: 'gpu' })).map((j) => j.id)).toEqual([c.id, a.id]);
    expect((await listJobs({ status: 'queued' })).map((j) => j.id)).toEqual([b.id, a.id]);
    expect((await listJobs({ lane: 'gpu', status: ['queued', 'running'] })).map((j) => j.id)).toEqual([c.id, a.id]);
    expect((await listJobs({ subjectId: 's' })).map((j) => j.id)).toEqual([a.id]);
    await deleteJob(a.id);
    expect(await getJob(a.id)).toBeUndefined();
  });
});
