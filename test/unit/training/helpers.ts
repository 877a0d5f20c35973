// Shared test set-up for the training tests: a fresh database and blob store per test, a JobContext that
// records progress and can stop on cue, and a StepTrainer backed by the CPU reference (tests only; the app
// trains on the GPU).
import 'fake-indexeddb/auto';
import type { JobRecord } from '../../../src/domain/job';
import type { JobContext, ProgressUpdate, StopRequest } from '../../../src/jobs/handlers';
import { isTrainerState, type MetricsDelivery, type StepTrainer, type TrainerFactory } from '../../../src/jobs/handlers/trainTrainer';
import type { SaeConfig, StepMetrics } from '../../../src/sae/config';
import { ReferenceTrainer } from '../../../src/sae/reference';
import { demoSpec, type DemoShape } from '../../../src/sae/training/demo';
import type { TrainingSpec } from '../../../src/sae/training/spec';

export { useFreshStores, type TestStores } from '../store/test-db';

export interface FakeContext extends JobContext<unknown> {
  progress: ProgressUpdate[];
  /** from now on shouldStop() answers `request` */
  requestStop(request: StopRequest): void;
}

export function fakeContext(params: unknown): FakeContext {
  const job: JobRecord = {
    id: crypto.randomUUID(),
    kind: 'train',
    lane: 'gpu',
    title: 'test',
    status: 'running',
    params,
    progress: { phase: 'queued', done: 0, total: 0, rate: 0, etaSeconds: null, message: '' },
    resumable: true,
    createdAt: 0,
    updatedAt: 0,
  };
  const progress: ProgressUpdate[] = [];
  let stopped: StopRequest | null = null;
  return {
    job,
    env: {},
    progress,
    requestStop(request) {
      stopped = request;
    },
    async reportProgress(update) {
      progress.push(update);
    },
    async checkpoint() {},
    shouldStop: () => stopped,
  };
}

/**
 * The CPU reference behind the StepTrainer port, with float32 state so a resumed run is bit-identical.
 * Like the GPU trainer it delivers metrics in groups of `interval` steps, or when asked to.
 */
export class ReferenceStepTrainer implements StepTrainer {
  destroyed = false;
  private pending: StepMetrics[] = [];
  private pendingFirst: number;
  private deliveries: MetricsDelivery[] = [];
  deliveredSteps: number;

  constructor(
    readonly trainer: ReferenceTrainer,
    private readonly interval = 4,
    /** rewrites a step's metrics (tests of divergence); `step` counts from 1 */
    private readonly tamper?: (metrics: StepMetrics, step: number) => StepMetrics,
  ) {
    this.pendingFirst = trainer.completedSteps;
    this.deliveredSteps = trainer.completedSteps;
  }
  step(batch: Float32Array, B: number): void {
    const m = this.trainer.step(batch, B).metrics;
    this.pending.push(this.tamper ? this.tamper(m, this.trainer.completedSteps) : m);
    if (this.pending.length >= this.interval) this.deliver();
  }
  takeMetrics(): MetricsDelivery[] {
    return this.deliveries.splice(0);
  }
  async waitForMetrics(steps: number): Promise<void> {
    if (this.deliveredSteps < steps) this.deliver();
  }
  state() {
    return Promise.resolve(this.trainer.getState());
  }
  destroy(): void {
    this.destroyed = true;
  }
  private deliver(): void {
    if (this.pending.length === 0) return;
    this.deliveries.push({ firstStep: this.pendingFirst, metrics: this.pending });
    this.deliveredSteps = this.pendingFirst + this.pending.length;
    this.pendingFirst = this.deliveredSteps;
    this.pending = [];
  }
}

export function referenceFactoryWith(tamper?: (metrics: StepMetrics, step: number) => StepMetrics): TrainerFactory {
  return async (config: SaeConfig, init) =>
    new ReferenceStepTrainer(
      isTrainerState(init) ? ReferenceTrainer.fromState(init, { stateStorage: 'float32' }) : new ReferenceTrainer(config, init, { stateStorage: 'float32' }),
      4,
      tamper,
    );
}

export const referenceFactory: TrainerFactory = referenceFactoryWith();

/** A factory whose trainers call `onStep` with the completed step count after every step. */
export function observedFactory(onStep: (done: number) => void, inner: TrainerFactory = referenceFactory): TrainerFactory {
  return async (config, init) => {
    const trainer = await inner(config, init);
    let done = isTrainerState(init) ? init.step : 0;
    return {
      step(batch, B) {
        trainer.step(batch, B);
        onStep(++done);
      },
      takeMetrics: () => trainer.takeMetrics(),
      get deliveredSteps() {
        return trainer.deliveredSteps;
      },
      waitForMetrics: (steps) => trainer.waitForMetrics(steps),
      state: () => trainer.state(),
      destroy: () => trainer.destroy(),
    };
  };
}

export const TINY: DemoShape = { dIn: 4, features: 8, dSae: 8, k: 1, activeFeatures: 1, batchSize: 8, steps: 40, lr: 1e-2 };

/** A tiny synthetic spec: 40 steps, metrics every 2, checkpoints every 10, keep 2. */
export function tinySpec(overrides: Partial<TrainingSpec> = {}): TrainingSpec {
  return { ...demoSpec(TINY, 3), name: 'tiny', checkpointEvery: 10, keepCheckpoints: 2, metricsEvery: 2, mmcsEvery: 10, ...overrides };
}
