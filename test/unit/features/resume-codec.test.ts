// Saved extraction progress survives the trip through bytes exactly (float64 counts and sums included), and
// a damaged blob is refused with a ResumeCodecError rather than misread.
import { describe, expect, it } from 'vitest';
import { decodeExtractionResume, encodeExtractionResume, ResumeCodecError, type ExtractionResume } from '../../../src/analysis/extraction';
import { accumulateBatch, emptyFeatureStats } from '../../../src/analysis/feature-accumulator';
import { bandEdgesFromHistogram, emptyQuantileSamples, sampleBatch } from '../../../src/analysis/quantile-sampler';

function progress(): ExtractionResume {
  const dSae = 7;
  const rows = 13;
  const z = Float32Array.from({ length: rows * dSae }, (_, i) => ((i * 37) % 11) / 3 - 1);
  const batch = { windows: Uint32Array.from({ length: rows }, (_, i) => i >> 2), positions: Uint32Array.from({ length: rows }, (_, i) => i & 3) };
  const stats = emptyFeatureStats(dSae, { k: 3 });
  accumulateBatch(stats, z, batch);
  stats.sum[0] = 1 / 3; // not a float32
  const samples = emptyQuantileSamples(bandEdgesFromHistogram(stats.histogram, stats.histogramBins, 4), 2, 99);
  sampleBatch(samples, z, batch);
  return { plan: { windows: 4, batches: 2, passes: 2, dSae }, position: { phase: 'data', pass: 1, batch: 1 }, stats, samples };
}

describe('extraction resume codec', () => {
  it('round-trips the position, statistics, top examples and quantile samples exactly', () => {
    const saved = progress();
    const back = decodeExtractionResume(encodeExtractionResume(saved));
    expect(back).toEqual(saved);
    const { samples: _s, ...withoutSamples } = saved;
    expect(decodeExtractionResume(encodeExtractionResume({ ...withoutSamples, position: { phase: 'contexts', chunk: 3 } }))).toEqual({
      ...withoutSamples,
      position: { phase: 'contexts', chunk: 3 },
    });
  });

  it('refuses a cut-off or foreign blob', () => {
    const bytes = encodeExtractionResume(progress());
    for (const bad of [bytes.subarray(0, 3), bytes.subarray(0, bytes.length - 9), new TextEncoder().encode('\u0004\u0000\u0000\u0000{"a"')]) {
      expect(() => decodeExtractionResume(bad)).toThrow(ResumeCodecError);
    }
  });
});
