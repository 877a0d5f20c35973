// Turning the files of one SAELens folder (cfg.json + weights, optional sparsity) into an SAE the studio
// can run, with every failure a typed InteropError. Beyond fromSaeLens (src/sae/formats/saelens.ts) this
// accepts what real SAELens v6 folders contain: TopK/BatchTopK SAEs with rescale_acts_by_decoder_norm
// (decoder norms folded into the encoder, which gives the same outputs), BatchTopK training checkpoints
// (saved as JumpReLU with the learned threshold, as SAELens does for inference), half-precision weights,
// and bare weight files that are self-describing (a JumpReLU `threshold` or `log_threshold`).
import type { SaeParams } from '../sae/config';
import { fromSaeLens, SaeLensFormatError, type ImportedSae } from '../sae/formats/saelens';
import { readSafetensors, SafetensorsError, tensorToFloat32, type Float32Tensor, type SafetensorsFile } from '../sae/formats/safetensors';
import { describeError, InteropError } from './errors';

export interface SaeLensImport {
  /** cfg.json as found (for a bare weights file: the cfg we inferred), after any conversion noted in warnings */
  cfg: Record<string, unknown>;
  params: SaeParams;
  architecture: 'relu' | 'topk' | 'jumprelu';
  dIn: number;
  dSae: number;
  k?: number;
  applyBDecToInput: boolean;
  hookName: string | null;
  modelName: string | null;
  /** SAELens metadata (model_name, hook_name, context_size, ...) */
  metadata: Record<string, unknown>;
  /** log10 feature density from sparsity.safetensors, when present and valid */
  log10Density?: Float32Array;
  /** the folder the SAE was found in ('' for the top level) */
  folder: string;
  /** things the user should know: conversions made, fields ignored, metadata missing */
  warnings: string[];
}

export interface SaeLensFolderFiles {
  folder: string;
  /** cfg.json text; absent for a bare weights file */
  cfgText?: string;
  weightsName: string;
  weights: Uint8Array;
  sparsity?: Uint8Array;
}

export interface BareWeightsOptions {
  /** a bare weights file does not say; SAELens' default is true (Gemma Scope-style SAEs use false) */
  applyBDecToInput?: boolean;
}

const PARAM_TENSORS = ['W_enc', 'W_dec', 'b_enc', 'b_dec', 'threshold', 'log_threshold'] as const;
const KNOWN_EXTRA_TENSORS = new Set(['topk_threshold', 'scaling_factor']);
const SUPPORTED = ['standard', 'topk', 'jumprelu'];

const FIX_FILE = 'Check that the folder is a complete SAELens export; download it again if it was cut off.';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safetensorsError(what: string, e: unknown): InteropError {
  const message = describeError(e);
  const code = e instanceof SafetensorsError && message.startsWith('Truncated') ? 'truncated' : 'corrupt';
  return new InteropError(code, `${what}: ${message}`, FIX_FILE, { cause: e });
}

export function parseSafetensors(bytes: Uint8Array, what: string): SafetensorsFile {
  try {
    return readSafetensors(bytes);
  } catch (e) {
    throw safetensorsError(what, e);
  }
}

function parseCfg(text: string): Record<string, unknown> {
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (cause) {
    throw new InteropError('bad-json', `cfg.json is not valid JSON (${describeError(cause)}).`, FIX_FILE, { cause });
  }
  if (!isRecord(cfg)) throw new InteropError('bad-json', 'cfg.json must hold a JSON object.', FIX_FILE);
  return cfg;
}

function positiveInt(cfg: Record<string, unknown>, key: string): number {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new InteropError('invalid-data', `cfg.json: ${key} must be a positive integer (got ${JSON.stringify(v) ?? 'nothing'}).`, FIX_FILE);
  }
  return v;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Infers cfg.json for a weights file without one; only a JumpReLU (threshold tensor) is unambiguous. */
function inferCfg(file: SafetensorsFile, weightsName: string, options: BareWeightsOptions, warnings: string[]): Record<string, unknown> {
  const wEnc = file.tensors.get('W_enc');
  if (!wEnc || wEnc.shape.length !== 2) {
    throw new InteropError('missing-entry', `${weightsName} has no W_enc matrix, so it is not an SAE's weights.`, 'Choose the folder with cfg.json and sae_weights.safetensors.');
  }
  if (!file.tensors.has('threshold') && !file.tensors.has('log_threshold')) {
    throw new InteropError(
      'missing-entry',
      `No cfg.json next to ${weightsName}; without it the SAE's architecture is unknown (only JumpReLU weights, which carry a threshold, describe themselves).`,
      'Add the SAE\'s cfg.json (SAELens writes it next to the weights) and import the folder again.',
    );
  }
  const applyBDec = options.applyBDecToInput ?? true;
  warnings.push(
    `No cfg.json: read as a JumpReLU SAE with d_in=${wEnc.shape[0]}, d_sae=${wEnc.shape[1]} and apply_b_dec_to_input=${applyBDec}; the model and hook it belongs to are unknown.`,
  );
  return {
    d_in: wEnc.shape[0],
    d_sae: wEnc.shape[1],
    architecture: 'jumprelu',
    apply_b_dec_to_input: applyBDec,
    normalize_activations: 'none',
    metadata: {},
  };
}

