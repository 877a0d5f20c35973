// Trainer checkpoints: a TrainerState as one safetensors file. Tensors hold the parameters
// (`param.<name>`), Adam moments (`adam_m.<name>`, `adam_v.<name>`) and `steps_since_fired`; __metadata__
// holds the format tag and, as JSON, step, config, thresholdBatch, rngState and inputScale (JSON numbers
// round-trip float64 exactly).
import { ConfigError, paramShapes, validateSaeConfig, type ParamName, type SaeConfig } from './config';
import { readSafetensors, tensorToFloat32, writeSafetensors, type Float32Tensor } from './formats/safetensors';
import type { TrainerState } from './state';

export const CHECKPOINT_FORMAT = 'mistudio-trainer-state/1';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

function names(config: SaeConfig): ParamName[] {
  return Object.keys(paramShapes(config)) as ParamName[];
}

export function encodeCheckpoint(state: TrainerState): Uint8Array {
  const shapes = paramShapes(state.config);
  const tensors: Record<string, Float32Tensor> = {};
  for (const name of names(state.config)) {
    const shape = shapes[name]!;
    const get = (group: 'param' | 'adam_m' | 'adam_v'): Float32Array => {
      const src = group === 'param' ? state.params : group === 'adam_m' ? state.adamM : state.adamV;
      const v = src[name];
      if (!v) throw new CheckpointError(`Cannot save the checkpoint: ${group} ${name} is missing.`);
      return v;
    };
    tensors[`param.${name}`] = { shape, data: get('param') };
    tensors[`adam_m.${name}`] = { shape, data: get('adam_m') };
    tensors[`adam_v.${name}`] = { shape, data: get('adam_v') };
  }
  tensors.steps_since_fired = { shape: [state.config.d_sae], data: state.stepsSinceFired };
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    step: JSON.stringify(state.step),
    config: JSON.stringify(state.config),
    thresholdBatch: JSON.stringify(state.thresholdBatch),
  };
  if (state.rngState) metadata.rngState = JSON.stringify(state.rngState);
  if (state.inputScale !== undefined) metadata.inputScale = JSON.stringify(state.inputScale);
  return writeSafetensors(tensors, metadata);
}

function parseJson(meta: Record<string, string>, key: string): unknown {
  const text = meta[key];
  if (text === undefined) throw new CheckpointError(`This checkpoint lacks its ${key}.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(`This checkpoint's ${key} is not valid JSON.`);
  }
}

export function decodeCheckpoint(bytes: Uint8Array): TrainerState {
  const file = readSafetensors(bytes);
  const meta = file.metadata;
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`Not a miStudio trainer checkpoint (format ${JSON.stringify(meta.format ?? null)}, expected ${CHECKPOINT_FORMAT}).`);
  }
  const step = parseJson(meta, 'step');
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) throw new CheckpointError('This checkpoint has an invalid step count.');
  const rawConfig = parseJson(meta, 'config');
  if (typeof rawConfig !== 'object' || rawConfig === null) throw new CheckpointError('This checkpoint has no valid config.');
  let config: SaeConfig;
  try {
    config = validateSaeConfig(rawConfig as Partial<SaeConfig>);
  } catch (e) {
    if (e instanceof ConfigError) throw new CheckpointError(`This checkpoint's config is invalid: ${e.message}`);
    throw e;
  }
  const threshold = parseJson(meta, 'thresholdBatch');
  if (threshold !== null && typeof threshold !== 'number') throw new CheckpointError('This checkpoint has an invalid BatchTopK threshold.');

  const shapes = paramShapes(config);
  const tensor = (key: string, shape: number[]): Float32Array => {
    const t = file.tensors.get(key);
    if (!t) throw new CheckpointError(`This checkpoint lacks tensor ${key}.`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(`Checkpoint tensor ${key} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}].`);
    }
    return tensorToFloat32(t, key);
  };
  const params: Partial<Record<ParamName, Float32Array>> = {};
  const adamM: Partial<Record<ParamName, Float32Array>> = {};
  const adamV: Partial<Record<ParamName, Float32Array>> = {};
  for (const name of names(config)) {
    params[name] = tensor(`param.${name}`, shapes[name]!);
    adamM[name] = tensor(`adam_m.${name}`, shapes[name]!);
    adamV[name] = tensor(`adam_v.${name}`, shapes[name]!);
  }
  const state: TrainerState = {
    config,
    step,
    params: params as TrainerState['params'],
    adamM,
    adamV,
    stepsSinceFired: tensor('steps_since_fired', [config.d_sae]),
    thresholdBatch: threshold,
  };
  if (meta.rngState !== undefined) {
    const rng = parseJson(meta, 'rngState');
    if (!Array.isArray(rng) || !rng.every((w) => typeof w === 'number')) throw new CheckpointError('This checkpoint has an invalid PRNG state.');
    state.rngState = rng;
  }
  if (meta.inputScale !== undefined) {
    const s = parseJson(meta, 'inputScale');
    if (typeof s !== 'number' || !(s > 0)) throw new CheckpointError('This checkpoint has an invalid input scale.');
    state.inputScale = s;
  }
  return state;
}
