// What a steering job is asked to do ('generate' jobs: steered generation or an ablation at the prompt) and
// what it leaves in its checkpoint for the page to show while it streams and after it ends. Pure: the
// page's service builds these, the GPU worker's handler checks them again before it trusts them.
import type { NextToken } from '../runner/top-tokens';
import type { GenerationParams, StopReason } from '../generate';
import { parseGenerationParams } from '../generate';
import type { AblationResult } from './ablation';
import { STEERING_MODES, type SteeringMode, type SteeringVariant } from './plan';
import type { FeatureClamp } from './sae-graph';
import { SteeringError, type SteeringFeature } from './steering-vector';

interface RunTarget {
  modelId: string;
  saeId: string;
  prompt: string;
  /** put the tokenizer's BOS before the prompt */
  prependBos: boolean;
}

export interface GenerateRunParams extends RunTarget {
  kind: 'generate';
  mode: SteeringMode;
  features: SteeringFeature[];
  /** sweep mode: strengths for the one feature */
  strengths?: number[];
  generation: GenerationParams;
}

export interface AblateRunParams extends RunTarget {
  kind: 'ablate';
  ablate: number[];
  clamp: FeatureClamp[];
  keepError: boolean;
  topK: number;
}

export type SteeringRunParams = GenerateRunParams | AblateRunParams;

/** One output of a generate run: variant `variant`, sample `sample`. */
export interface SteeringOutput {
  variant: number;
  sample: number;
  text: string;
  tokens: number[];
  /** sampler state after the last token (to continue an interrupted run exactly) */
  prngState: number[];
  done: boolean;
  stopReason?: StopReason;
}

export interface GenerateRunResult {
  kind: 'generate';
  variants: SteeringVariant[];
  outputs: SteeringOutput[];
  promptTokens: number;
  /** how the model ran: 'webgpu' or 'wasm', with or without its KV cache */
  backend: string;
  kvCache: boolean;
}

/** Next tokens with their text, so the page needs no tokenizer. */
export type NextTokenText = NextToken & { text: string };

export interface AblateRunResult extends Omit<AblationResult, 'before' | 'after'> {
  kind: 'ablate';
  before: NextTokenText[];
  after: NextTokenText[];
  /** text of every token id in `changes` */
  tokenText: Record<number, string>;
  /** the prompt's last token as text (the distribution is the one after it) */
  lastToken: string;
}

export type SteeringRunResult = GenerateRunResult | AblateRunResult;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integers(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v): v is number => Number.isInteger(v))) throw new SteeringError(`${what} must be a list of whole numbers.`);
  return value;
}

/** Checks job params read back from the database. */
export function parseSteeringRunParams(value: unknown): SteeringRunParams {
  if (!isRecord(value)) throw new SteeringError('The steering job has no parameters.');
  const { modelId, saeId, prompt, prependBos } = value;
  if (typeof modelId !== 'string' || typeof saeId !== 'string') throw new SteeringError('The steering job does not name its model and SAE.');
  if (typeof prompt !== 'string') throw new SteeringError('The steering job has no prompt.');
  const target = { modelId, saeId, prompt, prependBos: prependBos === true };
  if (value.kind === 'ablate') {
    const clamp = Array.isArray(value.clamp) ? value.clamp : [];
    if (!clamp.every((c): c is FeatureClamp => isRecord(c) && Number.isInteger(c.index) && typeof c.value === 'number')) {
      throw new SteeringError('Clamped features need an index and a value.');
    }
    const topK = typeof value.topK === 'number' && Number.isInteger(value.topK) && value.topK > 0 ? Math.min(value.topK, 50) : 10;
    return { kind: 'ablate', ...target, ablate: integers(value.ablate ?? [], 'Ablated features'), clamp, keepError: value.keepError !== false, topK };
  }
  if (value.kind !== 'generate') throw new SteeringError(`Unknown steering job kind ${JSON.stringify(value.kind)}.`);
  if (typeof value.mode !== 'string' || !STEERING_MODES.includes(value.mode as SteeringMode)) throw new SteeringError(`Unknown steering mode ${JSON.stringify(value.mode)}.`);
  const features = Array.isArray(value.features) ? value.features : [];
  if (!features.every((f): f is SteeringFeature => isRecord(f) && Number.isInteger(f.index) && typeof f.coefficient === 'number')) {
    throw new SteeringError('Steering features need an index and a coefficient.');
  }
  const params: GenerateRunParams = { kind: 'generate', ...target, mode: value.mode as SteeringMode, features, generation: parseGenerationParams(value.generation) };
  if (value.strengths !== undefined) {
    if (!Array.isArray(value.strengths) || !value.strengths.every((s): s is number => typeof s === 'number')) throw new SteeringError('Sweep strengths must be numbers.');
    params.strengths = value.strengths;
  }
  return params;
}

/** A job checkpoint read back as a run result (null when it is none, e.g. before the first token). */
export function steeringRunResult(checkpoint: unknown): SteeringRunResult | null {
  if (!isRecord(checkpoint)) return null;
  if (checkpoint.kind === 'generate' && Array.isArray(checkpoint.outputs) && Array.isArray(checkpoint.variants)) return checkpoint as unknown as GenerateRunResult;
  if (checkpoint.kind === 'ablate' && Array.isArray(checkpoint.before)) return checkpoint as unknown as AblateRunResult;
  return null;
}
