// SAELens (v6) export and import (SAE_SPEC.md "Export to SAELens"): a folder with cfg.json and
// sae_weights.safetensors (+ optional sparsity.safetensors). Exports are inference SAEs on raw activations:
// the input scale is folded into the weights, and BatchTopK is saved as JumpReLU with its learned batch
// threshold for every latent, as SAELens itself does.
import type { Architecture, SaeConfig, SaeParams } from '../config';
import { foldInputScale } from '../input-scale';
import { readSafetensors, tensorToFloat32, writeSafetensors, type Float32Tensor } from './safetensors';

export class SaeLensFormatError extends Error {
  override name = 'SaeLensFormatError';
}

export const SAELENS_CFG_FILENAME = 'cfg.json';
export const SAELENS_WEIGHTS_FILENAME = 'sae_weights.safetensors';
export const SAELENS_SPARSITY_FILENAME = 'sparsity.safetensors';

export type SaeLensArchitecture = 'standard' | 'topk' | 'jumprelu';

/** SAELens' SAEMetadata fields (all optional there; the first six are always written by us). */
export interface SaeLensMetadata {
  model_name: string | null;
  hook_name: string | null;
  hook_head_index: number | null;
  context_size: number | null;
  prepend_bos: boolean | null;
  dataset_path: string | null;
  model_class_name?: string | null;
  hook_layer?: number | null;
  neuronpedia_id?: string | null;
  sae_lens_training_version?: string | null;
}

export interface SaeLensCfg {
  d_in: number;
  d_sae: number;
  dtype: 'float32';
  device: 'cpu';
  apply_b_dec_to_input: boolean;
  normalize_activations: 'none';
  reshape_activations: 'none';
  architecture: SaeLensArchitecture;
  k?: number;
  rescale_acts_by_decoder_norm?: boolean;
  metadata: SaeLensMetadata;
}

export interface SaeLensExport {
  cfgJson: SaeLensCfg;
  tensors: Record<string, Float32Tensor>;
}

export interface TrainedExtras {
  /** x_used = inputScale · x during training; folded into the exported weights */
  inputScale?: number;
  /** BatchTopK: the learned batch threshold θ_batch (in training units) */
  thresholdBatch?: number | null;
}

export function toSaeLens(
  params: SaeParams,
  config: Pick<SaeConfig, 'architecture' | 'd_in' | 'd_sae' | 'apply_b_dec_to_input' | 'k'>,
  meta: Partial<SaeLensMetadata>,
  extras: TrainedExtras = {},
): SaeLensExport {
  const { d_in: dIn, d_sae: dSae, architecture: arch } = config;
  if (arch === 'batchtopk' && (extras.thresholdBatch === undefined || extras.thresholdBatch === null)) {
    throw new SaeLensFormatError('This BatchTopK SAE has no learned threshold yet; train at least one step before exporting.');
  }
  const folded = foldInputScale(params, extras.inputScale ?? 1, arch, extras.thresholdBatch ?? null);
  const p = folded.params;
  const tensors: Record<string, Float32Tensor> = {
    W_enc: { shape: [dIn, dSae], data: p.W_enc },
    W_dec: { shape: [dSae, dIn], data: p.W_dec },
    b_enc: { shape: [dSae], data: p.b_enc },
    b_dec: { shape: [dIn], data: p.b_dec },
  };
  let architecture: SaeLensArchitecture = 'standard';
  if (arch === 'jumprelu') {
    architecture = 'jumprelu';
    tensors.threshold = { shape: [dSae], data: Float32Array.from(p.log_threshold!, Math.exp) };
  } else if (arch === 'batchtopk') {
    architecture = 'jumprelu';
    tensors.threshold = { shape: [dSae], data: new Float32Array(dSae).fill(folded.thresholdBatch!) };
  } else if (arch === 'topk') {
    architecture = 'topk';
  }
  const cfgJson: SaeLensCfg = {
    d_in: dIn,
    d_sae: dSae,
    dtype: 'float32',
    device: 'cpu',
    apply_b_dec_to_input: config.apply_b_dec_to_input,
    normalize_activations: 'none',
    reshape_activations: 'none',
    architecture,
    metadata: {
      model_name: null,
      hook_name: null,
      hook_head_index: null,
      context_size: null,
      prepend_bos: null,
      dataset_path: null,
      ...meta,
    },
  };
  if (architecture === 'topk') {
    cfgJson.k = config.k!;
    // our decoder rows are unit norm, so SAELens must not rescale activations by them
    cfgJson.rescale_acts_by_decoder_norm = false;
  }
  return { cfgJson, tensors };
}

