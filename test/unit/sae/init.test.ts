import { describe, expect, it } from 'vitest';
import { validateSaeConfig, type Architecture, type SaeConfig } from '../../../src/sae/config';
import { geometricMedian } from '../../../src/sae/geometric-median';
import { initSaeParams } from '../../../src/sae/init';
import { estimateInputScale, foldInputScale } from '../../../src/sae/input-scale';
import { Prng } from '../../../src/sae/prng';
import { inferenceForward, toReferenceParams } from '../../../src/sae/reference';

const EXPLICIT = { total_steps: 10, lr: 1e-3, lr_warmup_steps: 0, lr_decay_steps: 0, dead_steps_threshold: 1000 };

function config(architecture: Architecture, extra: Partial<SaeConfig> = {}): SaeConfig {
  return validateSaeConfig({ ...EXPLICIT, architecture, d_in: 6, d_sae: 10, k: 3, ...extra });
}

describe('Prng', () => {
  it('is xoshiro128** (reference outputs from state 1, 2, 3, 4)', () => {
    const p = Prng.fromState([1, 2, 3, 4]);
    expect([p.nextUint32(), p.nextUint32(), p.nextUint32()]).toEqual([11520, 0, 5927040]);
  });
  it('is deterministic per seed and resumes from its state', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    expect(Array.from({ length: 5 }, () => a.uniform())).toEqual(Array.from({ length: 5 }, () => b.uniform()));
    expect(new Prng(43).uniform()).not.toBe(new Prng(42).uniform());
    const saved = a.getState();
    const next = [a.normal(), a.uniform(), a.nextUint32()];
    const c = Prng.fromState(saved);
    expect([c.normal(), c.uniform(), c.nextUint32()]).toEqual(next);
  });
  it('draws uniforms in [0, 1) and standard normals', () => {
    const p = new Prng(7);
    let lo = Infinity;
    let hi = -Infinity;
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = p.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const z = p.normal();
      s += z;
      s2 += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.04);
  });
  it('rejects a malformed state', () => {
    expect(() => Prng.fromState([1, 2, 3])).toThrow(/four unsigned 32-bit/);
    expect(() => Prng.fromState([0, 0, 0, 0])).toThrow(/all zeros/);
  });
});

describe('initSaeParams', () => {
  const rowNorms = (W: Float32Array, rows: number, cols: number) =>
    Array.from({ length: rows }, (_, j) => Math.hypot(...W.subarray(j * cols, (j + 1) * cols)));

  it('draws unit decoder rows with W_enc = W_decᵀ and zero biases', () => {
    const cfg = config('topk');
    const p = initSaeParams(cfg, { seed: 1 });
    expect(p.W_dec.length).toBe(60);
    for (const n of rowNorms(p.W_dec, 10, 6)) expect(n).toBeCloseTo(1, 6);
    for (let j = 0; j < 10; j++) for (let i = 0; i < 6; i++) expect(p.W_enc[i * 10 + j]).toBe(p.W_dec[j * 6 + i]);
    expect(p.b_enc.every((v) => v === 0) && p.b_dec.every((v) => v === 0)).toBe(true);
    expect(p.log_threshold).toBeUndefined();
    expect(initSaeParams(cfg, { seed: 1 })).toEqual(p);
    expect(initSaeParams(cfg, { seed: 2 }).W_dec).not.toEqual(p.W_dec);
  });
  it('uses norm-0.1 rows when the decoder is not normalised (relu default)', () => {
    const p = initSaeParams(config('relu'), { seed: 3 });
    for (const n of rowNorms(p.W_dec, 10, 6)) expect(n).toBeCloseTo(0.1, 6);
  });
  it('starts JumpReLU thresholds at initial_threshold', () => {
    const p = initSaeParams(config('jumprelu', { initial_threshold: 0.02 }), { seed: 4 });
    expect(Array.from(p.log_threshold!, Math.exp).every((t) => Math.abs(t - 0.02) < 1e-8)).toBe(true);
  });
  it('starts b_dec at the mean or the geometric median of a sample', () => {
    const rows = [1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 30, 0, 0, 0, 0, 0];
    const mean = initSaeParams(config('relu'), { seed: 5, bDec: 'mean', sample: rows, sampleRows: 3 });
    expect(mean.b_dec[0]).toBeCloseTo(11, 5);
    const median = initSaeParams(config('relu'), { seed: 5, bDec: 'geometric_median', sample: rows, sampleRows: 3 });
    expect(median.b_dec[0]).toBeCloseTo(2, 4);
    expect(() => initSaeParams(config('relu'), { seed: 5, bDec: 'mean' })).toThrow(/needs a sample/);
  });
});

