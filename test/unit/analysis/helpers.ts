// Random data for the feature-analysis tests: sparse activations with many exact ties, and token references.
import { Prng } from '../../../src/sae/prng';
import type { TokenBatch } from '../../../src/analysis';

export interface RandomBatch {
  z: Float32Array;
  batch: TokenBatch;
}

/**
 * B × dSae activations: each entry fires with probability `p`, drawing from `levels` distinct values
 * (so equal activations, ties, are common) spread over 1e-5 … 2e3 (beyond the histogram's range on both
 * sides); some entries are negative or NaN, which never fire.
 */
export function randomActivations(rng: Prng, B: number, dSae: number, p = 0.3, levels = 7): Float32Array {
  const values = Array.from({ length: levels }, (_, i) => Math.fround(10 ** (-5 + (8.3 * (i + 0.5)) / levels)));
  const z = new Float32Array(B * dSae);
  for (let i = 0; i < z.length; i++) {
    const u = rng.uniform();
    if (u < p) z[i] = values[rng.nextUint32() % levels]!;
    else if (u < p + 0.02) z[i] = -1;
    else if (u < p + 0.03) z[i] = Number.NaN;
  }
  return z;
}

/** B tokens from consecutive positions of windows of `ctx` tokens, starting at global token `start`. */
export function tokenRefs(start: number, B: number, ctx: number, excludedEvery = 0): TokenBatch {
  const windows = new Uint32Array(B);
  const positions = new Uint32Array(B);
  const excluded = new Uint8Array(B);
  for (let i = 0; i < B; i++) {
    windows[i] = Math.floor((start + i) / ctx);
    positions[i] = (start + i) % ctx;
    if (excludedEvery > 0 && (start + i) % excludedEvery === 0) excluded[i] = 1;
  }
  return excludedEvery > 0 ? { windows, positions, excluded } : { windows, positions };
}

export function randomBatches(seed: number, count: number, B: number, dSae: number, ctx: number, excludedEvery = 0): RandomBatch[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, (_, i) => ({ z: randomActivations(rng, B, dSae), batch: tokenRefs(i * B, B, ctx, excludedEvery) }));
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(items: readonly T[], rng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
