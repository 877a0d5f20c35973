import { describe, expect, it } from 'vitest';
import {
  ceLossRecovered,
  checkSteeringFeatures,
  evenStrengths,
  isExtremeCoefficient,
  klDivergence,
  logSoftmax,
  parseStrengths,
  planSteeringVariants,
  SteeringError,
  steeringVector,
  tokenCrossEntropy,
} from '../../../src/lm/steering';
import { encodeRow, topActiveLatents } from '../../../src/lm/steering/encode-row';
import { inferenceForward, toReferenceParams } from '../../../src/sae/reference';
import { maxAbsDiff, randomSae } from './helpers';

describe('steering vectors', () => {
  it('is Σ coef · W_dec[f]', () => {
    // W_dec [3, 2]
    const wDec = Float32Array.of(1, 0, 0, 2, 3, -1);
    expect(Array.from(steeringVector(wDec, 2, [{ index: 0, coefficient: 2 }, { index: 2, coefficient: -1 }]))).toEqual([-1, 1]);
    expect(Array.from(steeringVector(wDec, 2, []))).toEqual([0, 0]);
    expect(() => steeringVector(wDec, 2, [{ index: 3, coefficient: 1 }])).toThrow(/features 0 to 2/);
  });

  it('checks features: 1–4, distinct, in range, coefficients within ±300', () => {
    expect(() => checkSteeringFeatures([], 10)).toThrow(/at least one/);
    expect(() => checkSteeringFeatures([0, 1, 2, 3, 4].map((index) => ({ index, coefficient: 1 })), 10)).toThrow(/at most 4/);
    expect(() => checkSteeringFeatures([{ index: 1, coefficient: 1 }, { index: 1, coefficient: 2 }], 10)).toThrow(/twice/);
    expect(() => checkSteeringFeatures([{ index: 1, coefficient: 301 }], 10)).toThrow(SteeringError);
    expect(() => checkSteeringFeatures([{ index: 1, coefficient: -300 }], 10)).not.toThrow();
    expect(isExtremeCoefficient(200)).toBe(true);
    expect(isExtremeCoefficient(-100)).toBe(false);
  });
});

describe('run plans', () => {
  const features = [{ index: 3, coefficient: 40 }, { index: 7, coefficient: -20 }];

  it('compare: baseline, then each feature alone', () => {
    expect(planSteeringVariants({ mode: 'compare', features }, 10).map((v) => v.label)).toEqual(['Baseline', '#3 × 40', '#7 × −20']);
  });

  it('combined: baseline and all features together', () => {
    const plan = planSteeringVariants({ mode: 'combined', features }, 10);
    expect(plan.map((v) => v.label)).toEqual(['Baseline', '#3 × 40 + #7 × −20']);
    expect(plan[1]?.features).toEqual(features);
  });

  it('sweep: one feature over 2–10 strengths', () => {
    const plan = planSteeringVariants({ mode: 'sweep', features: [features[0]!], strengths: [-50, 0, 50] }, 10);
    expect(plan.map((v) => v.features[0]?.coefficient)).toEqual([undefined, -50, 0, 50]);
    expect(() => planSteeringVariants({ mode: 'sweep', features, strengths: [1, 2] }, 10)).toThrow(/exactly one/);
    expect(() => planSteeringVariants({ mode: 'sweep', features: [features[0]!], strengths: [1] }, 10)).toThrow(/2 to 10/);
    expect(() => planSteeringVariants({ mode: 'sweep', features: [features[0]!], strengths: [1, 400] }, 10)).toThrow(/between/);
    expect(evenStrengths(-100, 100, 5)).toEqual([-100, -50, 0, 50, 100]);
    expect(parseStrengths('−100, -50 0;50')).toEqual([-100, -50, 0, 50]);
  });
});

describe('distributions', () => {
  it('log-softmax, cross-entropy and KL on known values', () => {
    const logits = [Math.log(1), Math.log(3), Math.log(6)];
    expect(Array.from(logSoftmax(logits)).map(Math.exp)).toEqual([0.1, 0.3, 0.6].map((p) => expect.closeTo(p, 12)));
    expect(tokenCrossEntropy(logits, 0, 3, 2)).toBeCloseTo(-Math.log(0.6), 12);
    // rows at offsets
    expect(tokenCrossEntropy([9, 9, ...logits], 2, 3, 0)).toBeCloseTo(-Math.log(0.1), 12);
    const q = [0, 0, 0];
    const expected = [0.1, 0.3, 0.6].reduce((s, p) => s + p * Math.log(p / (1 / 3)), 0);
    expect(klDivergence(logits, q)).toBeCloseTo(expected, 12);
    expect(klDivergence(logits, logits.map((v) => v + 5))).toBe(0);
  });

  it('CE loss recovered', () => {
    expect(ceLossRecovered(2, 2, 5)).toBe(1);
    expect(ceLossRecovered(2, 5, 5)).toBe(0);
    expect(ceLossRecovered(2, 3.5, 5)).toBeCloseTo(0.5, 12);
    expect(ceLossRecovered(2, 3, 2)).toBeNaN();
  });
});

describe('encodeRow', () => {
  it.each(['relu', 'topk', 'jumprelu'] as const)('matches the reference inference forward for %s', (architecture) => {
    const sae = randomSae(architecture, 8, 20, 4);
    const x = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i));
    const ref = inferenceForward({ architecture, apply_b_dec_to_input: true, k: sae.k }, toReferenceParams(sae.params, { architecture, d_in: 8, d_sae: 20 }), x, { B: 1, dIn: 8, dSae: 20 }, null);
    const z = encodeRow(sae, x);
    expect(maxAbsDiff(z, ref.featureActs)).toBeLessThan(1e-5);
    const top = topActiveLatents(z, 3);
    expect(top.every((t, i) => i === 0 || t.value <= (top[i - 1]?.value ?? 0))).toBe(true);
    expect(top.every((t) => t.value > 0)).toBe(true);
  });
});
