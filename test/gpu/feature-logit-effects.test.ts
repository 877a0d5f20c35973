// Logit effects on the GPU (matmul + per-row top/bottom-N selection) against the CPU reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logitEffects, type LogitEffects } from '../../src/analysis';
import { gpuLogitEffects } from '../../src/analysis/gpu';
import { acquireGpu } from '../../src/gpu/device';
import { nodeGpu } from '../../src/gpu/node-gpu';
import { Prng } from '../../src/sae/prng';

let device: GPUDevice;

beforeAll(async () => {
  device = (await acquireGpu(await nodeGpu())).device;
});

afterAll(() => device?.destroy());

describe('GPU logit effects', () => {
  it('equal the CPU reference exactly when logits are exact (ties, vocab blocks, odd sizes)', async () => {
    // W_dec rows are unit vectors, so each latent's logits are one row of W_U, exactly, from few values
    const rng = new Prng(51);
    const [dSae, dIn, vocab] = [5, 5, 301];
    const W_dec = new Float32Array(dSae * dIn);
    for (let j = 0; j < dSae; j++) W_dec[j * dIn + ((j * 2) % dIn)] = 1;
    const W_U = Float32Array.from({ length: dIn * vocab }, () => [-2, -1, 0, 1, 2.5][rng.nextUint32() % 5]!);
    const input = { W_dec, W_U, dSae, dIn, vocab };
    const cpu = logitEffects(input, 7);
    expect(await gpuLogitEffects(device, input, 7)).toEqual(cpu);
    expect(await gpuLogitEffects(device, input, 7, { vocabPerChunk: 100, rowsPerChunk: 2 })).toEqual(cpu);
    expect(await gpuLogitEffects(device, input, 3, { latents: [4, 1] })).toEqual(logitEffects(input, 3, [4, 1]));
  });

  it('match the float64 reference up to rounding with a LayerNorm scale', async () => {
    const rng = new Prng(52);
    const [dSae, dIn, vocab] = [3, 17, 129];
    const input = {
      W_dec: Float32Array.from({ length: dSae * dIn }, () => rng.normal()),
      W_U: Float32Array.from({ length: dIn * vocab }, () => rng.normal()),
      gamma: Float32Array.from({ length: dIn }, () => rng.range(0.5, 1.5)),
      dSae,
      dIn,
      vocab,
    };
    const cpu = logitEffects(input, 5);
    const gpu = await gpuLogitEffects(device, input, 5);
    const values = (e: LogitEffects[]) => e.flatMap((x) => [...x.promoted, ...x.suppressed].map((t) => t.value));
    const tokens = (e: LogitEffects[]) => e.flatMap((x) => [...x.promoted, ...x.suppressed].map((t) => t.token));
    expect(tokens(gpu)).toEqual(tokens(cpu));
    values(gpu).forEach((v, i) => expect(v).toBeCloseTo(values(cpu)[i]!, 4));
  });
});
