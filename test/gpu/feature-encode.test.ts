// The extraction encoder (matmul + activation, TopK row selection) against the CPU float64 reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceLatents, referenceParams, referencePre, type EncodeConfig } from '../../src/analysis';
import { FeatureGpuError, GpuFeatureEncoder } from '../../src/analysis/gpu';
import { readF32 } from '../../src/gpu/buffers';
import { acquireGpu } from '../../src/gpu/device';
import { checkedGpu } from '../../src/gpu/kernels';
import { nodeGpu } from '../../src/gpu/node-gpu';
import type { Architecture, SaeParams } from '../../src/sae/config';
import { Prng } from '../../src/sae/prng';

let device: GPUDevice;

beforeAll(async () => {
  device = (await acquireGpu(await nodeGpu())).device;
});

afterAll(() => device?.destroy());

function randomParams(rng: Prng, dIn: number, dSae: number): SaeParams {
  const f = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  return {
    W_enc: f(dIn * dSae, 1 / Math.sqrt(dIn)),
    b_enc: f(dSae, 0.1),
    W_dec: f(dSae * dIn, 1),
    b_dec: f(dIn, 0.2),
    log_threshold: Float32Array.from({ length: dSae }, () => Math.log(rng.range(0.05, 0.6))),
  };
}

async function encode(cfg: EncodeConfig, params: SaeParams, x: Float32Array, rows: number, thresholdBatch: number | null = null): Promise<Float32Array> {
  const enc = await checkedGpu(device, 'encoder', () => GpuFeatureEncoder.create(device, cfg, params, { maxRows: rows, thresholdBatch }));
  await checkedGpu(device, 'encode', () => enc.encodeArray(x, rows));
  const z = await readF32(device, enc.z, rows * cfg.d_sae);
  enc.destroy();
  return z;
}

/**
 * GPU z (float32 sums) against the float64 reference: equal within 1e-4 (relative to magnitude 1), except
 * where the reference pre-activation is that close to the activation's decision boundary.
 */
function expectLatentsClose(gpu: Float32Array, ref: Float32Array, pre: Float64Array, boundary: (i: number) => number): void {
  let mismatches = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Math.abs(gpu[i]! - ref[i]!) <= 1e-4 * Math.max(1, Math.abs(ref[i]!))) continue;
    expect(Math.abs(pre[i]! - boundary(i)), `latent entry ${i}: gpu ${gpu[i]} ref ${ref[i]}`).toBeLessThan(1e-4);
    mismatches++;
  }
  expect(mismatches).toBeLessThan(3);
}

describe('GPU feature encoder', () => {
  const rng = new Prng(41);
  const dIn = 13;
  const dSae = 67;
  const params = randomParams(rng, dIn, dSae);
  const theta = Float64Array.from(params.log_threshold!, (v) => Math.exp(v));

  for (const [architecture, rows] of [['relu', 70], ['jumprelu', 1], ['batchtopk', 65], ['topk', 70]] as [Architecture, number][]) {
    it(`${architecture}, ${rows} rows`, async () => {
      const cfg: EncodeConfig = { architecture, apply_b_dec_to_input: architecture !== 'relu', k: 5, d_in: dIn, d_sae: dSae };
      const x = Float32Array.from({ length: rows * dIn }, () => rng.normal());
      const p = referenceParams(cfg, params);
      const thetaBatch = architecture === 'batchtopk' ? 0.3 : null;
      const ref = referenceLatents(cfg, p, x, rows, thetaBatch);
      const pre = referencePre(cfg, p, x, rows);
      const gpu = await encode(cfg, params, x, rows, thetaBatch);
      // for TopK the boundary is between the 5th and 6th largest pre of the row
      const kth = (i: number) => {
        const row = Math.floor(i / dSae);
        const sorted = Array.from(pre.subarray(row * dSae, (row + 1) * dSae)).sort((a, b) => b - a);
        return (sorted[4]! + sorted[5]!) / 2;
      };
      const boundary = { relu: () => 0, jumprelu: (i: number) => theta[i % dSae]!, batchtopk: () => 0.3, topk: kth }[architecture];
      expectLatentsClose(gpu, ref, pre, boundary);
      if (architecture === 'topk') {
        for (let b = 0; b < rows; b++) expect(gpu.subarray(b * dSae, (b + 1) * dSae).filter((v) => v > 0).length).toBeLessThanOrEqual(5);
      }
    });
  }

  it('TopK keeps ties in index order, and rows with fewer positive values than k', async () => {
    // W_enc = I, no biases: pre = x exactly, drawn from a few values so ties are everywhere; rows longer
    // than one workgroup (256) so tie ranks carry across chunks
    const d = 301;
    const rows = 9;
    const eye = new Float32Array(d * d);
    for (let i = 0; i < d; i++) eye[i * d + i] = 1;
    const p: SaeParams = { W_enc: eye, b_enc: new Float32Array(d), W_dec: eye, b_dec: new Float32Array(d) };
    const levels = [-1, 0, 0.5, 2, 3];
    const x = Float32Array.from({ length: rows * d }, () => levels[rng.nextUint32() % levels.length]!);
    x.fill(-1, 0, d - 2); // row 0: only two entries could be positive
    for (const k of [1, 4, 150, 290]) {
      const cfg: EncodeConfig = { architecture: 'topk', apply_b_dec_to_input: true, k, d_in: d, d_sae: d };
      expect(Array.from(await encode(cfg, p, x, rows))).toEqual(Array.from(referenceLatents(cfg, referenceParams(cfg, p), x, rows)));
    }
  });

  it('explains missing thresholds and oversized batches', () => {
    const cfg: EncodeConfig = { architecture: 'batchtopk', apply_b_dec_to_input: true, k: 2, d_in: dIn, d_sae: dSae };
    expect(() => GpuFeatureEncoder.create(device, cfg, params, { maxRows: 4 })).toThrow(/θ_batch/);
    const enc = GpuFeatureEncoder.create(device, { ...cfg, architecture: 'relu' }, params, { maxRows: 4 });
    expect(() => enc.encodeArray(new Float32Array(5 * dIn))).toThrow(FeatureGpuError);
    enc.destroy();
  });
});
