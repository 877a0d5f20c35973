// Jobs repository: the queue of long work. Status changes go through the job status machine inside a
// transaction, so two threads (UI, workers, other tabs) can never move a job along an illegal path.
import { assertJobTransition, isTerminal, JOB_STATUS } from '../../domain/status';
import type { JobError, JobKind, JobLane, JobProgress, JobRecord, JobStatus } from '../../domain/job';
import { monotonicNow } from '../clock';
import { db } from '../db';
import { RecordNotFoundError } from '../errors';

export interface NewJob {
  kind: JobKind;
  lane: JobLane;
  title: string;
  params: unknown;
  subjectId?: string;
  resumable: boolean;
}

export interface JobStatusPatch {
  progress?: Partial<JobProgress>;
  error?: JobError;
  params?: unknown;
}

export function initialProgress(): JobProgress {
  return { phase: 'queued', done: 0, total: 0, rate: 0, etaSeconds: null, message: '' };
}

export async function createJob(input: NewJob): Promise<JobRecord> {
  const now = monotonicNow();
  const job: JobRecord = {
    id: crypto.randomUUID(),
    kind: input.kind,
    lane: input.lane,
    title: input.title,
    status: 'queued',
    params: input.params,
    progress: initialProgress(),
    resumable: input.resumable,
    createdAt: now,
    updatedAt: now,
  };
  if (input.subjectId !== undefined) job.subjectId = input.subjectId;
  await db().jobs.add(job);
  return job;
}

export function getJob(id: string): Promise<JobRecord | undefined> {
  return db().jobs.get(id);
}

export async function requireJob(id: string): Promise<JobRecord> {
  const job = await db().jobs.get(id);
  if (!job) throw new RecordNotFoundError('job', id);
  return job;
}

/** Moves a job to `to` (throws IllegalTransitionError when the status machine forbids it). */
export async function setStatus(id: string, to: JobStatus, patch: JobStatusPatch = {}): Promise<JobRecord> {
  const d = db();
  return d.transaction('rw', d.jobs, async () => {
    const job = await d.jobs.get(id);
    if (!job) throw new RecordNotFoundError('job', id);
    assertJobTransition(job, to);
    const now = monotonicNow();
    const next: JobRecord = { ...job, status: to, updatedAt: now };
    if (patch.progress) next.progress = { ...job.progress, ...patch.progress };
    if (patch.params !== undefined) next.params = patch.params;
    if (to === 'running') next.startedAt = now;
    if (to === 'queued') {
      // a resumed or retried job starts clean: no stale error or finish time
      delete next.error;
      delete next.finishedAt;
    }
    if (patch.error) next.error = patch.error;
    // failed is not terminal (a resumable job may be retried) but the run did finish
    if (isTerminal(JOB_STATUS, to) || to === 'failed') next.finishedAt = now;
    await d.jobs.put(next);
    return next;
  });
}

/**
 * Merges progress into a job and returns the job as stored, so a worker can notice that the job was
 * cancelled or paused meanwhile (its status is then no longer `running`).
 */
export async function reportProgress(id: string, progress: Partial<JobProgress>): Promise<JobRecord> {
  const d = db();
  return d.transaction('rw', d.jobs, async () => {
    const job = await d.jobs.get(id);
    if (!job) throw new RecordNotFoundError('job', id);
    const next: JobRecord = { ...job, progress: { ...job.progress, ...progress }, updatedAt: monotonicNow() };
    await d.jobs.put(next);
    return next;
  });
}

/** The oldest queued job of a lane, if any. */
export async function nextQueued(lane: JobLane): Promise<JobRecord | undefined> {
  const queued = await db().jobs.where('[lane+status]').equals([lane, 'queued']).sortBy('createdAt');
  return queued[0];
}

/** Atomically takes the oldest queued job of a lane and marks it running (so two runners never share one). */
export async function claimNextQueued(lane: JobLane): Promise<JobRecord | undefined> {
  const d = db();
  return d.transaction('rw', d.jobs, async () => {
    const job = await nextQueued(lane);
    return job ? setStatus(job.id, 'running') : undefined;
  });
}

/** Start-up recovery: nothing can be running before a runner starts, so every `running` job was cut off. */
export async function markRunningAsInterrupted(): Promise<JobRecord[]> {
  const d = db();
  return d.transaction('rw', d.jobs, async () => {
    const running = await d.jobs.where('status').equals('running').toArray();
    const interrupted: JobRecord[] = [];
    for (const job of running) interrupted.push(await setStatus(job.id, 'interrupted', { progress: { rate: 0, etaSeconds: null } }));
    return interrupted;
  });
}

export interface JobFilter {
  lane?: JobLane;
  status?: JobStatus | readonly JobStatus[];
  subjectId?: string;
}

/** Jobs matching the filter, newest first. */
export async function listJobs(filter: JobFilter = {}): Promise<JobRecord[]> {
  const statuses = filter.status === undefined ? undefined : typeof filter.status === 'string' ? [filter.status] : filter.status;
  const table = db().jobs;
  const collection =
    filter.subjectId !== undefined
      ? table.where('subjectId').equals(filter.subjectId)
      : statuses
        ? table.where('status').anyOf([...statuses])
        : filter.lane
          ? table.where('lane').equals(filter.lane)
          : table.toCollection();
  const rows = await collection
    .filter((j) => (filter.lane === undefined || j.lane === filter.lane) && (statuses === undefined || statuses.includes(j.status)))
    .toArray();
  return rows.sort((a, b) => b.createdAt - a.createdAt);
}

export async function deleteJob(id: string): Promise<void> {
  await db().jobs.delete(id);
}
