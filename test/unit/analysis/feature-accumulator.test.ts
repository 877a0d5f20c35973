import { describe, expect, it } from 'vitest';
import {
  accumulateBatch,
  allFeatureStats,
  deadAndDense,
  emptyFeatureStats,
  featureRecordStats,
  featureStatsOf,
  FeatureStatsError,
  histogramSlot,
  mergeFeatureStats,
  TokenBatchError,
  type FeatureStatsState,
} from '../../../src/analysis';
import { randomBatches, type RandomBatch } from './helpers';

const D = 9;

function run(batches: RandomBatch[], k: number): FeatureStatsState {
  const s = emptyFeatureStats(D, { k });
  for (const { z, batch } of batches) accumulateBatch(s, z, batch);
  return s;
}

/** Every (latent, token) of the batches, flat. */
function flatten(batches: RandomBatch[]) {
  const out: { j: number; v: number; window: number; pos: number; excluded: boolean }[] = [];
  for (const { z, batch } of batches) {
    for (let b = 0; b < batch.windows.length; b++) {
      for (let j = 0; j < D; j++) out.push({ j, v: z[b * D + j]!, window: batch.windows[b]!, pos: batch.positions[b]!, excluded: !!batch.excluded?.[b] });
    }
  }
  return out;
}

describe('feature statistics (CPU reference)', () => {
  const batches = randomBatches(11, 5, 13, D, 6, 5);
  const k = 4;
  const state = run(batches, k);
  const all = flatten(batches);
  const tokens = 5 * 13;

  it('counts, maxima, means and histograms agree with brute force', () => {
    expect(state.tokens).toBe(tokens);
    const hb = state.histogramBins;
    for (let j = 0; j < D; j++) {
      const firing = all.filter((x) => x.j === j && x.v > 0);
      const stats = featureStatsOf(state, j);
      expect(stats.fired).toBe(firing.length);
      expect(stats.density).toBe(firing.length / tokens);
      expect(stats.maxActivation).toBe(firing.length ? Math.max(...firing.map((x) => x.v)) : 0);
      const mean = firing.reduce((a, x) => a + x.v, 0) / firing.length;
      expect(stats.meanActivation).toBeCloseTo(mean, 10);
      const hist = new Array<number>(hb.width).fill(0);
      for (const x of all.filter((y) => y.j === j)) hist[histogramSlot(x.v, hb)]!++;
      expect(stats.histogram).toEqual(hist);
      expect(stats.histogram.reduce((a, b) => a + b, 0)).toBe(tokens);
    }
  });

  it('keeps the exact top-k, ties to the earlier token, skipping excluded tokens', () => {
    for (let j = 0; j < D; j++) {
      const expected = all
        .filter((x) => x.j === j && x.v > 0 && !x.excluded)
        .sort((a, b) => b.v - a.v || a.window - b.window || a.pos - b.pos)
        .slice(0, k)
        .map(({ v, window, pos }) => ({ act: v, window, pos }));
      expect(featureStatsOf(state, j).topExamples).toEqual(expected);
    }
    // ties really occur in this data
    const acts = featureStatsOf(state, 0).topExamples.map((e) => e.act);
    expect(new Set(acts).size).toBeLessThan(acts.length);
  });

  it('k larger than the firing tokens returns all of them', () => {
    const s = run(batches, 1000);
    for (let j = 0; j < D; j++) expect(featureStatsOf(s, j).topExamples.length).toBe(all.filter((x) => x.j === j && x.v > 0 && !x.excluded).length);
  });

  it('merging partial states equals one pass (sums up to rounding), in any grouping', () => {
    const a = run(batches.slice(0, 2), k);
    const b = run(batches.slice(2, 3), k);
    const c = run(batches.slice(3), k);
    const left = mergeFeatureStats(mergeFeatureStats(run([], k), a), b);
    mergeFeatureStats(left, c);
    const right = mergeFeatureStats(run(batches.slice(0, 2), k), mergeFeatureStats(run(batches.slice(2, 3), k), run(batches.slice(3), k)));
    for (const merged of [left, right]) {
      expect(merged.tokens).toBe(state.tokens);
      expect(merged.fired).toEqual(state.fired);
      expect(merged.max).toEqual(state.max);
      expect(merged.histogram).toEqual(state.histogram);
      for (let j = 0; j < D; j++) {
        expect(merged.sum[j]).toBeCloseTo(state.sum[j]!, 9);
        expect(merged.top.sorted(j)).toEqual(state.top.sorted(j));
      }
    }
  });

  it('flags dead and dense latents', () => {
    const s = emptyFeatureStats(3, { k: 2 });
    // latent 0 never fires, latent 1 fires on 1 of 20 tokens (5 %), latent 2 on 3 of 20 (15 %)
    const z = new Float32Array(20 * 3);
    z[1] = 0.5;
    for (const b of [0, 4, 9]) z[b * 3 + 2] = 2;
    accumulateBatch(s, z, { windows: new Uint32Array(20), positions: Uint32Array.from({ length: 20 }, (_, i) => i) });
    const stats = allFeatureStats(s);
    expect(stats.map((f) => [f.dead, f.dense])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(stats[0]!.meanActivation).toBe(0);
    expect(stats[0]!.maxActivation).toBe(0);
    expect(allFeatureStats(s, { denseThreshold: 0.01 })[1]!.dense).toBe(true);
    expect(deadAndDense(s)).toEqual({ dead: [0], dense: [2] });
    expect(featureRecordStats(stats[2]!)).toEqual({ density: 0.15, maxActivation: 2, meanActivation: 2 });
  });

  it('rejects mismatched batches and configs with readable errors', () => {
    const s = emptyFeatureStats(D, { k: 2 });
    expect(() => accumulateBatch(s, new Float32Array(D * 2), { windows: new Uint32Array(3), positions: new Uint32Array(3) })).toThrow(TokenBatchError);
    expect(() => accumulateBatch(s, new Float32Array(D + 1), { windows: new Uint32Array(1), positions: new Uint32Array(1) })).toThrow(FeatureStatsError);
    expect(() => emptyFeatureStats(0, { k: 2 })).toThrow(/d_sae/);
    expect(() => mergeFeatureStats(s, emptyFeatureStats(D + 1, { k: 2 }))).toThrow(FeatureStatsError);
  });
});
