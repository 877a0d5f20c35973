import { describe, expect, it } from 'vitest';
import {
  accumulateBatch,
  bandEdgesFromHistogram,
  bandEdgesFromMax,
  bandOf,
  emptyFeatureStats,
  emptyQuantileSamples,
  featureStatsOf,
  latentSamples,
  mergeQuantileSamples,
  mix32,
  QuantileSamplerError,
  samplePriority,
  sampleBatch,
  type QuantileSamplerState,
} from '../../../src/analysis';
import { Prng } from '../../../src/sae/prng';
import { randomBatches, shuffled, type RandomBatch } from './helpers';

const D = 7;

function sampleAll(batches: RandomBatch[], state: QuantileSamplerState): QuantileSamplerState {
  for (const { z, batch } of batches) sampleBatch(state, z, batch);
  return state;
}

describe('sample priority', () => {
  it('is the lowbias32 hash chained over seed, latent, window and position', () => {
    expect(mix32(0)).toBe(0);
    // values from an independent (Python) implementation
    expect(mix32(1)).toBe(0x688990c0);
    expect(mix32(0xdeadbeef)).toBe(0xe628c683);
    expect(samplePriority(7, 1, 2, 3)).toBe(mix32((mix32((mix32((mix32(7) ^ 1) >>> 0) ^ 2) >>> 0) ^ 3) >>> 0));
    expect(samplePriority(7, 1, 2, 3)).not.toBe(samplePriority(8, 1, 2, 3));
    expect(samplePriority(7, 1, 2, 3)).not.toBe(samplePriority(7, 1, 3, 2));
  });

  it('spreads priorities evenly', () => {
    const buckets = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) buckets[samplePriority(1, 0, i >> 4, i & 15) >>> 29]!++;
    for (const c of buckets) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe('activation bands', () => {
  it('splits (0, max] into equal bands; the top band is open-ended', () => {
    const edges = bandEdgesFromMax([10, 0, 3], 4);
    expect(Array.from(edges.interior.subarray(0, 3))).toEqual([2.5, 5, 7.5]);
    expect(bandOf(0, 0, edges)).toBe(-1);
    expect(bandOf(Number.NaN, 0, edges)).toBe(-1);
    expect(bandOf(1e-9, 0, edges)).toBe(0);
    expect(bandOf(2.5, 0, edges)).toBe(0);
    expect(bandOf(2.6, 0, edges)).toBe(1);
    expect(bandOf(10, 0, edges)).toBe(3);
    expect(bandOf(11, 0, edges)).toBe(3);
    expect(bandOf(1, 1, edges)).toBe(3); // a latent with max 0 has all edges at 0
    expect(bandEdgesFromMax([1, 2], 1).interior.length).toBe(0);
    expect(() => bandEdgesFromMax([1], 0)).toThrow(QuantileSamplerError);
  });

  it('places histogram-quantile edges so bands hold about equal shares', () => {
    const rng = new Prng(5);
    const stats = emptyFeatureStats(1, { k: 0 });
    const z = Float32Array.from({ length: 4000 }, () => Math.fround(10 ** rng.range(-3, 2)));
    accumulateBatch(stats, z, { windows: new Uint32Array(4000), positions: Uint32Array.from({ length: 4000 }, (_, i) => i) });
    const edges = bandEdgesFromHistogram(stats.histogram, stats.histogramBins, 4);
    const counts = [0, 0, 0, 0];
    for (const v of z) counts[bandOf(v, 0, edges)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(200); // one bin is 1/50 of the range
    expect(featureStatsOf(stats, 0).fired).toBe(4000);
  });
});

describe('quantile sampling (CPU reference)', () => {
  const batches = randomBatches(21, 6, 11, D, 5, 4);
  const stats = emptyFeatureStats(D, { k: 1 });
  for (const { z, batch } of batches) accumulateBatch(stats, z, batch);
  const edges = bandEdgesFromMax(stats.max, 3);
  const perBand = 3;
  const state = sampleAll(batches, emptyQuantileSamples(edges, perBand, 99));

  it('keeps, per band, the examples of highest priority: brute force', () => {
    for (let j = 0; j < D; j++) {
      const bands = latentSamples(state, j);
      expect(bands.map((b) => b.band)).toEqual([0, 1, 2]);
      for (const band of bands) {
        const members: { act: number; window: number; pos: number; score: number }[] = [];
        for (const { z, batch } of batches) {
          for (let b = 0; b < batch.windows.length; b++) {
            const v = z[b * D + j]!;
            if (batch.excluded?.[b] || bandOf(v, j, edges) !== band.band) continue;
            members.push({ act: v, window: batch.windows[b]!, pos: batch.positions[b]!, score: samplePriority(99, j, batch.windows[b]!, batch.positions[b]!) });
          }
        }
        const expected = members
          .sort((a, b) => b.score - a.score || a.window - b.window || a.pos - b.pos)
          .slice(0, perBand)
          .sort((a, b) => b.act - a.act || a.window - b.window || a.pos - b.pos);
        expect(band.examples).toEqual(expected);
        for (const e of band.examples) expect(e.act > band.low && e.act <= band.high).toBe(true);
      }
    }
  });

  it('does not depend on batch order or splitting, and merges exactly', () => {
    const rng = new Prng(4);
    const reordered = sampleAll(shuffled(batches, rng), emptyQuantileSamples(edges, perBand, 99));
    const a = sampleAll(batches.slice(0, 4), emptyQuantileSamples(edges, perBand, 99));
    const b = sampleAll(batches.slice(4), emptyQuantileSamples(edges, perBand, 99));
    const merged = mergeQuantileSamples(b, a);
    for (let j = 0; j < D; j++) {
      expect(latentSamples(reordered, j)).toEqual(latentSamples(state, j));
      expect(latentSamples(merged, j)).toEqual(latentSamples(state, j));
    }
    expect(() => mergeQuantileSamples(a, emptyQuantileSamples(edges, perBand, 98))).toThrow(QuantileSamplerError);
  });

  it('a different seed picks a different sample', () => {
    const other = sampleAll(batches, emptyQuantileSamples(edges, perBand, 100));
    const picks = (s: QuantileSamplerState) => JSON.stringify(Array.from({ length: D }, (_, j) => latentSamples(s, j)));
    expect(picks(other)).not.toBe(picks(state));
  });

  it('feeds featureStatsOf', () => {
    const f = featureStatsOf(stats, 2, { samples: state });
    const bands = f.quantileExamples.map((e) => e.band);
    expect([...bands].sort()).toEqual(bands);
    expect(f.quantileExamples.length).toBe(latentSamples(state, 2).reduce((a, b) => a + b.examples.length, 0));
  });
});