/** Row norms of W_dec [d_sae, d_in]. */
function decoderNorms(W_dec: Float32Array, dSae: number, dIn: number): Float64Array {
  const norms = new Float64Array(dSae);
  for (let j = 0; j < dSae; j++) {
    let s = 0;
    for (let i = 0; i < dIn; i++) s += W_dec[j * dIn + i]! ** 2;
    norms[j] = Math.sqrt(s);
  }
  return norms;
}

/**
 * rescale_acts_by_decoder_norm: pre_j·‖W_dec_j‖ is selected and decoded through W_dec_j/‖W_dec_j‖. Scaling
 * W_enc's column j and b_enc_j by ‖W_dec_j‖ and W_dec's row j by 1/‖W_dec_j‖ gives the same outputs with
 * the flag off.
 */
function foldDecoderNorms(tensors: Record<string, Float32Tensor>, dIn: number, dSae: number): void {
  const norms = decoderNorms(tensors.W_dec!.data, dSae, dIn);
  const bad = norms.findIndex((n) => !(n > 0) || !Number.isFinite(n));
  if (bad >= 0) throw new InteropError('invalid-data', `Decoder row ${bad} has norm ${norms[bad]}; the decoder norms cannot be folded.`, FIX_FILE);
  const W_enc = tensors.W_enc!.data.slice();
  const W_dec = tensors.W_dec!.data.slice();
  const b_enc = tensors.b_enc!.data.slice();
  for (let i = 0; i < dIn; i++) for (let j = 0; j < dSae; j++) W_enc[i * dSae + j] = W_enc[i * dSae + j]! * norms[j]!;
  for (let j = 0; j < dSae; j++) {
    b_enc[j] = b_enc[j]! * norms[j]!;
    for (let i = 0; i < dIn; i++) W_dec[j * dIn + i] = W_dec[j * dIn + i]! / norms[j]!;
  }
  tensors.W_enc = { shape: [dIn, dSae], data: W_enc };
  tensors.W_dec = { shape: [dSae, dIn], data: W_dec };
  tensors.b_enc = { shape: [dSae], data: b_enc };
}

function checkFinite(name: string, data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new InteropError('invalid-data', `${name}[${i}] is ${data[i]}; the SAE's weights must be finite numbers.`, 'This SAE was saved after its training diverged; use an earlier checkpoint.');
    }
  }
}

function readSparsity(bytes: Uint8Array, dSae: number, warnings: string[]): Float32Array | undefined {
  try {
    const t = readSafetensors(bytes).tensors.get('sparsity');
    if (!t || !sameShape(t.shape, [dSae])) {
      warnings.push(`sparsity.safetensors was ignored: it has no "sparsity" tensor of shape [${dSae}].`);
      return undefined;
    }
    return tensorToFloat32(t, 'sparsity');
  } catch (e) {
    warnings.push(`sparsity.safetensors was ignored: ${describeError(e)}`);
    return undefined;
  }
}

