// Per-latent activation histograms on fixed log-spaced bins, identical on the CPU and the GPU.
//
// Counts layout per latent (HistogramSpec.counts entries):
//   [0]        tokens where the latent did not fire (activation ≤ 0, or NaN)
//   [1 + i]    firing tokens with edges[i] ≤ act < edges[i + 1], i = 0 … bins − 1,
//              where edges[i] = f32(10^(minLog10 + i / binsPerDecade))
// Activations below edges[0] fall into the first bin and those at or above edges[bins] into the last, so
// every token is counted exactly once and the counts of a latent sum to the tokens seen.
// Bins are found by comparing with the f32 edges (not by taking a logarithm), so the GPU kernel, given the
// same edges, puts every value in the same bin as this code.

export interface HistogramSpec {
  minLog10: number;
  maxLog10: number;
  binsPerDecade: number;
}

/** 1e-4 … 1e3, 10 bins per decade: 70 log bins plus the zero count. */
export const DEFAULT_HISTOGRAM: HistogramSpec = { minLog10: -4, maxLog10: 3, binsPerDecade: 10 };

export const MAX_HISTOGRAM_BINS = 1000;

export class HistogramSpecError extends Error {
  override name = 'HistogramSpecError';
}

export interface HistogramBins {
  spec: HistogramSpec;
  /** log bins (not counting the zero count) */
  bins: number;
  /** bins + 1 ascending f32 edges */
  edges: Float32Array;
  /** counts per latent: bins + 1 (the zero count first) */
  width: number;
}

export function histogramBins(spec: HistogramSpec = DEFAULT_HISTOGRAM): HistogramBins {
  const { minLog10, maxLog10, binsPerDecade } = spec;
  const decades = maxLog10 - minLog10;
  if (!Number.isInteger(binsPerDecade) || binsPerDecade < 1 || !Number.isInteger(decades) || decades < 1 || !Number.isFinite(minLog10)) {
    throw new HistogramSpecError(
      `A histogram needs whole decades (max > min) and a whole number of bins per decade; got ${minLog10}..${maxLog10}, ${binsPerDecade} per decade.`,
    );
  }
  const bins = decades * binsPerDecade;
  // every latent stores every bin, on the GPU too: keep it to a few hundred
  if (bins > MAX_HISTOGRAM_BINS) throw new HistogramSpecError(`A histogram of ${bins} bins is too fine; use at most ${MAX_HISTOGRAM_BINS}.`);
  const edges = new Float32Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = 10 ** (minLog10 + i / binsPerDecade);
  return { spec, bins, edges, width: bins + 1 };
}

/** Index into a latent's counts for activation `act` (0: did not fire). */
export function histogramSlot(act: number, h: HistogramBins): number {
  if (!(act > 0)) return 0;
  // the last i with edges[i] ≤ act, clamped to [0, bins − 1]; binary search over the f32 edges
  let lo = 0;
  let hi = h.bins - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (h.edges[mid]! <= act) lo = mid;
    else hi = mid - 1;
  }
  return 1 + lo;
}

/** The value range of a counts slot, for labels: [low, high) (slot 0 is the single value 0). */
export function histogramSlotRange(slot: number, h: HistogramBins): { low: number; high: number } {
  if (slot === 0) return { low: 0, high: 0 };
  const i = slot - 1;
  return { low: i === 0 ? 0 : h.edges[i]!, high: i === h.bins - 1 ? Infinity : h.edges[i + 1]! };
}
