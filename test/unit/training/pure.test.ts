import { describe, expect, it } from 'vitest';
import { bestCosines } from '../../../src/data/synthetic';
import { downsampleIndices, downsampleSeries } from '../../../src/sae/training/downsample';
import {
  checkDeviceLimits,
  estimateMemory,
  estimateSeconds,
  flopsPerStep,
  GPU_THROUGHPUT,
  parameterCount,
  SOFTWARE_ADAPTER_THROUGHPUT,
  throughputFromRun,
  type TrainingShape,
} from '../../../src/sae/training/estimate';
import { recoverySnapshot } from '../../../src/sae/training/recovery-snapshot';
import { bestCheckpoint, checkpointsToDelete } from '../../../src/sae/training/retention';
import { deriveSeed, SEED_STREAM } from '../../../src/sae/training/seeds';
import { effectiveTrainingStatus, trainingActions, transitionPath } from '../../../src/sae/training/training-status';

describe('checkpoint retention', () => {
  const c = (id: string, step: number, loss?: number) => ({ id, step, loss });

  it('keeps the newest K and the lowest-loss checkpoint, deletes the rest', () => {
    const all = [c('a', 10, 0.5), c('b', 20, 0.2), c('c', 30, 0.4), c('d', 40, 0.3), c('e', 50, 0.35)];
    expect(checkpointsToDelete(all, 2).map((x) => x.id)).toEqual(['a', 'c']);
    expect(bestCheckpoint(all)?.id).toBe('b');
  });

  it('the best may be among the newest; then only K remain', () => {
    const all = [c('a', 10, 0.5), c('b', 20, 0.4), c('c', 30, 0.1)];
    expect(checkpointsToDelete(all, 1).map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('ignores missing and non-finite losses for "best", prefers the later on a tie, keeps at least one', () => {
    const all = [c('a', 10, Number.NaN), c('b', 20), c('c', 30, 0.3), c('d', 40, 0.3)];
    expect(bestCheckpoint(all)?.id).toBe('d');
    expect(bestCheckpoint([c('x', 1), c('y', 2, Infinity)])).toBeUndefined();
    expect(checkpointsToDelete([c('x', 1), c('y', 2)], 0).map((x) => x.id)).toEqual(['x']);
    expect(checkpointsToDelete([], 3)).toEqual([]);
  });
});

describe('memory and time estimates', () => {
  const shape: TrainingShape = { architecture: 'topk', d_in: 768, d_sae: 16384, k: 32, batchSize: 4096, totalSteps: 30_000 };

  it('counts parameters (JumpReLU adds a threshold per latent)', () => {
    expect(parameterCount({ architecture: 'relu', d_in: 4, d_sae: 8 })).toBe(2 * 32 + 8 + 4);
    expect(parameterCount({ architecture: 'jumprelu', d_in: 4, d_sae: 8 })).toBe(2 * 32 + 8 + 4 + 8);
  });

  it('sums params, gradients, Adam and per-batch activations; names the largest buffer', () => {
    const m = estimateMemory(shape);
    const params = parameterCount(shape) * 4;
    expect(m.paramsBytes).toBe(params);
    expect(m.adamBytes).toBe(2 * params);
    expect(m.totalBytes).toBe(4 * params + m.activationBytes);
    expect(m.activationBytes).toBe((3 * 4096 * 768 + 3 * 4096 * 16384 + 2 * 4096 * 32 + 16384) * 4);
    expect(m.largestBuffer).toEqual({ name: 'pre-activations [batch, d_sae]', bytes: 4096 * 16384 * 4 });
    expect(estimateMemory({ ...shape, batchSize: 8 }).largestBuffer.name).toBe('W_enc / W_dec');
  });

  it('checks the largest buffer against the device limits with a message that says what to reduce', () => {
    const m = estimateMemory(shape);
    expect(checkDeviceLimits(m, { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 })).toEqual([]);
    const problems = checkDeviceLimits(m, { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe(
      'pre-activations [batch, d_sae] needs 256 MiB in one buffer, but this GPU allows at most 128 MiB per buffer. Reduce d_sae or the batch size.',
    );
  });

  it('TopK work grows with k, not d_sae, beyond the encoder; time scales with steps and the assumed speed', () => {
    const small = flopsPerStep({ ...shape, k: 8 });
    const large = flopsPerStep({ ...shape, k: 64 });
    expect(large - small).toBe(8 * 4096 * 768 * 56);
    expect(flopsPerStep({ ...shape, architecture: 'relu' })).toBeGreaterThan(large);
    const t = estimateSeconds(shape, GPU_THROUGHPUT);
    expect(estimateSeconds({ ...shape, totalSteps: 60_000 }, GPU_THROUGHPUT)).toBeCloseTo(2 * t, 6);
    expect(estimateSeconds(shape, SOFTWARE_ADAPTER_THROUGHPUT)).toBeGreaterThan(100 * t);
  });

  it('the demo is estimated well under two minutes on a laptop GPU', () => {
    const demo: TrainingShape = { architecture: 'topk', d_in: 16, d_sae: 96, k: 3, batchSize: 256, totalSteps: 6000 };
    expect(estimateSeconds(demo, GPU_THROUGHPUT)).toBeLessThan(30);
  });

  it('a measured run calibrates the compute speed for other shapes', () => {
    const a = throughputFromRun(shape, 10, GPU_THROUGHPUT);
    expect(estimateSeconds({ ...shape, totalSteps: 10 }, a)).toBeCloseTo(1, 6);
    // a run no slower than the fixed overhead only tells the overhead
    expect(throughputFromRun(shape, 1e6, GPU_THROUGHPUT).overheadSecondsPerStep).toBeCloseTo(1e-6, 12);
    expect(throughputFromRun(shape, 0, GPU_THROUGHPUT)).toBe(GPU_THROUGHPUT);
  });
});

describe('downsampling for charts', () => {
  it('keeps short series whole', () => {
    expect(downsampleIndices([3, 1, 2], 10)).toEqual([0, 1, 2]);
  });

  it('keeps each bucket’s extremes, first and last, in order, and never hides a NaN', () => {
    const ys = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
    ys[503] = 50;
    ys[777] = Number.NaN;
    const idx = downsampleIndices(ys, 100);
    expect(idx.length).toBeLessThanOrEqual(100 + 25);
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(new Set(idx).size).toBe(idx.length);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(999);
    expect(idx).toContain(503);
    expect(idx).toContain(777);
  });

  it('thins several series with the primary series’ indices', () => {
    const xs = Array.from({ length: 400 }, (_, i) => i * 2);
    const a = xs.map((x) => (x === 300 ? -9 : 1));
    const b = xs.map((x) => x / 2);
    const out = downsampleSeries(xs, [a, b], 40);
    expect(out.xs).toContain(300);
    expect(out.series[1]).toEqual(out.xs.map((x) => x / 2));
  });
});

describe('training status as the user sees it', () => {
  it('the job’s status wins while the training expects it alive', () => {
    expect(effectiveTrainingStatus({ status: 'running' }, { status: 'interrupted' })).toBe('interrupted');
    expect(effectiveTrainingStatus({ status: 'running' }, { status: 'failed' })).toBe('failed');
    expect(effectiveTrainingStatus({ status: 'queued' }, { status: 'cancelled' })).toBe('cancelled');
    expect(effectiveTrainingStatus({ status: 'running' }, { status: 'running' })).toBe('running');
    expect(effectiveTrainingStatus({ status: 'running' }, undefined)).toBe('interrupted');
    expect(effectiveTrainingStatus({ status: 'running' }, { status: 'completed' })).toBe('interrupted');
    expect(effectiveTrainingStatus({ status: 'completed' }, { status: 'completed' })).toBe('completed');
    expect(effectiveTrainingStatus({ status: 'paused' }, { status: 'queued' })).toBe('paused');
  });

  it('finds legal paths (a queued training whose job failed passes through running)', () => {
    expect(transitionPath('running', 'interrupted')).toEqual(['interrupted']);
    expect(transitionPath('queued', 'failed')).toEqual(['running', 'failed']);
    expect(transitionPath('queued', 'queued')).toEqual([]);
    expect(transitionPath('completed', 'running')).toBeUndefined();
  });

  it('offers the controls the status allows', () => {
    expect(trainingActions('running')).toEqual({ pause: true, resume: false, cancel: true, delete: true });
    expect(trainingActions('interrupted')).toMatchObject({ pause: false, resume: true, cancel: true });
    expect(trainingActions('completed')).toEqual({ pause: false, resume: false, cancel: false, delete: true });
  });
});

describe('recovery snapshot and seeds', () => {
  it('reorders latents so each true feature’s best match is on the diagonal; MMCS matches bestCosines', () => {
    // 3 true axes in 3 dims; decoder: a scaled copy of axis 2, axis 0, noise, axis 1 (negated)
    const truth = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const W = [0, 0, 2, 1, 0, 0, 0.6, 0.8, 0, 0, -1, 0];
    const s = recoverySnapshot(truth, W, 3, 42);
    expect(s).toMatchObject({ step: 42, features: 3, latents: 4 });
    expect(s.columnLatents).toEqual([1, 2, 0, 3]);
    // rows: features; columns: latents 1, 2, 0, 3
    expect(s.cosines.slice(0, 4)).toEqual([1, Math.fround(0.6), 0, 0]);
    expect(s.cosines[5]).toBeCloseTo(0.8, 6);
    expect(s.cosines[7]).toBe(-1);
    expect(s.cosines[10]).toBe(1);
    const best = bestCosines(truth, W, 3);
    expect(s.mmcs).toBeCloseTo((best[0]! + best[1]! + best[2]!) / 3, 12);
    expect(s.recovered).toBeCloseTo(2 / 3, 12);
  });

  it('caps the matrix it stores but computes MMCS over every feature', () => {
    const dIn = 2;
    const truth = Array.from({ length: 10 * dIn }, (_, i) => (i % 2 === 0 ? 1 : i / 10));
    const W = Array.from({ length: 30 * dIn }, (_, i) => Math.cos(i));
    const s = recoverySnapshot(truth, W, dIn, 1, { maxFeatures: 4, maxLatents: 6 });
    expect(s.features).toBe(4);
    expect(s.latents).toBe(6);
    expect(s.cosines).toHaveLength(24);
    expect(s.mmcs).toBeCloseTo(Array.from(bestCosines(truth, W, dIn)).reduce((a, b) => a + b, 0) / 10, 6);
  });

  it('derives distinct, stable streams from one seed', () => {
    expect(deriveSeed(1, SEED_STREAM.init)).toBe(deriveSeed(1, SEED_STREAM.init));
    expect(deriveSeed(1, SEED_STREAM.init)).not.toBe(1);
    expect(deriveSeed(1, SEED_STREAM.init)).not.toBe(deriveSeed(1, SEED_STREAM.sample));
    expect(deriveSeed(1, SEED_STREAM.init)).not.toBe(deriveSeed(2, SEED_STREAM.init));
    expect(deriveSeed(2 ** 32 - 1, 1)).toBeGreaterThanOrEqual(0);
  });
});
