import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src/sae/checkpoint';
import { readSafetensors, tensorToFloat32 } from '../../../src/sae/formats/safetensors';
import { runTraining } from '../../../src/jobs/handlers/trainLoop';
import { TrainingDivergedError, type TrainerFactory } from '../../../src/jobs/handlers/trainTrainer';
import { createTraining } from '../../../src/services/training/trainings';
import { checkpointsOf } from '../../../src/store/repos/checkpoints';
import { saeRepo } from '../../../src/store/repos/saes';
import { metricsOf } from '../../../src/store/repos/trainingMetrics';
import { setTrainingStatus, trainingRepo } from '../../../src/store/repos/trainings';
import type { TrainingSpec } from '../../../src/sae/training/spec';
import type { StopRequest } from '../../../src/jobs/handlers';
import { fakeContext, observedFactory, referenceFactory, referenceFactoryWith, tinySpec, useFreshStores } from './helpers';

const clock = () => {
  let t = 0;
  return () => (t += 7);
};

async function startTraining(spec: TrainingSpec) {
  const training = await createTraining(spec);
  // the scheduler would claim the job; the handler moves the training to running itself
  return training;
}

interface StopAt {
  step: number;
  request: StopRequest;
}

async function run(trainingId: string, stores: ReturnType<typeof useFreshStores>, stop?: StopAt, factory: TrainerFactory = referenceFactory) {
  const ctx = fakeContext({ trainingId });
  const createTrainer = stop ? observedFactory((done) => done === stop.step && ctx.requestStop(stop.request), factory) : factory;
  const outcome = await runTraining(ctx, { createTrainer, blobs: stores.blobs(), now: clock(), flushIntervalMs: 20 });
  return { ctx, outcome };
}

