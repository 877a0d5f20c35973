// The SAE side of an extraction as the job drives it, whatever runs it: encode a slice of activation rows,
// then feed the latest latents to the statistics, the quantile sampler or the context gather. The GPU
// engine keeps every accumulator on the device and reads back only at the end of a pass; the CPU engine
// (cpu-engine.ts) is its twin over the float64 reference, for tests and small runs.
import type { GatherList } from '../context';
import type { FeatureStatsState } from '../feature-accumulator';
import type { HistogramSpec } from '../histogram';
import type { LogitEffects, LogitEffectsInput } from '../logit-effects';
import type { BandEdges, QuantileSamplerState } from '../quantile-sampler';
import type { EncodeConfig } from '../reference-encode';
import type { TokenBatch } from '../token-batch';
import type { SaeParams } from '../../sae/config';

export interface FeatureEngineOptions {
  cfg: EncodeConfig;
  params: SaeParams;
  /** most rows one encode holds */
  maxRows: number;
  /** top examples kept per latent */
  topK: number;
  histogram?: HistogramSpec;
}

export interface FeatureEngine {
  readonly maxRows: number;
  /** Encodes x [rows, d_in] (rows ≤ maxRows); the latents stay in the engine for the calls below. */
  encode(x: Float32Array, rows: number): void;
  /** Statistics pass: adds the latest latents (their `rows` token references in `batch`). */
  addStats(rows: number, batch: TokenBatch): void;
  readStats(): Promise<FeatureStatsState>;
  /** Resuming: the statistics accumulated before the pause, in place of the empty start. */
  loadStats(state: FeatureStatsState): void;
  /** Sampling pass: set up once, after the statistics pass. */
  beginSampling(edges: BandEdges, perBand: number, seed: number): void;
  addSamples(rows: number, batch: TokenBatch): void;
  readSamples(): Promise<QuantileSamplerState>;
  /** Resuming: the samples drawn before the pause (after beginSampling with the same edges). */
  loadSamples(state: QuantileSamplerState): void;
  /** Context pass: the latest latents' values the list asks for (rows are rows of the latest encode). */
  gather(list: GatherList): Promise<Float32Array>;
  logitEffects(input: LogitEffectsInput, topN: number): Promise<LogitEffects[]>;
  destroy(): void;
}

export type FeatureEngineFactory = (opts: FeatureEngineOptions) => FeatureEngine;

export class FeatureEngineError extends Error {
  override name = 'FeatureEngineError';
  readonly action = 'Start the extraction again; if it keeps failing, report it.';
}
