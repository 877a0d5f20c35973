// Status machines: which status changes are legal for jobs, trainings and stored assets.
// Pure data + checks; the store enforces them inside its transactions.
import type { AssetStatus, TrainingStatus } from './entities';
import type { JobStatus } from './job';

export interface StatusMachine<S extends string> {
  /** what the statuses belong to, for messages ("job", "training", ...) */
  readonly name: string;
  readonly states: readonly S[];
  /** from → the statuses it may move to; a status never "moves" to itself */
  readonly transitions: Readonly<Record<S, readonly S[]>>;
}

export const JOB_STATUS: StatusMachine<JobStatus> = {
  name: 'job',
  states: ['queued', 'running', 'paused', 'interrupted', 'completed', 'failed', 'cancelled'],
  transitions: {
    queued: ['running', 'cancelled'],
    running: ['completed', 'failed', 'cancelled', 'paused', 'interrupted'],
    paused: ['queued', 'cancelled'], // resume goes back through the queue
    interrupted: ['queued', 'cancelled'], // the page closed mid-run: resume or give up
    failed: ['queued'], // retry; only for resumable jobs (see canTransitionJob)
    completed: [],
    cancelled: [],
  },
};

export const TRAINING_STATUS: StatusMachine<TrainingStatus> = {
  name: 'training',
  states: ['draft', 'queued', 'running', 'paused', 'interrupted', 'completed', 'failed', 'cancelled'],
  transitions: {
    draft: ['queued'],
    queued: ['running', 'cancelled'],
    running: ['completed', 'failed', 'cancelled', 'paused', 'interrupted'],
    paused: ['queued', 'cancelled'],
    interrupted: ['queued', 'cancelled'],
    failed: ['queued', 'cancelled'], // retry from the latest checkpoint, or give up
    completed: [],
    cancelled: [],
  },
};

export const ASSET_STATUS: StatusMachine<AssetStatus> = {
  name: 'asset',
  states: ['pending', 'running', 'ready', 'failed'],
  transitions: {
    pending: ['running', 'failed'],
    running: ['ready', 'failed', 'pending'], // back to pending when its job was interrupted and requeued
    failed: ['pending'], // retry
    ready: [],
  },
};

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly machine: string,
    readonly from: string,
    readonly to: string,
    reason?: string,
  ) {
    super(`A ${machine} that is ${from} cannot become ${to}${reason ? `: ${reason}` : ''}.`);
  }
}

export function canTransition<S extends string>(machine: StatusMachine<S>, from: S, to: S): boolean {
  return machine.transitions[from].includes(to);
}

export function assertTransition<S extends string>(machine: StatusMachine<S>, from: S, to: S): void {
  if (!canTransition(machine, from, to)) throw new IllegalTransitionError(machine.name, from, to, allowedHint(machine, from));
}

/** Statuses from which nothing more happens. */
export function isTerminal<S extends string>(machine: StatusMachine<S>, status: S): boolean {
  return machine.transitions[status].length === 0;
}

/** Job rule beyond the table: a failed job is retried only when it can continue from where it stopped. */
export function canTransitionJob(job: { status: JobStatus; resumable: boolean }, to: JobStatus): boolean {
  if (job.status === 'failed' && to === 'queued' && !job.resumable) return false;
  return canTransition(JOB_STATUS, job.status, to);
}

export function assertJobTransition(job: { status: JobStatus; resumable: boolean }, to: JobStatus): void {
  if (job.status === 'failed' && to === 'queued' && !job.resumable) {
    throw new IllegalTransitionError('job', 'failed', 'queued', 'this job cannot resume, start a new one instead');
  }
  assertTransition(JOB_STATUS, job.status, to);
}

function allowedHint<S extends string>(machine: StatusMachine<S>, from: S): string {
  const next = machine.transitions[from];
  return next.length === 0 ? `${from} is final` : `it can only become ${next.join(', ')}`;
}
