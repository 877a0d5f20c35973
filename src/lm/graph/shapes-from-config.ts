// Model dimensions from a Hugging Face config.json, under either naming scheme (GPT-2's n_embd… or the
// generic hidden_size…), and the activation shape at each hook point.
import type { HookKind } from './hook-points';

export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
}

export interface LmShapes {
  modelType: string;
  dModel: number;
  nLayers: number;
  nHeads: number;
  dHead: number;
  dMlp: number;
  vocabSize: number;
  /** Longest context the model was trained for. */
  nCtx: number;
}

function pickNumber(config: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

export function tensorShapesFromConfig(config: unknown): LmShapes {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelConfigError('config.json is not a JSON object.');
  }
  const record = config as Record<string, unknown>;
  const need = (what: string, keys: readonly string[]): number => {
    const value = pickNumber(record, keys);
    if (value === undefined || value <= 0) {
      throw new ModelConfigError(`config.json does not give the model's ${what} (looked for ${keys.join(', ')}).`);
    }
    return value;
  };
  const dModel = need('width', ['n_embd', 'hidden_size', 'd_model']);
  const nHeads = need('number of attention heads', ['n_head', 'num_attention_heads', 'num_heads']);
  const headDim = pickNumber(record, ['head_dim']);
  return {
    modelType: typeof record.model_type === 'string' ? record.model_type : 'unknown',
    dModel,
    nLayers: need('number of layers', ['n_layer', 'num_hidden_layers', 'num_layers']),
    nHeads,
    dHead: headDim ?? dModel / nHeads,
    // GPT-2 writes n_inner: null to mean 4·n_embd.
    dMlp: pickNumber(record, ['n_inner', 'intermediate_size', 'ffn_dim', 'd_ff']) ?? 4 * dModel,
    vocabSize: need('vocabulary size', ['vocab_size']),
    nCtx: need('context length', ['n_positions', 'n_ctx', 'max_position_embeddings']),
  };
}

/** Activation shape at a hook point: every residual-stream hook is [batch, seq, d_model]. */
export function hookShape(shapes: LmShapes, kind: HookKind): ['batch', 'seq', number] {
  switch (kind) {
    case 'hook_resid_pre':
    case 'hook_resid_mid':
    case 'hook_resid_post':
    case 'hook_attn_out':
    case 'hook_mlp_out':
      return ['batch', 'seq', shapes.dModel];
  }
}
