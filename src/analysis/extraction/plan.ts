// The shape of an extraction run, decided before any work: which windows of the tokenized dataset run
// through the model (batches of whole windows, spread over the dataset), how many activation rows one SAE
// encode takes, which passes run, and how many latents share one context pass so the context activations
// held at once stay within a fixed budget whatever d_sae and the dataset size.
//
// Passes (src/analysis/context.ts explains why contexts are a pass of their own):
//   statistics  every batch: encode, accumulate per-latent statistics and top-k examples (on the GPU)
//   sampling    every batch again, with band edges from the statistics: quantile-sampled examples
//               (only when quantile examples are asked for)
//   contexts    per chunk of latents: re-encode just the windows holding their examples, gather the
//               activations around each example
import { quantileBands, type ExtractionSettings, type QuantileBands } from './settings';

export class ExtractionPlanError extends Error {
  override name = 'ExtractionPlanError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

/** Windows [start, end) of the tokenized dataset. */
export interface WindowRange {
  start: number;
  end: number;
}

export type ExtractionPass = 'statistics' | 'sampling';

export interface ExtractionPlanInput {
  /** windows stored in the tokenization */
  windowCount: number;
  contextLength: number;
  settings: ExtractionSettings;
  dSae: number;
  /** most activation rows one SAE encode may hold (the device's buffer limits) */
  maxEncodeRows: number;
  /** context activations (floats) held at once; default CONTEXT_BUDGET */
  contextBudget?: number;
}

export interface ExtractionPlan {
  /** windows run through the model in each pass over the data */
  windows: number;
  /** tokens in those windows (padding included) */
  tokens: number;
  /** model runs of one pass over the data, in order */
  batches: WindowRange[];
  /** activation rows per SAE encode (a model run's rows are encoded in slices of this) */
  rowsPerEncode: number;
  passes: ExtractionPass[];
  quantile: QuantileBands | null;
  /** top and quantile examples kept per latent */
  examplesPerLatent: number;
  /** tokens shown per example: prefix + the token + suffix */
  contextWidth: number;
  /** latents whose contexts are gathered in one context pass */
  latentsPerContextPass: number;
  contextPasses: number;
}

/** 16 Mi floats (64 MiB) of context activations at once. */
export const CONTEXT_BUDGET = 1 << 24;

export function planExtraction(input: ExtractionPlanInput): ExtractionPlan {
  const { windowCount, contextLength, settings, dSae } = input;
  if (!Number.isInteger(windowCount) || windowCount < 1) {
    throw new ExtractionPlanError('The tokenized dataset has no windows.', 'Tokenize a dataset with at least one full window first.');
  }
  if (!Number.isInteger(contextLength) || contextLength < 1) throw new ExtractionPlanError(`A context length of ${contextLength} is not usable.`, 'Tokenize the dataset again.');
  if (!Number.isInteger(dSae) || dSae < 1) throw new ExtractionPlanError(`The SAE has d_sae = ${dSae}.`, 'Import the SAE again.');
  if (!Number.isInteger(input.maxEncodeRows) || input.maxEncodeRows < 1) {
    throw new ExtractionPlanError(`This GPU cannot hold even one row of ${dSae} latent activations.`, 'Use an SAE with a smaller dictionary, or a GPU with larger buffers.');
  }
  const windows = Math.min(windowCount, Math.max(1, Math.floor(settings.maxTokens / contextLength)));
  const batches = spreadBatches(windowCount, windows, settings.batchSize);
  const quantile = quantileBands(settings.quantileExamples);
  const examplesPerLatent = settings.topK + (quantile ? quantile.bands * quantile.perBand : 0);
  const contextWidth = settings.contextPrefix + settings.contextSuffix + 1;
  const budget = input.contextBudget ?? CONTEXT_BUDGET;
  const latentsPerContextPass = Math.min(dSae, Math.max(1, Math.floor(budget / Math.max(1, examplesPerLatent * contextWidth))));
  return {
    windows,
    tokens: windows * contextLength,
    batches,
    rowsPerEncode: Math.min(input.maxEncodeRows, settings.batchSize * contextLength),
    passes: quantile ? ['statistics', 'sampling'] : ['statistics'],
    quantile,
    examplesPerLatent,
    contextWidth,
    latentsPerContextPass,
    contextPasses: Math.ceil(dSae / latentsPerContextPass),
  };
}

/**
 * `take` of `count` windows in runs of `batch` contiguous windows, spread evenly over the dataset (so a
 * small budget samples all of it, not just its first documents); all windows, in order, when take = count.
 */
export function spreadBatches(count: number, take: number, batch: number): WindowRange[] {
  if (!Number.isInteger(batch) || batch < 1) throw new ExtractionPlanError(`A batch of ${batch} windows is not usable.`, 'Use a batch size of at least 1.');
  const n = Math.ceil(take / batch);
  const gap = count - take;
  const out: WindowRange[] = [];
  for (let i = 0; i < n; i++) {
    const start = i * batch + Math.floor((i * gap) / n);
    out.push({ start, end: start + Math.min(batch, take - i * batch) });
  }
  return out;
}

/** Latents [start, end) of each context pass. */
export function contextPassLatents(plan: Pick<ExtractionPlan, 'latentsPerContextPass'>, dSae: number): WindowRange[] {
  const out: WindowRange[] = [];
  for (let start = 0; start < dSae; start += plan.latentsPerContextPass) out.push({ start, end: Math.min(dSae, start + plan.latentsPerContextPass) });
  return out;
}

/** Sorted window ids in model runs of at most `batch` windows. */
export function windowBatches(windows: readonly number[], batch: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < windows.length; i += batch) out.push(windows.slice(i, i + batch));
  return out;
}

/** Contiguous runs of sorted window ids, for reading them with as few range reads as possible. */
export function contiguousRuns(windows: readonly number[]): WindowRange[] {
  const out: WindowRange[] = [];
  for (const w of windows) {
    const last = out[out.length - 1];
    if (last && last.end === w) last.end = w + 1;
    else out.push({ start: w, end: w + 1 });
  }
  return out;
}
