// GPU feature statistics, top-k and quantile sampling against the CPU reference at odd sizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accumulateBatch,
  bandEdgesFromMax,
  emptyFeatureStats,
  emptyQuantileSamples,
  latentSamples,
  sampleBatch,
  type FeatureStatsState,
  type QuantileSamplerState,
} from '../../src/analysis';
import { FeatureGpuError, GpuFeatureEncoder, GpuFeatureStats, GpuQuantileSampler } from '../../src/analysis/gpu';
import { readF32, uploadBuffer } from '../../src/gpu/buffers';
import { acquireGpu } from '../../src/gpu/device';
import { checkedGpu } from '../../src/gpu/kernels';
import { nodeGpu } from '../../src/gpu/node-gpu';
import { Prng } from '../../src/sae/prng';
import { randomBatches, tokenRefs, type RandomBatch } from '../unit/analysis/helpers';

let device: GPUDevice;

beforeAll(async () => {
  device = (await acquireGpu(await nodeGpu())).device;
});

afterAll(() => device?.destroy());

function expectSameStats(gpu: FeatureStatsState, cpu: FeatureStatsState): void {
  expect(gpu.tokens).toBe(cpu.tokens);
  expect(Array.from(gpu.fired)).toEqual(Array.from(cpu.fired));
  expect(Array.from(gpu.max)).toEqual(Array.from(cpu.max));
  expect(Array.from(gpu.histogram)).toEqual(Array.from(cpu.histogram));
  for (let j = 0; j < cpu.dSae; j++) {
    expect(Math.abs(gpu.sum[j]! - cpu.sum[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, cpu.sum[j]!));
    expect(gpu.top.sorted(j)).toEqual(cpu.top.sorted(j));
  }
}

async function runGpu(batches: RandomBatch[], dSae: number, k: number, maxRows: number): Promise<FeatureStatsState> {
  const stats = await checkedGpu(device, 'feature stats', () => GpuFeatureStats.create(device, { dSae, maxRows, k }));
  for (const { z, batch } of batches) {
    const zBuf = uploadBuffer(device, 'z', z);
    await checkedGpu(device, 'feature stats add', () => stats.add(zBuf, batch.windows.length, batch));
  }
  const state = await stats.read();
  stats.destroy();
  return state;
}

function runCpu(batches: RandomBatch[], dSae: number, k: number): FeatureStatsState {
  const s = emptyFeatureStats(dSae, { k });
  for (const { z, batch } of batches) accumulateBatch(s, z, batch);
  return s;
}

describe('GPU feature statistics', () => {
  it('match the CPU reference: d_sae odd, batch not a multiple of the workgroup, ties, excluded tokens', async () => {
    const batches = randomBatches(31, 3, 37, 67, 9, 5);
    expectSameStats(await runGpu(batches, 67, 5, 37), runCpu(batches, 67, 5));
  });

  it('k larger than the firing tokens, B = 1 batches, and a later resume from a read-back state', async () => {
    const batches = randomBatches(32, 4, 1, 3, 4);
    expectSameStats(await runGpu(batches, 3, 8, 1), runCpu(batches, 3, 8));
    // resume: load the state after two batches into a fresh accumulator and continue
    const partial = await runGpu(batches.slice(0, 2), 3, 8, 1);
    const resumed = GpuFeatureStats.create(device, { dSae: 3, maxRows: 1, k: 8 }, partial);
    for (const { z, batch } of batches.slice(2)) resumed.add(uploadBuffer(device, 'z', z), 1, batch);
    expectSameStats(await resumed.read(), runCpu(batches, 3, 8));
    resumed.destroy();
  });

  it('refuses batches larger than its buffers or than the activations given', () => {
    const stats = GpuFeatureStats.create(device, { dSae: 5, maxRows: 4, k: 2 });
    const batch = { windows: new Uint32Array(4), positions: Uint32Array.of(0, 1, 2, 3) };
    expect(() => stats.add(uploadBuffer(device, 'z', new Float32Array(5 * 3)), 4, batch)).toThrow(FeatureGpuError);
    expect(() => stats.add(uploadBuffer(device, 'z', new Float32Array(5 * 8)), 8, batch)).toThrow(/1 to 4 rows/);
    stats.destroy();
  });
});

describe('GPU quantile sampling', () => {
  it('picks the same examples as the CPU reference', async () => {
    const dSae = 13;
    const batches = randomBatches(33, 3, 29, dSae, 7, 6);
    const stats = runCpu(batches, dSae, 1);
    const edges = bandEdgesFromMax(stats.max, 3);
    const cpu: QuantileSamplerState = emptyQuantileSamples(edges, 2, 1234);
    for (const { z, batch } of batches) sampleBatch(cpu, z, batch);
    const sampler = await checkedGpu(device, 'sampler', () => GpuQuantileSampler.create(device, { edges, perBand: 2, seed: 1234, maxRows: 29 }));
    for (const { z, batch } of batches) await checkedGpu(device, 'sample add', () => sampler.add(uploadBuffer(device, 'z', z), 29, batch));
    const gpu = await sampler.read();
    sampler.destroy();
    for (let j = 0; j < dSae; j++) expect(latentSamples(gpu, j)).toEqual(latentSamples(cpu, j));
    // resume from a CPU state after the first batch
    const partial = emptyQuantileSamples(edges, 2, 1234);
    sampleBatch(partial, batches[0]!.z, batches[0]!.batch);
    const resumed = GpuQuantileSampler.create(device, { edges, perBand: 2, seed: 1234, maxRows: 29 }, partial);
    for (const { z, batch } of batches.slice(1)) resumed.add(uploadBuffer(device, 'z', z), 29, batch);
    const after = await resumed.read();
    resumed.destroy();
    for (let j = 0; j < dSae; j++) expect(latentSamples(after, j)).toEqual(latentSamples(cpu, j));
  });
});

describe('GPU extraction pipeline', () => {
  it('encoder output feeds statistics and sampling on the GPU, with a final partial batch', async () => {
    const rng = new Prng(34);
    const [dIn, dSae, maxRows] = [6, 21, 40];
    const f = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const params = { W_enc: f(dIn * dSae), b_enc: f(dSae), W_dec: f(dSae * dIn), b_dec: f(dIn) };
    const enc = GpuFeatureEncoder.create(device, { architecture: 'topk', k: 4, apply_b_dec_to_input: true, d_in: dIn, d_sae: dSae }, params, { maxRows });
    const stats = GpuFeatureStats.create(device, { dSae, maxRows, k: 3 });
    const cpu = emptyFeatureStats(dSae, { k: 3 });
    const zs: RandomBatch[] = [];
    let start = 0;
    for (const rows of [40, 40, 17]) {
      const batch = tokenRefs(start, rows, 10, 7);
      start += rows;
      enc.encodeArray(f(rows * dIn));
      stats.add(enc.z, rows, batch);
      const z = await readF32(device, enc.z, rows * dSae);
      accumulateBatch(cpu, z, batch);
      zs.push({ z, batch });
    }
    expectSameStats(await stats.read(), cpu);
    // second pass: sampling over the same z (re-uploaded, as a re-encode would produce it)
    const edges = bandEdgesFromMax(cpu.max, 2);
    const sampler = GpuQuantileSampler.create(device, { edges, perBand: 2, seed: 5, maxRows });
    const cpuSamples = emptyQuantileSamples(edges, 2, 5);
    for (const { z, batch } of zs) {
      sampler.add(uploadBuffer(device, 'z', z), batch.windows.length, batch);
      sampleBatch(cpuSamples, z, batch);
    }
    const gpuSamples = await sampler.read();
    for (let j = 0; j < dSae; j++) expect(latentSamples(gpuSamples, j)).toEqual(latentSamples(cpuSamples, j));
    enc.destroy();
    stats.destroy();
    sampler.destroy();
  });
});
