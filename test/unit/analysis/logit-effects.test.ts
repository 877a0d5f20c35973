import { describe, expect, it } from 'vitest';
import { effectsOfLogits, largestIndices, logitEffects, LogitEffectsError } from '../../../src/analysis';
import { Prng } from '../../../src/sae/prng';

describe('logit effects (CPU)', () => {
  it('largestIndices: largest first, ties to the lower index, NaN ignored', () => {
    const v = [1, 5, 3, 5, Number.NaN, -2, 3];
    expect(largestIndices(v, 3)).toEqual([1, 3, 2]);
    expect(largestIndices(v, 4, -1)).toEqual([5, 0, 2, 6]);
    expect(largestIndices(v, 0)).toEqual([]);
    expect(largestIndices(v, 99)).toEqual([1, 3, 2, 6, 0, 5]);
  });

  it('matches brute force with a LayerNorm scale', () => {
    const rng = new Prng(8);
    const [dSae, dIn, vocab] = [3, 4, 11];
    const W_dec = Float32Array.from({ length: dSae * dIn }, () => rng.normal());
    const W_U = Float32Array.from({ length: dIn * vocab }, () => rng.normal());
    const gamma = Float32Array.from({ length: dIn }, () => rng.range(0.5, 2));
    const effects = logitEffects({ W_dec, W_U, dSae, dIn, vocab, gamma }, 3);
    for (let j = 0; j < dSae; j++) {
      const logits = Array.from({ length: vocab }, (_, t) => {
        let s = 0;
        for (let i = 0; i < dIn; i++) s += W_dec[j * dIn + i]! * gamma[i]! * W_U[i * vocab + t]!;
        return s;
      });
      const order = logits.map((value, token) => ({ token, value })).sort((a, b) => b.value - a.value);
      const e = effects[j]!;
      expect(e.latent).toBe(j);
      expect(e.promoted.map((x) => x.token)).toEqual(order.slice(0, 3).map((x) => x.token));
      expect(e.suppressed.map((x) => x.token)).toEqual(order.slice(-3).reverse().map((x) => x.token));
      e.promoted.forEach((x) => expect(x.value).toBeCloseTo(logits[x.token]!, 10));
    }
    expect(logitEffects({ W_dec, W_U, dSae, dIn, vocab }, 2, [1])).toHaveLength(1);
  });

  it('ties go to the lower token id', () => {
    expect(effectsOfLogits([0, 2, 2, -1, -1], 1)).toEqual({ promoted: [{ token: 1, value: 2 }], suppressed: [{ token: 3, value: -1 }] });
  });

  it('explains shape mistakes', () => {
    const ok = { W_dec: new Float32Array(6), W_U: new Float32Array(15), dSae: 2, dIn: 3, vocab: 5 };
    expect(() => logitEffects({ ...ok, W_U: new Float32Array(14) }, 1)).toThrow(/Transpose/);
    expect(() => logitEffects({ ...ok, gamma: new Float32Array(2) }, 1)).toThrow(LogitEffectsError);
    expect(() => logitEffects(ok, 1, [2])).toThrow(/Latent 2/);
  });
});
