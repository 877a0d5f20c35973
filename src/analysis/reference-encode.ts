// Latent activations of a trained SAE on a batch, from the CPU float64 reference (SAE_SPEC "Forward",
// inference form), as float32: the CPU path of extraction and the twin the GPU encoder is tested against.
import type { SaeConfig, SaeParams } from '../sae/config';
import { encodePre, inferenceForward, toReferenceParams, type ReferenceParams } from '../sae/reference';

export type EncodeConfig = Pick<SaeConfig, 'architecture' | 'apply_b_dec_to_input' | 'k' | 'd_in' | 'd_sae'>;

export function referenceParams(cfg: EncodeConfig, params: SaeParams): ReferenceParams {
  return toReferenceParams(params, cfg);
}

/** z [B, d_sae] for x [B, d_in]; BatchTopK needs its learned θ_batch. */
export function referenceLatents(cfg: EncodeConfig, params: ReferenceParams, x: ArrayLike<number>, B: number, thresholdBatch: number | null = null): Float32Array {
  const d = { B, dIn: cfg.d_in, dSae: cfg.d_sae };
  return Float32Array.from(inferenceForward(cfg, params, x, d, thresholdBatch).featureActs);
}

/** Pre-activations [B, d_sae] (float64), for tests that need to know how close a value is to a threshold. */
export function referencePre(cfg: EncodeConfig, params: ReferenceParams, x: ArrayLike<number>, B: number): Float64Array {
  return encodePre(x, params, { B, dIn: cfg.d_in, dSae: cfg.d_sae }, cfg.apply_b_dec_to_input).hiddenPre;
}
