// The handler protocol: what a worker gives a job's code while it runs, and the registry that maps job
// kinds to that code. Later features register their handlers ('train', 'tokenize', ...) in the lane files.
import type { JobKind, JobLane, JobRecord } from '../domain/job';

/** What the user asked a running job to do; honoured between steps. */
export type StopRequest = 'cancel' | 'pause';

export interface ProgressUpdate {
  /** short name of the current phase, e.g. 'reducing', 'training' */
  phase?: string;
  done: number;
  /** 0 when unknown */
  total: number;
  /** one line for the job row */
  message?: string;
}

export interface JobContext<Env> {
  /** the job as claimed: params, last progress and last checkpoint (from an earlier run, when resumed) */
  readonly job: JobRecord;
  /** the lane's resources (the GPU lane provides the device) */
  readonly env: Env;
  /** stores progress; the runner adds the smoothed rate and time left. A few reports per second at most. */
  reportProgress(update: ProgressUpdate): Promise<void>;
  /** stores state to continue from after a pause, a reload or a crash (small, structured-clonable) */
  checkpoint(state: unknown): Promise<void>;
  /** non-null once the user cancelled or paused the job: stop at the next step boundary and return 'stopped' */
  shouldStop(): StopRequest | null;
}

export type JobOutcome =
  /** all work done; `message` is the result line shown on the job row */
  | { status: 'completed'; message?: string }
  /** returned after honouring shouldStop() */
  | { status: 'stopped' };

export type JobHandler<Env> = (ctx: JobContext<Env>) => Promise<JobOutcome>;

export class HandlerRegistry<Env> {
  private readonly handlers = new Map<JobKind, JobHandler<Env>>();

  constructor(readonly lane: JobLane) {}

  register(kind: JobKind, handler: JobHandler<Env>): this {
    if (this.handlers.has(kind)) throw new Error(`A handler for '${kind}' jobs is already registered in the ${this.lane} lane.`);
    this.handlers.set(kind, handler);
    return this;
  }

  get(kind: JobKind): JobHandler<Env> | undefined {
    return this.handlers.get(kind);
  }

  kinds(): JobKind[] {
    return [...this.handlers.keys()];
  }
}