/** The files of a SAELens folder; `log10Density` [d_sae] adds sparsity.safetensors. */
export function saeLensFiles(exp: SaeLensExport, log10Density?: Float32Array): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    [SAELENS_CFG_FILENAME]: new TextEncoder().encode(JSON.stringify(exp.cfgJson, null, 2)),
    [SAELENS_WEIGHTS_FILENAME]: writeSafetensors(exp.tensors),
  };
  if (log10Density) {
    if (log10Density.length !== exp.cfgJson.d_sae) throw new SaeLensFormatError(`Sparsity has ${log10Density.length} values; d_sae is ${exp.cfgJson.d_sae}.`);
    files[SAELENS_SPARSITY_FILENAME] = writeSafetensors({ sparsity: { shape: [log10Density.length], data: log10Density } });
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------------
// Import

export interface ImportedSae {
  /** our architecture for SAELens' standard → relu, topk → topk, jumprelu → jumprelu */
  architecture: Extract<Architecture, 'relu' | 'topk' | 'jumprelu'>;
  d_in: number;
  d_sae: number;
  apply_b_dec_to_input: boolean;
  k?: number;
  /** log_threshold = log(threshold) for JumpReLU (a zero threshold becomes −∞: plain ReLU) */
  params: SaeParams;
  /** SAELens metadata (the `metadata` object, or the flat legacy fields of older cfgs) */
  metadata: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const LEGACY_METADATA_KEYS = ['model_name', 'hook_name', 'hook_layer', 'hook_head_index', 'context_size', 'prepend_bos', 'dataset_path', 'model_class_name', 'neuronpedia_id'];

/**
 * Reads a SAELens cfg.json (parsed) and its tensors (float32) into our parameter layout, checking the
 * architecture, the activation normalisation and every shape.
 */
export function fromSaeLens(cfgJson: unknown, tensors: Record<string, Float32Tensor>): ImportedSae {
  if (!isRecord(cfgJson)) throw new SaeLensFormatError('cfg.json must be a JSON object.');
  const cfg = cfgJson;
  const size = (key: string): number => {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new SaeLensFormatError(`cfg.json: ${key} must be a positive integer (got ${JSON.stringify(v)}).`);
    return v;
  };
  const dIn = size('d_in');
  const dSae = size('d_sae');
  // cfgs written before SAELens recorded the architecture are standard SAEs
  const saeLensArch = cfg.architecture ?? 'standard';
  const archMap: Record<string, ImportedSae['architecture']> = { standard: 'relu', topk: 'topk', jumprelu: 'jumprelu' };
  const architecture = typeof saeLensArch === 'string' ? archMap[saeLensArch] : undefined;
  if (!architecture) {
    throw new SaeLensFormatError(`cfg.json: architecture ${JSON.stringify(saeLensArch)} is not supported (standard, topk and jumprelu are).`);
  }
  const norm = cfg.normalize_activations ?? 'none';
  if (norm !== 'none') {
    throw new SaeLensFormatError(`cfg.json: normalize_activations is ${JSON.stringify(norm)}; only SAEs on raw activations ("none") can be imported. Fold the normalisation into the weights first.`);
  }
  const applyBDec = cfg.apply_b_dec_to_input ?? true;
  if (typeof applyBDec !== 'boolean') throw new SaeLensFormatError('cfg.json: apply_b_dec_to_input must be true or false.');

  let k: number | undefined;
  if (architecture === 'topk') {
    const cfgK = cfg.k;
    if (typeof cfgK !== 'number' || !Number.isInteger(cfgK) || cfgK < 1 || cfgK > dSae) {
      throw new SaeLensFormatError(`cfg.json: a topk SAE needs an integer k in [1, d_sae=${dSae}] (got ${JSON.stringify(cfgK)}).`);
    }
    if (cfg.rescale_acts_by_decoder_norm === true) {
      throw new SaeLensFormatError('cfg.json: rescale_acts_by_decoder_norm = true is not supported; fold the decoder norms into the encoder first.');
    }
    k = cfgK;
  }

  const take = (name: string, shape: number[]): Float32Array => {
    const t = tensors[name];
    if (!t) throw new SaeLensFormatError(`The weights lack tensor ${name} (expected shape [${shape.join(', ')}]).`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new SaeLensFormatError(`Tensor ${name} has shape [${t.shape.join(', ')}]; cfg.json (d_in=${dIn}, d_sae=${dSae}) requires [${shape.join(', ')}].`);
    }
    return t.data;
  };
  const params: SaeParams = {
    W_enc: take('W_enc', [dIn, dSae]),
    W_dec: take('W_dec', [dSae, dIn]),
    b_enc: take('b_enc', [dSae]),
    b_dec: take('b_dec', [dIn]),
  };
  if (architecture === 'jumprelu') {
    if (tensors.threshold) {
      const theta = take('threshold', [dSae]);
      const bad = theta.findIndex((t) => !(t >= 0));
      if (bad >= 0) throw new SaeLensFormatError(`JumpReLU threshold[${bad}] is ${theta[bad]}; thresholds must be non-negative.`);
      params.log_threshold = Float32Array.from(theta, Math.log);
    } else if (tensors.log_threshold) {
      params.log_threshold = take('log_threshold', [dSae]);
    } else {
      throw new SaeLensFormatError(`A JumpReLU SAE needs a threshold (or log_threshold) tensor of shape [${dSae}].`);
    }
  }
  const metadata: Record<string, unknown> = {};
  if (isRecord(cfg.metadata)) Object.assign(metadata, cfg.metadata);
  else for (const key of LEGACY_METADATA_KEYS) if (key in cfg) metadata[key] = cfg[key];
  const imported: ImportedSae = { architecture, d_in: dIn, d_sae: dSae, apply_b_dec_to_input: applyBDec, params, metadata };
  if (k !== undefined) imported.k = k;
  return imported;
}

/** Reads a SAELens folder's cfg.json text and sae_weights.safetensors bytes (any float dtype). */
export function readSaeLensFolder(cfgText: string, weights: Uint8Array): ImportedSae {
  let cfg: unknown;
  try {
    cfg = JSON.parse(cfgText);
  } catch (e) {
    throw new SaeLensFormatError(`cfg.json is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const file = readSafetensors(weights);
  const tensors: Record<string, Float32Tensor> = {};
  for (const [name, t] of file.tensors) {
    if (['W_enc', 'W_dec', 'b_enc', 'b_dec', 'threshold', 'log_threshold'].includes(name)) {
      tensors[name] = { shape: t.shape, data: tensorToFloat32(t, name) };
    }
  }
  return fromSaeLens(cfg, tensors);
}