describe('geometricMedian', () => {
  it('is the middle point in one dimension and ignores an outlier', () => {
    expect(geometricMedian([0, 1, 10], 3, 1)[0]).toBeCloseTo(1, 6);
    const pts = [1, 1, 1.2, 0.9, 0.8, 1.1, 1000, 1000];
    const m = geometricMedian(pts, 4, 2);
    expect(Math.hypot(m[0]! - 1, m[1]! - 1)).toBeLessThan(0.3);
  });
  it('zeroes the subgradient Σ (y − x_i)/‖y − x_i‖ on random points', () => {
    const rng = new Prng(9);
    const n = 50;
    const d = 4;
    const pts = Array.from({ length: n * d }, () => rng.normal() + (rng.uniform() < 0.1 ? 20 : 0));
    const y = geometricMedian(pts, n, d);
    const g = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      const diff = Array.from({ length: d }, (_, i) => y[i]! - pts[r * d + i]!);
      const norm = Math.hypot(...diff);
      for (let i = 0; i < d; i++) g[i] += diff[i]! / norm;
    }
    expect(Math.hypot(...g)).toBeLessThan(1e-6);
  });
});

describe('input scale', () => {
  it('estimates s with E‖s·x‖ = √d_in', () => {
    // two rows of norm 2 and 6 in d_in = 4: mean norm 4, √4 / 4 = 0.5
    expect(estimateInputScale([2, 0, 0, 0, 0, 0, 6, 0], 2, 4)).toBe(0.5);
    expect(() => estimateInputScale([0, 0], 1, 2)).toThrow(/mean norm is zero/);
  });

  describe.each<[Architecture, boolean]>([
    ['relu', true],
    ['relu', false],
    ['topk', true],
    ['batchtopk', true],
    ['jumprelu', true],
    ['jumprelu', false],
  ])('folding for %s (b_dec applied to input: %s)', (arch, applyBDec) => {
    it('gives x̂_used / s on raw activations', () => {
      const cfg = config(arch, { apply_b_dec_to_input: applyBDec, initial_threshold: 0.3 });
      const rng = new Prng(11);
      const p = initSaeParams(cfg, { seed: 12 });
      // move away from the symmetric start so biases and thresholds matter
      for (const t of [p.W_enc, p.W_dec, p.b_enc, p.b_dec]) for (let i = 0; i < t.length; i++) t[i] = Math.fround(t[i]! + 0.3 * rng.normal());
      if (p.log_threshold) for (let j = 0; j < cfg.d_sae; j++) p.log_threshold[j] = Math.log(0.1 + 0.5 * rng.uniform());
      const B = 8;
      const raw = Array.from({ length: B * cfg.d_in }, () => 3 * rng.normal());
      const s = estimateInputScale(raw, B, cfg.d_in);
      expect(s).not.toBeCloseTo(1, 1);
      const used = raw.map((v) => s * v);
      const theta = arch === 'batchtopk' ? 0.4 : null;
      const dims = { B, dIn: cfg.d_in, dSae: cfg.d_sae };
      const trained = inferenceForward(cfg, toReferenceParams(p, cfg), used, dims, theta);
      const folded = foldInputScale(p, s, arch, theta);
      const onRaw = inferenceForward(cfg, toReferenceParams(folded.params, cfg), raw, dims, folded.thresholdBatch);
      const fired = trained.featureActs.filter((v) => v > 0).length;
      expect(fired).toBeGreaterThan(0);
      expect(fired).toBeLessThan(B * cfg.d_sae);
      for (let i = 0; i < onRaw.xHat.length; i++) expect(onRaw.xHat[i]).toBeCloseTo(trained.xHat[i]! / s, 5);
      for (let i = 0; i < onRaw.featureActs.length; i++) expect(onRaw.featureActs[i]).toBeCloseTo(trained.featureActs[i]! / s, 5);
      expect(folded.params.W_enc).toEqual(p.W_enc);
      expect(folded.params.W_dec).toEqual(p.W_dec);
    });
  });
});
