// What the model card shows, read once from the graph and config.json when a model is stored: sizes and
// dtype, the hook points found per layer (structure-based), and every tensor a person may pick by hand.
// Pure: runs wherever the bytes are (the IO worker after a download or an import; Node in tests).
import type { ModelRecord } from '../../domain/entities';
import {
  decodeModel,
  findHookPoints,
  inspectModel,
  ModelConfigError,
  tensorShapesFromConfig,
  type HookPoint,
  type LayerHooks,
  type LmShapes,
  type TensorCandidate,
  type TensorSummary,
} from '../../lm/graph';

export const MODEL_ANALYSIS_VERSION = 1;

export interface ModelAnalysis {
  version: typeof MODEL_ANALYSIS_VERSION;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  opset: number;
  producer: string;
  parameterCount: number;
  parameterBytes: number;
  /** the element type holding most weights (float32, float16, uint8, …) */
  weightType: string;
  quantized: boolean;
  externalDataFiles: string[];
  /** hook points found from the graph's structure, or why none were */
  hooks: { ok: true; layers: LayerHooks[]; points: HookPoint[] } | { ok: false; reason: string };
  /** every computed floating-point tensor, for picking by hand */
  tensors: TensorCandidate[];
  /** dimensions from config.json, or why they could not be read */
  shapes: { ok: true; value: LmShapes } | { ok: false; reason: string };
}

export type ModelInfo = NonNullable<ModelRecord['info']>;

const WEIGHT_DTYPES: Record<string, string> = { float32: 'fp32', float16: 'fp16', bfloat16: 'bf16', uint8: 'q8', int8: 'int8', uint4: 'q4', int4: 'q4' };

export function analyzeModel(modelBytes: Uint8Array, config: unknown): ModelAnalysis {
  const model = decodeModel(modelBytes);
  const summary = inspectModel(model);
  const detection = findHookPoints(model);
  let shapes: ModelAnalysis['shapes'];
  if (config === undefined) shapes = { ok: false, reason: 'The model has no config.json.' };
  else {
    try {
      shapes = { ok: true, value: tensorShapesFromConfig(config) };
    } catch (err) {
      if (!(err instanceof ModelConfigError)) throw err;
      shapes = { ok: false, reason: err.message };
    }
  }
  return {
    version: MODEL_ANALYSIS_VERSION,
    inputs: summary.inputs,
    outputs: summary.outputs,
    opset: summary.opset,
    producer: summary.producer,
    parameterCount: summary.parameterCount,
    parameterBytes: summary.parameterBytes,
    weightType: summary.weightType,
    quantized: summary.quantized,
    externalDataFiles: summary.externalDataFiles,
    hooks: detection.ok ? { ok: true, layers: detection.layers, points: detection.hookPoints } : { ok: false, reason: detection.reason },
    tensors: detection.tensors,
    shapes,
  };
}

/** The summary stored on the model row (list columns and the card's facts). */
export function modelInfo(analysis: ModelAnalysis, config: unknown): ModelInfo {
  const info: ModelInfo = { params: analysis.parameterCount, dtype: WEIGHT_DTYPES[analysis.weightType] ?? analysis.weightType };
  if (analysis.shapes.ok) {
    const s = analysis.shapes.value;
    Object.assign(info, { family: s.modelType, layers: s.nLayers, dModel: s.dModel, heads: s.nHeads, vocab: s.vocabSize, contextLength: s.nCtx });
  } else {
    const family = typeof config === 'object' && config !== null && 'model_type' in config && typeof config.model_type === 'string' ? config.model_type : undefined;
    if (family) info.family = family;
    if (analysis.hooks.ok) info.layers = analysis.hooks.layers.length;
  }
  return info;
}

export class HookNotFoundError extends Error {
  override readonly name = 'HookNotFoundError';
  readonly action = 'Pick one of the hook points or tensors listed on the model card.';
}

/** The graph tensor behind a hook: a found hook point (blocks.L.hook_…) or a tensor picked by hand. */
export function hookTensor(analysis: Pick<ModelAnalysis, 'hooks' | 'tensors'>, hook: string): string {
  if (analysis.hooks.ok) {
    const point = analysis.hooks.points.find((p) => p.name === hook);
    if (point) return point.tensor;
  }
  if (analysis.tensors.some((t) => t.name === hook)) return hook;
  throw new HookNotFoundError(`This model has no hook point or tensor named "${hook}".`);
}

/** Reads a stored analysis back, refusing anything that is not one (an older format, a damaged file). */
export function parseModelAnalysis(value: unknown): ModelAnalysis | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<ModelAnalysis>;
  if (v.version !== MODEL_ANALYSIS_VERSION || !Array.isArray(v.tensors) || typeof v.hooks !== 'object' || v.hooks === null) return undefined;
  return value as ModelAnalysis;
}
