// Everything a training run needs beyond the SAE config: source, batch, seed, checkpoint and metric
// cadence, input scaling and b_dec initialisation. Checked as one unit before a run is created.
import type { ActivationSourceSpec } from '../../domain/entities';
import { ConfigError, validateSaeConfig, type SaeConfig } from '../config';
import type { DecoderBiasInit } from '../init';
import { DEFAULT_KEEP_CHECKPOINTS } from './retention';

export interface TrainingSpec {
  name: string;
  config: SaeConfig;
  batchSize: number;
  seed: number;
  source: ActivationSourceSpec;
  checkpointEvery: number;
  keepCheckpoints: number;
  inputScaling: boolean;
  bDecInit: DecoderBiasInit;
  metricsEvery: number;
  mmcsEvery: number;
  templateId?: string;
}

export class TrainingSpecError extends Error {
  override name = 'TrainingSpecError';
  constructor(readonly problems: string[]) {
    super(`This training cannot start: ${problems.join('; ')}.`);
  }
}

/** Metric rows every few steps: about a thousand rows per run, at most every 50 steps. */
export function defaultMetricsEvery(totalSteps: number): number {
  return Math.max(1, Math.min(50, Math.round(totalSteps / 1000)));
}

/** Ground-truth evaluations about a hundred times per run, on steps that also have a metric row. */
export function defaultMmcsEvery(totalSteps: number, metricsEvery: number): number {
  const every = Math.max(metricsEvery, Math.round(totalSteps / 100));
  return Math.ceil(every / metricsEvery) * metricsEvery;
}

/** Checkpoints about ten times per run. */
export function defaultCheckpointEvery(totalSteps: number): number {
  return Math.max(1, Math.round(totalSteps / 10));
}

export const MAX_BATCH_SIZE = 65536;
export const MAX_SYNTHETIC_FEATURES = 1 << 16;

/** Checks the spec (and its SAE config, defaults filled in); throws TrainingSpecError listing every problem. */
export function validateTrainingSpec(input: Omit<TrainingSpec, 'config'> & { config: Partial<SaeConfig> }): TrainingSpec {
  const problems: string[] = [];
  let config: SaeConfig | undefined;
  try {
    config = validateSaeConfig(input.config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(e.message.replace(/^Invalid SAE config: /, '').replace(/\.$/, ''));
  }
  const int = (label: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${label} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`);
  };
  if (input.name.trim() === '') problems.push('the name must not be empty');
  int('the batch size', input.batchSize, 1, MAX_BATCH_SIZE);
  int('the seed', input.seed, 0, 2 ** 32 - 1);
  int('the checkpoint interval', input.checkpointEvery, 1);
  int('the number of checkpoints kept', input.keepCheckpoints, 1, 1000);
  int('the metric interval', input.metricsEvery, 1);
  int('the MMCS interval', input.mmcsEvery, 1);
  const src = input.source;
  if (src.kind === 'synthetic') {
    int('the number of true features', src.features, 1, MAX_SYNTHETIC_FEATURES);
    if (!(src.activeProb > 0 && src.activeProb <= 1)) problems.push('the firing probability of a true feature must be in (0, 1]');
    if (config && src.dIn !== config.d_in) problems.push(`the synthetic source makes ${src.dIn}-dimensional activations but the SAE's d_in is ${config.d_in}`);
  } else if (src.kind === 'cache') {
    if (src.cacheId.trim() === '') problems.push('no activation cache is chosen');
  } else {
    if (src.modelId.trim() === '') problems.push('no model is chosen');
    if (src.tokenizationId.trim() === '') problems.push('no tokenized dataset is chosen');
    if (src.hook.trim() === '') problems.push('no hook point is chosen');
  }
  if (problems.length > 0 || !config) throw new TrainingSpecError(problems);
  const spec: TrainingSpec = { ...input, name: input.name.trim(), config };
  return spec;
}

export { DEFAULT_KEEP_CHECKPOINTS };
