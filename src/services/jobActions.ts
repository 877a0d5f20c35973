// Which controls a job row offers, from the job status machine.
import type { JobRecord } from '../domain/job';
import { canTransitionJob } from '../domain/status';

export type JobAction = 'pause' | 'resume' | 'cancel';

export function jobActions(job: Pick<JobRecord, 'status' | 'resumable'>): JobAction[] {
  const actions: JobAction[] = [];
  if (job.status === 'running' && canTransitionJob(job, 'paused')) actions.push('pause');
  // resume = back into the queue; a failed job only when it can continue from its checkpoint
  if (job.status !== 'queued' && canTransitionJob(job, 'queued')) actions.push('resume');
  if (canTransitionJob(job, 'cancelled')) actions.push('cancel');
  return actions;
}
