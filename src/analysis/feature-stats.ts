// Per-latent results of an extraction, assembled from the accumulated state: density, maximum, mean, the
// histogram (zero count first), dead / dense flags, top examples and quantile-sampled examples.
import type { FeatureRecord } from '../domain/entities';
import type { ActivationExample } from './example-heap';
import type { FeatureStatsState } from './feature-accumulator';
import { latentSamples, type QuantileSamplerState } from './quantile-sampler';

export interface QuantileExample extends ActivationExample {
  /** activation band (0: lowest) */
  band: number;
}

export interface FeatureStats {
  index: number;
  tokens: number;
  fired: number;
  /** fired / tokens */
  density: number;
  /** 0 when it never fired */
  maxActivation: number;
  /** mean activation over the tokens where it fired (0 when it never fired) */
  meanActivation: number;
  /** [zero count, log bins…] (see histogram.ts); sums to `tokens` */
  histogram: number[];
  /** never fired */
  dead: boolean;
  /** density above the dense threshold */
  dense: boolean;
  /** highest activations first; ties: earlier window, then earlier position */
  topExamples: ActivationExample[];
  /** lowest band first, within a band highest activation first */
  quantileExamples: QuantileExample[];
}

/** Latents firing on more than this share of tokens are flagged dense by default. */
export const DEFAULT_DENSE_THRESHOLD = 0.1;

export interface FeatureStatsReportOptions {
  denseThreshold?: number;
  samples?: QuantileSamplerState;
}

export function featureStatsOf(state: FeatureStatsState, latent: number, opts: FeatureStatsReportOptions = {}): FeatureStats {
  const { tokens, histogramBins: hb } = state;
  const fired = state.fired[latent]!;
  const density = tokens > 0 ? fired / tokens : 0;
  const histogram = [tokens - fired];
  for (let i = 0; i < hb.bins; i++) histogram.push(state.histogram[latent * hb.bins + i]!);
  const quantileExamples: QuantileExample[] = [];
  if (opts.samples) {
    for (const band of latentSamples(opts.samples, latent)) {
      for (const e of band.examples) quantileExamples.push({ act: e.act, window: e.window, pos: e.pos, band: band.band });
    }
  }
  return {
    index: latent,
    tokens,
    fired,
    density,
    maxActivation: state.max[latent]!,
    meanActivation: fired > 0 ? state.sum[latent]! / fired : 0,
    histogram,
    dead: fired === 0,
    dense: density > (opts.denseThreshold ?? DEFAULT_DENSE_THRESHOLD),
    topExamples: state.top.sorted(latent).map(({ act, window, pos }) => ({ act, window, pos })),
    quantileExamples,
  };
}

export function allFeatureStats(state: FeatureStatsState, opts: FeatureStatsReportOptions = {}): FeatureStats[] {
  return Array.from({ length: state.dSae }, (_, j) => featureStatsOf(state, j, opts));
}

/** The statistics fields of a FeatureRecord (the rest, label, notes, …, belongs to the user). */
export function featureRecordStats(stats: FeatureStats): Pick<FeatureRecord, 'density' | 'maxActivation' | 'meanActivation'> {
  return { density: stats.density, maxActivation: stats.maxActivation, meanActivation: stats.meanActivation };
}

export interface DeadDenseSummary {
  dead: number[];
  dense: number[];
}

/** Indices of dead and dense latents, without building every FeatureStats. */
export function deadAndDense(state: FeatureStatsState, denseThreshold = DEFAULT_DENSE_THRESHOLD): DeadDenseSummary {
  const dead: number[] = [];
  const dense: number[] = [];
  for (let j = 0; j < state.dSae; j++) {
    const f = state.fired[j]!;
    if (f === 0) dead.push(j);
    else if (state.tokens > 0 && f / state.tokens > denseThreshold) dense.push(j);
  }
  return { dead, dense };
}
