// Use-cases on jobs: enqueue, pause, resume, cancel. The scheduler tab picks queued jobs up; a running job's
// worker sees a pause or cancel (its status changes) and stops at its next step.
import type { JobKind, JobRecord } from '../domain/job';
import { SELF_TEST_DEFAULTS, type SelfTestParams } from '../gpu/selftest';
import { JOB_LANES } from '../jobs/lanes';
import { createJob, listJobs, setStatus, type JobFilter } from '../store/repos/jobs';

export interface EnqueueOptions {
  subjectId?: string;
  /** whether the job's handler checkpoints, so an interrupted or failed run can continue */
  resumable: boolean;
}

export function enqueueJob(kind: JobKind, title: string, params: unknown, opts: EnqueueOptions): Promise<JobRecord> {
  const job = { kind, lane: JOB_LANES[kind], title, params, resumable: opts.resumable };
  return createJob(opts.subjectId === undefined ? job : { ...job, subjectId: opts.subjectId });
}

/** Queues the GPU self-test: a WGSL reduction checked against its CPU twin. */
export function enqueueGpuSelfTest(params: SelfTestParams = SELF_TEST_DEFAULTS): Promise<JobRecord> {
  return enqueueJob('demo-reduce', 'GPU self-test', params, { resumable: true });
}

export function pauseJob(id: string): Promise<JobRecord> {
  return setStatus(id, 'paused', { progress: { rate: 0, etaSeconds: null, message: 'Paused' } });
}

/** Back into the queue; the handler continues from the job's last checkpoint. */
export function resumeJob(id: string): Promise<JobRecord> {
  return setStatus(id, 'queued', { progress: { rate: 0, etaSeconds: null } });
}

export function cancelJob(id: string): Promise<JobRecord> {
  return setStatus(id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Cancelled' } });
}

export function queryJobs(filter: JobFilter = {}): Promise<JobRecord[]> {
  return listJobs(filter);
}
