// The CPU reference of per-latent statistics over a stream of activation batches: firing count, maximum,
// sum (for the mean over firing tokens), log-spaced histogram and the top-k examples. A latent "fires" on a
// token when its activation is > 0 (NaN never fires). Activations are taken as float32, the precision the
// GPU keeps, so both agree exactly on counts, maxima, histograms and examples; the sum is kept in float64
// here (the GPU keeps float32 with compensation) and is compared with a tolerance.
// Memory is O(d_sae · (k + bins)), independent of the number of tokens.
import { ExampleHeaps } from './example-heap';
import { DEFAULT_HISTOGRAM, histogramBins, histogramSlot, type HistogramBins, type HistogramSpec } from './histogram';
import { checkTokenBatch, type TokenBatch } from './token-batch';

/** Everything accumulated so far; plain arrays, so it can be stored, merged and read back from the GPU. */
export interface FeatureStatsState {
  dSae: number;
  /** tokens seen */
  tokens: number;
  /** per latent: tokens where it fired */
  fired: Float64Array;
  /** per latent: largest activation (0 when it never fired) */
  max: Float32Array;
  /** per latent: sum of its activations over the tokens where it fired */
  sum: Float64Array;
  /** [d_sae, bins]: firing tokens per log bin (the zero count is tokens − fired, added when reported) */
  histogram: Float64Array;
  histogramBins: HistogramBins;
  /** per latent: its k best (activation, window, position), score = activation */
  top: ExampleHeaps;
}

export class FeatureStatsError extends Error {
  override name = 'FeatureStatsError';
}

export interface FeatureStatsOptions {
  /** top examples kept per latent */
  k: number;
  histogram?: HistogramSpec;
}

export function emptyFeatureStats(dSae: number, opts: FeatureStatsOptions): FeatureStatsState {
  if (!Number.isInteger(dSae) || dSae < 1) throw new FeatureStatsError(`d_sae must be a positive whole number (got ${dSae}).`);
  if (!Number.isInteger(opts.k) || opts.k < 0) throw new FeatureStatsError(`The number of top examples must be a whole number ≥ 0 (got ${opts.k}).`);
  const bins = histogramBins(opts.histogram ?? DEFAULT_HISTOGRAM);
  return {
    dSae,
    tokens: 0,
    fired: new Float64Array(dSae),
    max: new Float32Array(dSae),
    sum: new Float64Array(dSae),
    histogram: new Float64Array(dSae * bins.bins),
    histogramBins: bins,
    top: new ExampleHeaps(dSae, opts.k),
  };
}

/** Adds one batch: z is [B, d_sae] row-major (any precision; read as float32). */
export function accumulateBatch(state: FeatureStatsState, z: ArrayLike<number>, batch: TokenBatch): void {
  const { dSae, histogramBins: hb } = state;
  if (z.length % dSae !== 0) throw new FeatureStatsError(`Activations of length ${z.length} are not rows of d_sae = ${dSae}.`);
  const B = checkTokenBatch(batch, z.length / dSae);
  const f = Math.fround;
  for (let b = 0; b < B; b++) {
    const row = b * dSae;
    const window = batch.windows[b]!;
    const pos = batch.positions[b]!;
    const rankable = !batch.excluded || batch.excluded[b] === 0;
    for (let j = 0; j < dSae; j++) {
      const v = f(z[row + j]!);
      if (!(v > 0)) continue;
      state.fired[j]! += 1;
      if (v > state.max[j]!) state.max[j] = v;
      state.sum[j]! += v;
      state.histogram[j * hb.bins + histogramSlot(v, hb) - 1]! += 1;
      if (rankable) state.top.offer(j, v, v, window, pos);
    }
  }
  state.tokens += B;
}

/** Adds `other` into `into` (same d_sae, k and bins); exact for everything but float rounding of sums. */
export function mergeFeatureStats(into: FeatureStatsState, other: FeatureStatsState): FeatureStatsState {
  const a = into.histogramBins.spec;
  const b = other.histogramBins.spec;
  if (into.dSae !== other.dSae || a.minLog10 !== b.minLog10 || a.maxLog10 !== b.maxLog10 || a.binsPerDecade !== b.binsPerDecade) {
    throw new FeatureStatsError('Cannot merge feature statistics with different d_sae or histogram bins.');
  }
  into.tokens += other.tokens;
  for (let j = 0; j < into.dSae; j++) {
    into.fired[j]! += other.fired[j]!;
    into.sum[j]! += other.sum[j]!;
    if (other.max[j]! > into.max[j]!) into.max[j] = other.max[j]!;
  }
  for (let i = 0; i < into.histogram.length; i++) into.histogram[i]! += other.histogram[i]!;
  into.top.merge(other.top);
  return into;
}
