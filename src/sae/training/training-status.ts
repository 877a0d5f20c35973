// A training's status as the user should see it. The job system moves jobs on its own (a reload marks a
// running job interrupted, a lost device fails it); the training row follows when someone acts on it, and
// until then the job's status wins.
import type { TrainingRecord, TrainingStatus } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { canTransition, TRAINING_STATUS } from '../../domain/status';

/** Statuses in which the training expects its job to be alive. */
const ACTIVE: readonly TrainingStatus[] = ['queued', 'running'];

export function effectiveTrainingStatus(training: Pick<TrainingRecord, 'status'>, job: Pick<JobRecord, 'status'> | undefined): TrainingStatus {
  if (!ACTIVE.includes(training.status)) return training.status;
  if (!job) return 'interrupted';
  switch (job.status) {
    case 'interrupted':
    case 'failed':
    case 'cancelled':
    case 'paused':
      return job.status;
    case 'completed':
      // the job ends only after the handler recorded the training's end: anything else means it was cut short
      return 'interrupted';
    default:
      return training.status;
  }
}

/**
 * The status changes that move a stored training to `to` along legal transitions (a queued training whose
 * job failed first passes through running). Empty when it is there already; undefined when impossible.
 */
export function transitionPath(from: TrainingStatus, to: TrainingStatus): TrainingStatus[] | undefined {
  if (from === to) return [];
  if (canTransition(TRAINING_STATUS, from, to)) return [to];
  if (canTransition(TRAINING_STATUS, from, 'running') && canTransition(TRAINING_STATUS, 'running', to)) return ['running', to];
  return undefined;
}

export interface TrainingActions {
  pause: boolean;
  resume: boolean;
  cancel: boolean;
  delete: boolean;
}

export function trainingActions(status: TrainingStatus): TrainingActions {
  return {
    pause: status === 'running',
    resume: status === 'paused' || status === 'interrupted' || status === 'failed',
    cancel: status === 'queued' || status === 'running' || status === 'paused' || status === 'interrupted' || status === 'failed',
    delete: true,
  };
}
