// Runs one claimed job inside a worker: finds its handler, gives it a context, and records how it ended.
// Storage is injected so the protocol is tested without IndexedDB.
import { estimateRate, type RateState } from '../domain/progress';
import { IllegalTransitionError } from '../domain/status';
import type { JobError, JobProgress, JobRecord, JobStatus } from '../domain/job';
import type { HandlerRegistry, JobContext, JobOutcome, ProgressUpdate, StopRequest } from './handlers';

export interface RunnerStore {
  getJob(id: string): Promise<JobRecord | undefined>;
  /** merges progress and returns the job as stored (its status tells whether the user stopped it) */
  reportProgress(id: string, progress: Partial<JobProgress>): Promise<JobRecord>;
  saveCheckpoint(id: string, state: unknown): Promise<void>;
  setStatus(id: string, to: JobStatus, patch?: { progress?: Partial<JobProgress>; error?: JobError }): Promise<JobRecord>;
  /** calls back whenever the stored status changes, so a stop request is seen between progress reports */
  watchStatus(id: string, onStatus: (status: JobStatus | undefined) => void): () => void;
}

export interface RunOptions<Env> {
  store: RunnerStore;
  handlers: HandlerRegistry<Env>;
  env: Env;
  /** milliseconds, for rate estimates */
  now?: () => number;
  /** settles when the run must fail from outside the handler, e.g. the GPU device was lost */
  interruption?: Promise<JobError>;
}

/** how long a failed run waits for an interruption that explains the failure */
const INTERRUPTION_GRACE_MS = 250;

/** how the run ended, from the runner's point of view */
export type RunResult = 'completed' | 'stopped' | 'failed' | 'skipped';

export function stopRequestFor(status: JobStatus | undefined): StopRequest | null {
  if (status === 'running') return null;
  // paused: keep the checkpoint and stop; anything else (cancelled, deleted, taken over) means stop for good
  return status === 'paused' ? 'pause' : 'cancel';
}

export function describeError(err: unknown, resumable: boolean): JobError {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'The job failed for an unknown reason.';
  const action = typeof err === 'object' && err !== null && 'action' in err && typeof err.action === 'string' ? err.action : defaultAction(resumable);
  return { message, action };
}

function defaultAction(resumable: boolean): string {
  return resumable
    ? 'Resume the job to continue from its last checkpoint.'
    : 'Start the job again; if it keeps failing, check the System page for GPU and storage problems.';
}

export async function runJob<Env>(jobId: string, opts: RunOptions<Env>): Promise<RunResult> {
  const { store } = opts;
  const now = opts.now ?? (() => performance.now());
  const job = await store.getJob(jobId);
  if (!job || job.status !== 'running') return 'skipped';

  const handler = opts.handlers.get(job.kind);
  if (!handler) {
    await finish(store, jobId, 'failed', {
      error: {
        message: `This version of miStudio cannot run '${job.kind}' jobs in the ${opts.handlers.lane} worker.`,
        action: 'Reload the page to get the latest version, then start the job again.',
      },
    });
    return 'failed';
  }

  let status: JobStatus | undefined = job.status;
  let closed = false;
  let rate: RateState | undefined;
  const unwatch = store.watchStatus(jobId, (s) => {
    status = s;
  });

  const ctx: JobContext<Env> = {
    job,
    env: opts.env,
    async reportProgress(update: ProgressUpdate) {
      if (closed) return;
      const estimate = estimateRate(rate, { done: update.done, total: update.total, at: now() });
      rate = estimate.state;
      const progress: Partial<JobProgress> = { done: update.done, total: update.total, rate: estimate.rate, etaSeconds: estimate.etaSeconds };
      if (update.phase !== undefined) progress.phase = update.phase;
      if (update.message !== undefined) progress.message = update.message;
      const stored = await store.reportProgress(jobId, progress);
      status = stored.status;
    },
    async checkpoint(state: unknown) {
      if (closed) return;
      await store.saveCheckpoint(jobId, state);
    },
    shouldStop: () => (closed ? 'cancel' : stopRequestFor(status)),
  };

  type Settled = { kind: 'outcome'; outcome: JobOutcome } | { kind: 'error'; error: unknown } | { kind: 'interrupted'; error: JobError };
  const work: Promise<Settled> = handler(ctx).then(
    (outcome) => ({ kind: 'outcome', outcome }),
    (error: unknown) => ({ kind: 'error', error }),
  );
  const contenders: Promise<Settled>[] = [work];
  if (opts.interruption) contenders.push(opts.interruption.then((error) => ({ kind: 'interrupted', error })));

  try {
    const settled = await Promise.race(contenders);
    // from here on the handler (if still running, after an interruption) can no longer write
    closed = true;
    if (settled.kind === 'interrupted') {
      return (await finish(store, jobId, 'failed', { error: settled.error, progress: { rate: 0, etaSeconds: null } })) ? 'failed' : 'stopped';
    }
    if (settled.kind === 'error') {
      // GPU calls fail (e.g. mapAsync rejects) a moment before device.lost settles: report the cause, not the symptom
      const cause = opts.interruption ? await settleWithin(opts.interruption, INTERRUPTION_GRACE_MS) : undefined;
      const error = cause ?? describeError(settled.error, job.resumable);
      return (await finish(store, jobId, 'failed', { error, progress: { rate: 0, etaSeconds: null } })) ? 'failed' : 'stopped';
    }
    if (settled.outcome.status === 'stopped') {
      if (stopRequestFor(status) !== null) return 'stopped';
      await finish(store, jobId, 'failed', {
        error: { message: 'The job stopped before finishing although nobody asked it to.', action: defaultAction(job.resumable) },
      });
      return 'failed';
    }
    const current = await store.getJob(jobId);
    const progress: Partial<JobProgress> = { phase: 'done', etaSeconds: 0, rate: 0 };
    if (current && current.progress.total > 0) progress.done = current.progress.total;
    if (settled.outcome.message !== undefined) progress.message = settled.outcome.message;
    return (await finish(store, jobId, 'completed', { progress })) ? 'completed' : 'stopped';
  } finally {
    closed = true;
    unwatch();
  }
}

/**
 * Records the end of a run. The user may have paused or cancelled meanwhile; then their status stands
 * (the status machine refuses the change) and this returns false.
 */
async function finish(
  store: RunnerStore,
  jobId: string,
  to: JobStatus,
  patch: { progress?: Partial<JobProgress>; error?: JobError },
): Promise<boolean> {
  try {
    await store.setStatus(jobId, to, patch);
    return true;
  } catch (err) {
    if (err instanceof IllegalTransitionError) return false;
    throw err;
  }
}

function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