describe('the train job loop', () => {
  const stores = useFreshStores();

  it('trains to the end: metrics, retained checkpoints, an SAE in SAELens form and a completed training', async () => {
    const t = await startTraining(tinySpec());
    const { outcome, ctx } = await run(t.id, stores);
    expect(outcome.status).toBe('completed');
    if (outcome.status === 'completed') expect(outcome.message).toMatch(/Trained 40 steps · loss .* MMCS/);

    const done = await trainingRepo.require(t.id);
    expect(done.status).toBe('completed');
    expect(done.step).toBe(40);
    expect(done.runs).toEqual([expect.objectContaining({ fromStep: 0, firstMetricStep: 2 })]);
    expect(done.recovery?.step).toBe(40);
    expect(done.recovery?.cosines.length).toBe(done.recovery!.features * done.recovery!.latents);

    const rows = await metricsOf(t.id);
    expect(rows.map((r) => r.step)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * (i + 1)));
    expect(rows.filter((r) => r.mmcs !== undefined).map((r) => r.step)).toEqual([10, 20, 30, 40]);

    // keep-last-2 plus the best; the final state is the newest
    const ckpts = await checkpointsOf(t.id);
    expect(ckpts.length).toBeGreaterThanOrEqual(2);
    expect(ckpts.length).toBeLessThanOrEqual(3);
    expect(ckpts.at(-1)!.step).toBe(40);
    expect(ckpts.at(-2)!.step).toBe(30);
    expect(done.latestCheckpointId).toBe(ckpts.at(-1)!.id);
    for (const c of ckpts) {
      const state = decodeCheckpoint(new Uint8Array(await (await stores.blobs().read(c.blobKey)).arrayBuffer()));
      expect(state.step).toBe(c.step);
      expect(state.rngState).toHaveLength(4);
      expect(c.bytes).toBeGreaterThan(0);
      expect(c.metrics.loss).toBeTypeOf('number');
    }

    const sae = await saeRepo.require(done.saeId!);
    expect(sae).toMatchObject({ architecture: 'topk', dIn: 4, dSae: 8, origin: { kind: 'training', trainingId: t.id }, source: { kind: 'synthetic' } });
    expect(sae.cfg).toMatchObject({ architecture: 'topk', k: 1, d_in: 4, d_sae: 8, normalize_activations: 'none' });
    expect(sae.metrics?.mmcs).toBeGreaterThan(0);
    const weights = readSafetensors(new Uint8Array(await (await stores.blobs().read(sae.blobKey)).arrayBuffer()));
    expect([...weights.tensors.keys()].sort()).toEqual(['W_dec', 'W_enc', 'b_dec', 'b_enc']);

    // progress: done/total climbs to the end
    const last = ctx.progress.at(-1)!;
    expect(last).toMatchObject({ done: 40, total: 40 });
  });

  it('pause saves a checkpoint where it stopped; resume continues the step count and ends bit-identical to an uninterrupted run', async () => {
    const straight = await startTraining(tinySpec({ name: 'straight' }));
    await run(straight.id, stores);
    const straightFinal = await finalState(straight.id, stores);

    const paused = await startTraining(tinySpec({ name: 'paused' }));
    const first = await run(paused.id, stores, { step: 15, request: 'pause' });
    expect(first.outcome.status).toBe('stopped');
    const afterPause = await trainingRepo.require(paused.id);
    expect(afterPause.step).toBe(15);
    expect((await checkpointsOf(paused.id)).map((c) => c.step)).toContain(15);

    await setTrainingStatus(paused.id, 'paused');
    await setTrainingStatus(paused.id, 'queued');
    const second = await run(paused.id, stores);
    expect(second.outcome.status).toBe('completed');
    const done = await trainingRepo.require(paused.id);
    expect(done.runs!.map((r) => r.fromStep)).toEqual([0, 15]);
    expect(done.runs![1]!.firstMetricStep).toBeGreaterThan(15);
    expect(second.ctx.progress.find((p) => p.phase === 'training')!.done).toBe(15);

    const steps = (await metricsOf(paused.id)).map((r) => r.step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps).toContain(15);

    const resumedFinal = await finalState(paused.id, stores);
    expect(resumedFinal.step).toBe(40);
    expect(Array.from(resumedFinal.params.W_dec)).toEqual(Array.from(straightFinal.params.W_dec));
    expect(Array.from(resumedFinal.params.b_enc)).toEqual(Array.from(straightFinal.params.b_enc));
  });

  it('after an interruption it resumes from the last checkpoint and replaces the metrics written after it', async () => {
    const t = await startTraining(tinySpec());
    // cancelled mid-run stands in for a closed tab: no checkpoint at the stop, metrics up to it were flushed
    await run(t.id, stores, { step: 25, request: 'cancel' });
    expect((await checkpointsOf(t.id)).map((c) => c.step)).toEqual([10, 20]);
    await setTrainingStatus(t.id, 'interrupted');
    await setTrainingStatus(t.id, 'queued');
    const { outcome, ctx } = await run(t.id, stores);
    expect(outcome.status).toBe('completed');
    expect(ctx.progress.find((p) => p.phase === 'training')!.done).toBe(20);
    const done = await trainingRepo.require(t.id);
    expect(done.runs!.map((r) => r.fromStep)).toEqual([0, 20]);
    expect(done.runs![1]!.firstMetricStep).toBe(22);
    const steps = (await metricsOf(t.id)).map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => 2 * (i + 1)));
  });

  it('a non-finite loss fails the training with the reason and keeps the last good checkpoint', async () => {
    const t = await startTraining(tinySpec());
    const poisoned = referenceFactoryWith((m, step) => (step >= 14 ? { ...m, loss: Number.NaN } : m));
    const err = await run(t.id, stores, undefined, poisoned).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).message).toBe('Training diverged at step 14: loss is NaN.');
    expect((err as TrainingDivergedError).action).toMatch(/last good checkpoint \(step 10\) is kept/);
    const failed = await trainingRepo.require(t.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/diverged at step 14/);
    expect((await checkpointsOf(t.id)).map((c) => c.step)).toEqual([10]);
    expect((await metricsOf(t.id)).every((r) => Number.isFinite(r.loss))).toBe(true);
  });

  it('input scaling and a mean b_dec: the scale is saved in checkpoints and folded into the exported SAE', async () => {
    const t = await startTraining(tinySpec({ inputScaling: true, bDecInit: 'mean' }));
    await run(t.id, stores);
    const state = await finalState(t.id, stores);
    expect(state.inputScale).toBeGreaterThan(1);
    const done = await trainingRepo.require(t.id);
    const sae = await saeRepo.require(done.saeId!);
    const weights = readSafetensors(new Uint8Array(await (await stores.blobs().read(sae.blobKey)).arrayBuffer()));
    const raw = tensorToFloat32(weights.tensors.get('b_dec')!, 'b_dec');
    raw.forEach((v, i) => expect(v).toBeCloseTo(state.params.b_dec[i]! / state.inputScale!, 5));
  });

  it('does nothing for a cancelled training and refuses one that cannot run', async () => {
    const t = await startTraining(tinySpec());
    await setTrainingStatus(t.id, 'cancelled');
    expect((await run(t.id, stores)).outcome.status).toBe('stopped');
    await expect(run('missing', stores)).rejects.toThrow(/does not exist/);
  });
});

async function finalState(trainingId: string, stores: ReturnType<typeof useFreshStores>) {
  const c = (await checkpointsOf(trainingId)).at(-1)!;
  return decodeCheckpoint(new Uint8Array(await (await stores.blobs().read(c.blobKey)).arrayBuffer()));
}
