// Forward pass of SAE_SPEC.md "Forward": encode, the four activations, decode. All [rows, cols] matrices
// are row-major Float64Arrays.
import { ConfigError, type SaeConfig } from '../config';
import { ParamShapeError, type ReferenceParams } from './params';
import { topIndices } from './select';

export interface Dims {
  /** batch rows */
  B: number;
  dIn: number;
  dSae: number;
}

export interface ForwardResult {
  /** x − b_dec (or x itself when apply_b_dec_to_input is false), [B, d_in] */
  xIn: Float64Array;
  /** pre-activations, [B, d_sae] */
  hiddenPre: Float64Array;
  /** z, [B, d_sae] */
  featureActs: Float64Array;
  /** reconstruction, [B, d_in] */
  xHat: Float64Array;
}

/** x_in = x − b_dec (optionally) and pre = x_in · W_enc + b_enc. */
export function encodePre(
  x: ArrayLike<number>,
  p: Pick<ReferenceParams, 'W_enc' | 'b_enc' | 'b_dec'>,
  d: Dims,
  applyBDecToInput: boolean,
): { xIn: Float64Array; hiddenPre: Float64Array } {
  const { B, dIn, dSae } = d;
  const xIn = new Float64Array(B * dIn);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < dIn; i++) xIn[b * dIn + i] = x[b * dIn + i]! - (applyBDecToInput ? p.b_dec[i]! : 0);
  }
  const pre = new Float64Array(B * dSae);
  for (let b = 0; b < B; b++) {
    const row = b * dSae;
    for (let i = 0; i < dIn; i++) {
      const a = xIn[b * dIn + i]!;
      if (a === 0) continue;
      const w = i * dSae;
      for (let j = 0; j < dSae; j++) pre[row + j] += a * p.W_enc[w + j]!;
    }
    for (let j = 0; j < dSae; j++) pre[row + j] += p.b_enc[j]!;
  }
  return { xIn, hiddenPre: pre };
}

export function reluActivation(pre: Float64Array): Float64Array {
  return pre.map((v) => (v > 0 ? v : 0));
}

/** Per row: keep the k largest pre-activations (ties: lower index), relu them, zero the rest. */
export function topkActivation(pre: Float64Array, B: number, dSae: number, k: number): Float64Array {
  const z = new Float64Array(pre.length);
  for (let b = 0; b < B; b++) {
    const row = pre.subarray(b * dSae, (b + 1) * dSae);
    for (const j of topIndices(row, k)) z[b * dSae + j] = row[j]! > 0 ? row[j]! : 0;
  }
  return z;
}

/** Keep the k·B largest relu(pre) over the whole batch (ties: lower flat index), zero the rest. */
export function batchTopkActivation(pre: Float64Array, B: number, k: number): Float64Array {
  const r = reluActivation(pre);
  const z = new Float64Array(pre.length);
  for (const i of topIndices(r, k * B)) z[i] = r[i]!;
  return z;
}

/** z = pre · H(pre − θ), θ = exp(log_threshold); H(0) = 0. */
export function jumpReluActivation(pre: Float64Array, logThreshold: ArrayLike<number>, dSae: number): Float64Array {
  const theta = Float64Array.from(logThreshold, Math.exp);
  return pre.map((v, i) => (v > theta[i % dSae]! ? v : 0));
}

/** BatchTopK at inference: z = pre · [pre > θ_batch] (SAELens saves it as a JumpReLU with this θ). */
export function batchThresholdActivation(pre: Float64Array, thetaBatch: number): Float64Array {
  return pre.map((v) => (v > thetaBatch ? v : 0));
}

/** x_hat = z · W_dec + b_dec. */
export function decode(z: Float64Array, p: Pick<ReferenceParams, 'W_dec' | 'b_dec'>, d: Dims): Float64Array {
  const { B, dIn, dSae } = d;
  const xHat = new Float64Array(B * dIn);
  for (let b = 0; b < B; b++) {
    const out = b * dIn;
    for (let j = 0; j < dSae; j++) {
      const a = z[b * dSae + j]!;
      if (a === 0) continue;
      const w = j * dIn;
      for (let i = 0; i < dIn; i++) xHat[out + i] += a * p.W_dec[w + i]!;
    }
    for (let i = 0; i < dIn; i++) xHat[out + i] += p.b_dec[i]!;
  }
  return xHat;
}

type ActivationConfig = Pick<SaeConfig, 'architecture' | 'apply_b_dec_to_input' | 'k'>;

function requireK(cfg: ActivationConfig): number {
  if (cfg.k === undefined) throw new ConfigError(`${cfg.architecture} needs k in its config.`);
  return cfg.k;
}

function requireLogThreshold(p: ReferenceParams): Float64Array {
  if (!p.log_threshold) throw new ParamShapeError('jumprelu needs log_threshold among its parameters.');
  return p.log_threshold;
}

/** The activation used while training (BatchTopK selects over the batch). */
export function trainingActivation(cfg: ActivationConfig, p: ReferenceParams, pre: Float64Array, d: Dims): Float64Array {
  switch (cfg.architecture) {
    case 'relu':
      return reluActivation(pre);
    case 'topk':
      return topkActivation(pre, d.B, d.dSae, requireK(cfg));
    case 'batchtopk':
      return batchTopkActivation(pre, d.B, requireK(cfg));
    case 'jumprelu':
      return jumpReluActivation(pre, requireLogThreshold(p), d.dSae);
  }
}

export function trainingForward(cfg: ActivationConfig, p: ReferenceParams, x: ArrayLike<number>, d: Dims): ForwardResult {
  const { xIn, hiddenPre } = encodePre(x, p, d, cfg.apply_b_dec_to_input);
  const featureActs = trainingActivation(cfg, p, hiddenPre, d);
  return { xIn, hiddenPre, featureActs, xHat: decode(featureActs, p, d) };
}

/**
 * The forward pass of a trained SAE: as in training, except BatchTopK, which uses its learned threshold
 * (so a row's output does not depend on the rest of the batch).
 */
export function inferenceForward(
  cfg: ActivationConfig,
  p: ReferenceParams,
  x: ArrayLike<number>,
  d: Dims,
  thresholdBatch: number | null,
): ForwardResult {
  if (cfg.architecture !== 'batchtopk') return trainingForward(cfg, p, x, d);
  if (thresholdBatch === null) throw new ConfigError('A BatchTopK SAE needs its learned threshold for inference.');
  const { xIn, hiddenPre } = encodePre(x, p, d, cfg.apply_b_dec_to_input);
  const featureActs = batchThresholdActivation(hiddenPre, thresholdBatch);
  return { xIn, hiddenPre, featureActs, xHat: decode(featureActs, p, d) };
}
