import { describe, expect, it } from 'vitest';
import { bestCosines, mmcs, recoveredFraction, SuperpositionSource } from '../../../src/data/synthetic';
import { validateSaeConfig } from '../../../src/sae/config';
import { initSaeParams } from '../../../src/sae/init';
import { ReferenceTrainer } from '../../../src/sae/reference';

describe('SuperpositionSource', () => {
  it('has unit true directions fixed by the seed', () => {
    const a = new SuperpositionSource({ dIn: 4, features: 6, activeProb: 0.3, seed: 1 });
    const b = new SuperpositionSource({ dIn: 4, features: 6, activeProb: 0.3, seed: 1 });
    expect(a.trueDirections).toEqual(b.trueDirections);
    expect(new SuperpositionSource({ dIn: 4, features: 6, activeProb: 0.3, seed: 2 }).trueDirections).not.toEqual(a.trueDirections);
    for (let f = 0; f < 6; f++) expect(Math.hypot(...a.trueDirections.subarray(f * 4, f * 4 + 4))).toBeCloseTo(1, 6);
    expect(a.nextBatch(3)).toEqual(b.nextBatch(3));
    expect(a.nextBatch(5).length).toBe(20);
  });

  it('fires each feature with probability p at magnitudes in [0.5, 1.5)', () => {
    // one feature: a sample is either 0 or m · direction
    const src = new SuperpositionSource({ dIn: 3, features: 1, activeProb: 0.3, seed: 4 });
    const B = 4000;
    const x = src.nextBatch(B);
    const dir = src.trueDirections;
    let fired = 0;
    let sum = 0;
    for (let b = 0; b < B; b++) {
      const m = x[b * 3]! * dir[0]! + x[b * 3 + 1]! * dir[1]! + x[b * 3 + 2]! * dir[2]!;
      if (m === 0) continue;
      fired++;
      sum += m;
      expect(m).toBeGreaterThanOrEqual(0.5 - 1e-6);
      expect(m).toBeLessThan(1.5 + 1e-6);
      for (let i = 0; i < 3; i++) expect(x[b * 3 + i]).toBeCloseTo(m * dir[i]!, 5);
    }
    expect(fired / B).toBeGreaterThan(0.27);
    expect(fired / B).toBeLessThan(0.33);
    expect(sum / fired).toBeCloseTo(1, 1);
  });

  it('resumes the same stream from its state', () => {
    const src = new SuperpositionSource({ dIn: 5, features: 10, activeProb: 0.2, seed: 9 });
    src.nextBatch(7);
    const state = src.getState();
    const next = src.nextBatch(4);
    const again = new SuperpositionSource({ dIn: 5, features: 10, activeProb: 0.2, seed: 9 });
    again.setState(state);
    expect(again.nextBatch(4)).toEqual(next);
  });

  it('rejects bad options', () => {
    expect(() => new SuperpositionSource({ dIn: 0, features: 2, activeProb: 0.1, seed: 1 })).toThrow(/d_in must be a positive integer/);
    expect(() => new SuperpositionSource({ dIn: 2, features: 2, activeProb: 1.5, seed: 1 })).toThrow(/probability must be in \[0, 1\]/);
    expect(() => new SuperpositionSource({ dIn: 2, features: 2, activeProb: 0.1, seed: 1 }).nextBatch(0)).toThrow(/Batch size/);
  });
});

describe('MMCS and recovered fraction', () => {
  const c60 = Math.cos(Math.PI / 3);
  const s60 = Math.sin(Math.PI / 3);
  const truth = [1, 0, 0, 1]; // e1, e2

  it('averages the best plain cosine per true feature', () => {
    // rows: 2·e1 (cos 1 with e1), e2 rotated by 60° (cos ½ with e2, cos √3/2 with e1)
    const W = [2, 0, s60, c60];
    expect(Array.from(bestCosines(truth, W, 2)).map((v) => +v.toFixed(12))).toEqual([1, 0.5]);
    expect(mmcs(truth, W, 2)).toBeCloseTo(0.75, 12);
    expect(recoveredFraction(truth, W, 2, 0.9)).toBe(0.5);
    expect(recoveredFraction(truth, W, 2, 0.5)).toBe(1);
  });

  it('does not count a decoder row pointing the opposite way', () => {
    expect(mmcs([1, 0], [-1, 0], 2)).toBe(-1);
    expect(mmcs([1, 0], [-1, 0, 0, 0, 0.6, 0.8], 2)).toBeCloseTo(0.6, 12); // the zero row is ignored
  });
});

describe('ReferenceTrainer on toy superposition', () => {
  it('TopK recovers the true directions (MMCS rises well above its random start)', () => {
    const src = new SuperpositionSource({ dIn: 8, features: 16, activeProb: 2 / 16, seed: 1 });
    const steps = 300;
    const B = 64;
    const config = validateSaeConfig({
      architecture: 'topk', d_in: 8, d_sae: 32, k: 2, k_aux: 4, total_steps: steps,
      lr: 1e-2, lr_warmup_steps: 0, lr_decay_steps: 0, dead_steps_threshold: 50,
    });
    const trainer = new ReferenceTrainer(config, initSaeParams(config, { seed: 2 }));
    const before = mmcs(src.trueDirections, trainer.currentParams().W_dec, 8);
    let ev = -Infinity;
    for (let s = 0; s < steps; s++) ev = trainer.step(src.nextBatch(B), B).metrics.explained_variance;
    const W = trainer.currentParams().W_dec;
    const after = mmcs(src.trueDirections, W, 8);
    expect(before).toBeLessThan(0.75);
    expect(after).toBeGreaterThan(0.9);
    expect(after - before).toBeGreaterThan(0.2);
    expect(recoveredFraction(src.trueDirections, W, 8)).toBeGreaterThanOrEqual(0.75);
    expect(ev).toBeGreaterThan(0.7);
  });
});
