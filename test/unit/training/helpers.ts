// Shared test set-up for the training tests: a fresh database and blob store per test, a JobContext that
// records progress and can stop on cue, and a StepTrainer backed by the CPU reference (tests only; the app
// trains on the GPU).
import 'fake-indexeddb/auto';
import { afterEach, beforeEach } from 'vitest';
import type { JobRecord } from '../../../src/domain/job';
import type { JobContext, ProgressUpdate, StopRequest } from '../../../src/jobs/handlers';
import { isTrainerState, type StepTrainer, type TrainerFactory } from '../../../src/jobs/handlers/trainTrainer';
import type { SaeConfig, StepMetrics } from '../../../src/sae/config';
import { ReferenceTrainer } from '../../../src/sae/reference';
import { demoSpec, type DemoShape } from '../../../src/sae/training/demo';
import type { TrainingSpec } from '../../../src/sae/training/spec';
import { openDatabase, useDatabase, type MiStudioDatabase } from '../../../src/store/db';
import { IdbBlobStore } from '../../../src/store/idb-blob-store';

export interface TestStores {
  db(): MiStudioDatabase;
  blobs(): IdbBlobStore;
}

export function useFreshStores(): TestStores {
  let database: MiStudioDatabase | undefined;
  let blobs: IdbBlobStore | undefined;
  beforeEach(() => {
    database = openDatabase(`test-${crypto.randomUUID()}`);
    useDatabase(database);
    blobs = new IdbBlobStore(`blobs-${crypto.randomUUID()}`);
  });
  afterEach(async () => {
    useDatabase(undefined);
    await database?.delete();
    await blobs?.database.delete();
  });
  return {
    db: () => database!,
    blobs: () => blobs!,
  };
}

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

/** The CPU reference behind the StepTrainer port, with float32 state so a resumed run is bit-identical. */
export class ReferenceStepTrainer implements StepTrainer {
  last: StepMetrics | undefined;
  destroyed = false;
  constructor(readonly trainer: ReferenceTrainer) {}
  step(batch: Float32Array, B: number): void {
    this.last = this.trainer.step(batch, B).metrics;
  }
  metrics(): Promise<StepMetrics> {
    return Promise.resolve({ ...this.last! });
  }
  decoder(): Promise<Float32Array> {
    return Promise.resolve(Float32Array.from(this.trainer.currentParams().W_dec));
  }
  state() {
    return Promise.resolve(this.trainer.getState());
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const referenceFactory: TrainerFactory = async (config: SaeConfig, init) =>
  new ReferenceStepTrainer(isTrainerState(init) ? ReferenceTrainer.fromState(init, { stateStorage: 'float32' }) : new ReferenceTrainer(config, init, { stateStorage: 'float32' }));

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
      metrics: () => trainer.metrics(),
      decoder: () => trainer.decoder(),
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
