// The extraction engine on the CPU: the float64 reference encoder and the CPU accumulators. Exactly what
// the GPU engine computes (same counts, maxima, histograms and examples; sums to rounding), slowly.
import type { GatherList } from '../context';
import { accumulateBatch, emptyFeatureStats, type FeatureStatsState } from '../feature-accumulator';
import { logitEffects } from '../logit-effects';
import { emptyQuantileSamples, sampleBatch, type QuantileSamplerState } from '../quantile-sampler';
import { referenceLatents, referenceParams } from '../reference-encode';
import { FeatureEngineError, type FeatureEngine, type FeatureEngineOptions } from './engine';

export function cpuFeatureEngine(opts: FeatureEngineOptions): FeatureEngine {
  const { cfg, maxRows } = opts;
  const params = referenceParams(cfg, opts.params);
  let stats: FeatureStatsState = emptyFeatureStats(cfg.d_sae, opts.histogram ? { k: opts.topK, histogram: opts.histogram } : { k: opts.topK });
  let samples: QuantileSamplerState | null = null;
  let z: Float32Array = new Float32Array(0);
  let zRows = 0;
  const latest = (rows: number): Float32Array => {
    if (rows !== zRows) throw new FeatureEngineError(`The latest encode has ${zRows} rows, not ${rows}.`);
    return z;
  };
  return {
    maxRows,
    encode(x, rows) {
      if (!Number.isInteger(rows) || rows < 1 || rows > maxRows) throw new FeatureEngineError(`A slice of ${rows} rows does not fit an engine made for 1 to ${maxRows}.`);
      z = referenceLatents(cfg, params, x.subarray(0, rows * cfg.d_in), rows);
      zRows = rows;
    },
    addStats(rows, batch) {
      accumulateBatch(stats, latest(rows), batch);
    },
    readStats: async () => stats,
    loadStats(state) {
      if (state.dSae !== cfg.d_sae || state.top.capacity !== stats.top.capacity || state.histogramBins.bins !== stats.histogramBins.bins) {
        throw new FeatureEngineError('Saved feature statistics do not match this extraction (d_sae, k or histogram bins differ).');
      }
      stats = state;
    },
    beginSampling(edges, perBand, seed) {
      samples = emptyQuantileSamples(edges, perBand, seed);
    },
    addSamples(rows, batch) {
      if (!samples) throw new FeatureEngineError('Sampling was not set up before its pass.');
      sampleBatch(samples, latest(rows), batch);
    },
    async readSamples() {
      if (!samples) throw new FeatureEngineError('Sampling was not set up before its pass.');
      return samples;
    },
    loadSamples(state) {
      if (!samples) throw new FeatureEngineError('Sampling was not set up before its pass.');
      samples = state;
    },
    async gather(list: GatherList) {
      const out = new Float32Array(list.latents.length);
      for (let i = 0; i < out.length; i++) {
        const row = list.rows[i]!;
        if (row >= zRows) throw new FeatureEngineError(`Row ${row} is not in the latest encode (${zRows} rows).`);
        out[i] = z[row * cfg.d_sae + list.latents[i]!]!;
      }
      return out;
    },
    logitEffects: async (input, topN) => logitEffects(input, topN),
    destroy() {
      z = new Float32Array(0);
    },
  };
}
