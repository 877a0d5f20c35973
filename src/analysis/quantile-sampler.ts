// Examples spread over each latent's activation range: after a first pass has found every latent's maximum
// (and histogram), a second pass splits each latent's firing activations into bands and keeps a seeded
// random sample of `perBand` examples in each band (highest sample priority first, see sample-priority.ts).
// Band b of latent j holds the firing activations with interior[b − 1] < act ≤ interior[b]
// (interior[−1] = 0, interior[bands − 1] = +∞), where `interior` are that latent's bands − 1 f32 edges.
// Memory is O(d_sae · bands · perBand).
import { ExampleHeaps, type ScoredExample } from './example-heap';
import { type HistogramBins } from './histogram';
import { samplePriority } from './sample-priority';
import { checkTokenBatch, type TokenBatch } from './token-batch';

export interface BandEdges {
  dSae: number;
  bands: number;
  /** [d_sae, bands − 1] ascending f32 edges between bands */
  interior: Float32Array;
}

export class QuantileSamplerError extends Error {
  override name = 'QuantileSamplerError';
}

function checkBands(bands: number): void {
  if (!Number.isInteger(bands) || bands < 1) throw new QuantileSamplerError(`The number of activation bands must be a whole number ≥ 1 (got ${bands}).`);
}

/** Equal-width bands over (0, max_j]: edges max_j · b / bands. */
export function bandEdgesFromMax(max: ArrayLike<number>, bands: number): BandEdges {
  checkBands(bands);
  const dSae = max.length;
  const interior = new Float32Array(dSae * (bands - 1));
  for (let j = 0; j < dSae; j++) {
    for (let b = 1; b < bands; b++) interior[j * (bands - 1) + b - 1] = (max[j]! * b) / bands;
  }
  return { dSae, bands, interior };
}

/**
 * Bands holding about equal shares of each latent's firing tokens, from the first pass's histogram
 * ([d_sae, bins] log-bin counts, as FeatureStatsState.histogram): edges at histogram bin edges, so a band's
 * share is exact to one histogram bin. Bands that would be empty collapse onto the same edge.
 */
export function bandEdgesFromHistogram(histogram: ArrayLike<number>, hb: HistogramBins, bands: number): BandEdges {
  checkBands(bands);
  const dSae = histogram.length / hb.bins;
  if (!Number.isInteger(dSae)) throw new QuantileSamplerError(`A histogram of ${histogram.length} counts is not rows of ${hb.bins} bins.`);
  const interior = new Float32Array(dSae * (bands - 1));
  for (let j = 0; j < dSae; j++) {
    let total = 0;
    for (let i = 0; i < hb.bins; i++) total += histogram[j * hb.bins + i]!;
    let seen = 0;
    let bin = 0;
    for (let b = 1; b < bands; b++) {
      const want = (total * b) / bands;
      while (bin < hb.bins && seen + histogram[j * hb.bins + bin]! <= want) seen += histogram[j * hb.bins + bin++]!;
      // the upper edge of the last whole bin below the quantile (bins are [edge_i, edge_{i+1}) wide)
      interior[j * (bands - 1) + b - 1] = bin === 0 ? 0 : hb.edges[bin]!;
    }
  }
  return { dSae, bands, interior };
}

/** The band of a firing activation (−1 when it did not fire). */
export function bandOf(act: number, latent: number, edges: BandEdges): number {
  if (!(act > 0)) return -1;
  const stride = edges.bands - 1;
  let band = 0;
  for (let i = 0; i < stride; i++) if (edges.interior[latent * stride + i]! < act) band = i + 1;
  return band;
}

export interface QuantileSamplerState {
  edges: BandEdges;
  perBand: number;
  seed: number;
  /** group j · bands + b: the sample of latent j's band b (score = sample priority) */
  samples: ExampleHeaps;
}

/** Throws unless `edges` and `perBand` describe a valid sampler. */
export function checkSamplerSpec(edges: BandEdges, perBand: number): void {
  if (!Number.isInteger(perBand) || perBand < 0) throw new QuantileSamplerError(`Examples per band must be a whole number ≥ 0 (got ${perBand}).`);
  checkBands(edges.bands);
  if (edges.interior.length !== edges.dSae * (edges.bands - 1)) throw new QuantileSamplerError('Band edges do not match their d_sae and band count.');
}

export function emptyQuantileSamples(edges: BandEdges, perBand: number, seed: number): QuantileSamplerState {
  checkSamplerSpec(edges, perBand);
  return { edges, perBand, seed: seed >>> 0, samples: new ExampleHeaps(edges.dSae * edges.bands, perBand) };
}

/** Adds one batch: z is [B, d_sae] row-major (read as float32). */
export function sampleBatch(state: QuantileSamplerState, z: ArrayLike<number>, batch: TokenBatch): void {
  const { dSae, bands } = state.edges;
  if (z.length % dSae !== 0) throw new QuantileSamplerError(`Activations of length ${z.length} are not rows of d_sae = ${dSae}.`);
  const B = checkTokenBatch(batch, z.length / dSae);
  for (let b = 0; b < B; b++) {
    if (batch.excluded && batch.excluded[b] !== 0) continue;
    const window = batch.windows[b]!;
    const pos = batch.positions[b]!;
    for (let j = 0; j < dSae; j++) {
      const v = Math.fround(z[b * dSae + j]!);
      const band = bandOf(v, j, state.edges);
      if (band < 0) continue;
      state.samples.offer(j * bands + band, samplePriority(state.seed, j, window, pos), v, window, pos);
    }
  }
}

export function mergeQuantileSamples(into: QuantileSamplerState, other: QuantileSamplerState): QuantileSamplerState {
  if (into.seed !== other.seed || into.perBand !== other.perBand || into.edges.bands !== other.edges.bands) {
    throw new QuantileSamplerError('Cannot merge quantile samples taken with a different seed, band count or sample size.');
  }
  into.samples.merge(other.samples);
  return into;
}

export interface BandSample {
  band: number;
  /** activations in (low, high] */
  low: number;
  high: number;
  examples: ScoredExample[];
}

/** Latent j's samples per band, lowest band first; each band's examples by activation, highest first. */
export function latentSamples(state: QuantileSamplerState, latent: number): BandSample[] {
  const { bands, interior } = state.edges;
  const out: BandSample[] = [];
  for (let b = 0; b < bands; b++) {
    const examples = state.samples.sorted(latent * bands + b).sort((x, y) => y.act - x.act || x.window - y.window || x.pos - y.pos);
    out.push({
      band: b,
      low: b === 0 ? 0 : interior[latent * (bands - 1) + b - 1]!,
      high: b === bands - 1 ? Infinity : interior[latent * (bands - 1) + b]!,
      examples,
    });
  }
  return out;
}