/** Reads one SAELens folder's files into an SAE; throws InteropError saying what is wrong. */
export function decodeSaeLensFolder(files: SaeLensFolderFiles, options: BareWeightsOptions = {}): SaeLensImport {
  const warnings: string[] = [];
  const file = parseSafetensors(files.weights, files.weightsName);
  const cfg = files.cfgText === undefined ? inferCfg(file, files.weightsName, options, warnings) : parseCfg(files.cfgText);
  const dIn = positiveInt(cfg, 'd_in');
  const dSae = positiveInt(cfg, 'd_sae');

  const tensors: Record<string, Float32Tensor> = {};
  const converted: string[] = [];
  const ignored: string[] = [];
  for (const [name, t] of file.tensors) {
    if ((PARAM_TENSORS as readonly string[]).includes(name) || name === 'topk_threshold') {
      let data: Float32Array;
      try {
        data = tensorToFloat32(t, name);
      } catch (e) {
        throw new InteropError('unsupported', `${files.weightsName}: ${describeError(e)}`, 'Convert the weights to float32, float16 or bfloat16.', { cause: e });
      }
      if (t.dtype !== 'F32') converted.push(`${name} (${t.dtype})`);
      tensors[name] = { shape: t.shape, data };
    } else if (!KNOWN_EXTRA_TENSORS.has(name)) {
      ignored.push(name);
    }
  }
  if (converted.length) warnings.push(`Converted to float32: ${converted.join(', ')}.`);
  if (ignored.length) warnings.push(`Ignored tensors the studio does not use: ${ignored.join(', ')}.`);

  const expected: Record<string, number[]> = { W_enc: [dIn, dSae], W_dec: [dSae, dIn], b_enc: [dSae], b_dec: [dIn] };
  for (const [name, shape] of Object.entries(expected)) {
    const t = tensors[name];
    if (!t) throw new InteropError('missing-entry', `${files.weightsName} has no ${name} tensor (expected shape [${shape.join(', ')}]).`, FIX_FILE);
    if (!sameShape(t.shape, shape)) {
      throw new InteropError('wrong-dims', `${name} has shape [${t.shape.join(', ')}], but cfg.json (d_in=${dIn}, d_sae=${dSae}) requires [${shape.join(', ')}].`, FIX_FILE);
    }
    checkFinite(name, t.data);
  }

  let arch = cfg.architecture ?? 'standard';
  const norm = cfg.normalize_activations ?? 'none';
  if (norm !== 'none') {
    throw new InteropError(
      'unsupported',
      `cfg.json: normalize_activations is ${JSON.stringify(norm)}; only SAEs on raw activations ("none") can be imported.`,
      'Fold the activation normalisation into the weights in SAELens (fold_activation_norm_scaling_factor) and save the SAE again.',
    );
  }
  const working = { ...cfg };
  if (arch === 'batchtopk') {
    const t = tensors.topk_threshold;
    if (!t || t.data.length !== 1) {
      throw new InteropError('missing-entry', 'This BatchTopK SAE has no learned topk_threshold, so it cannot run on single inputs.', 'Save it for inference in SAELens (save_inference_model) and import that folder.');
    }
    tensors.threshold = { shape: [dSae], data: new Float32Array(dSae).fill(t.data[0]!) };
    warnings.push(`BatchTopK read as JumpReLU with its learned threshold ${t.data[0]} on every latent (as SAELens does for inference).`);
    arch = 'jumprelu';
    working.architecture = 'jumprelu';
  }
  if (typeof arch !== 'string' || !SUPPORTED.includes(arch)) {
    throw new InteropError(
      'unknown-architecture',
      `cfg.json: the architecture ${JSON.stringify(arch)} is not supported; the studio runs standard (ReLU), topk, batchtopk and jumprelu SAEs.`,
      'Choose an SAE of one of those architectures.',
    );
  }
  if (working.rescale_acts_by_decoder_norm === true && (arch === 'topk' || arch === 'jumprelu')) {
    foldDecoderNorms(tensors, dIn, dSae);
    working.rescale_acts_by_decoder_norm = false;
    warnings.push('The decoder norms were folded into the encoder (rescale_acts_by_decoder_norm), which leaves the outputs unchanged.');
  }
  if (working.reshape_activations === 'hook_z') warnings.push('This SAE reads attention heads flattened (hook_z); it fits only a matching hook_z hook point.');
  if (isRecord(working.metadata) && working.metadata.hook_head_index !== null && working.metadata.hook_head_index !== undefined) {
    warnings.push(`This SAE reads a single attention head (hook_head_index ${JSON.stringify(working.metadata.hook_head_index)}).`);
  }

  let imported: ImportedSae;
  try {
    imported = fromSaeLens(working, tensors);
  } catch (e) {
    if (e instanceof SaeLensFormatError) throw new InteropError('invalid-data', describeError(e), FIX_FILE, { cause: e });
    throw e;
  }
  const metadata = imported.metadata;
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
  const hookName = text(metadata.hook_name);
  const modelName = text(metadata.model_name);
  if (files.cfgText !== undefined && (hookName === null || modelName === null)) {
    warnings.push(`cfg.json does not say which ${hookName === null && modelName === null ? 'model and hook' : hookName === null ? 'hook' : 'model'} the SAE reads; choose it when you attach the SAE to a model.`);
  }
  const result: SaeLensImport = {
    cfg: working,
    params: imported.params,
    architecture: imported.architecture,
    dIn,
    dSae,
    applyBDecToInput: imported.apply_b_dec_to_input,
    hookName,
    modelName,
    metadata,
    folder: files.folder,
    warnings,
  };
  if (imported.k !== undefined) result.k = imported.k;
  if (files.sparsity) {
    const density = readSparsity(files.sparsity, dSae, warnings);
    if (density) result.log10Density = density;
  }
  return result;
}
