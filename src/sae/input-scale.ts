// Input scaling (SAE_SPEC.md "Initialisation"): train on x_used = s·x with E‖s·x‖ = √d_in, then fold s
// into the weights so the exported SAE works on raw activations.
//
// With x_used = s·x:  pre_used = (s·x − b_dec)·W_enc + b_enc = s·((x − b_dec/s)·W_enc + b_enc/s) = s·pre_raw.
// Every activation commutes with a positive scale when its threshold scales too (relu, top-k selection,
// pre > θ ⇔ pre_raw > θ/s), so z_used = s·z_raw, and x̂_used = z_used·W_dec + b_dec = s·(z_raw·W_dec + b_dec/s).
// Hence the folded SAE keeps W_enc and W_dec, divides b_dec, b_enc and the thresholds by s, and returns
// x̂_raw = x̂_used / s.
import type { Architecture, SaeParams } from './config';

export class InputScaleError extends Error {
  override name = 'InputScaleError';
}

/** s = √d_in / mean_i ‖x_i‖ over a sample [n, d_in]. */
export function estimateInputScale(sample: ArrayLike<number>, n: number, dIn: number): number {
  if (n < 1 || sample.length !== n * dIn) {
    throw new InputScaleError(`The scale sample must be [n, d_in] (got ${sample.length} values for n=${n}, d_in=${dIn}).`);
  }
  let total = 0;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < dIn; i++) s += sample[r * dIn + i]! ** 2;
    total += Math.sqrt(s);
  }
  const meanNorm = total / n;
  if (!(meanNorm > 0) || !Number.isFinite(meanNorm)) {
    throw new InputScaleError('Cannot scale activations whose mean norm is zero or not finite.');
  }
  return Math.sqrt(dIn) / meanNorm;
}

export interface FoldedSae {
  params: SaeParams;
  /** BatchTopK inference threshold in raw units (null when there is none) */
  thresholdBatch: number | null;
}

/** Weights (and BatchTopK threshold) that act on raw x for an SAE trained on s·x. Returns fresh arrays. */
export function foldInputScale(params: SaeParams, s: number, arch: Architecture, thresholdBatch: number | null = null): FoldedSae {
  if (!(s > 0) || !Number.isFinite(s)) throw new InputScaleError(`The input scale must be a positive number (got ${s}).`);
  const folded: SaeParams = {
    W_enc: params.W_enc.slice(),
    W_dec: params.W_dec.slice(),
    b_enc: params.b_enc.map((v) => v / s),
    b_dec: params.b_dec.map((v) => v / s),
  };
  if (arch === 'jumprelu') {
    if (!params.log_threshold) throw new InputScaleError('A JumpReLU SAE needs log_threshold to fold the input scale.');
    const logS = Math.log(s);
    folded.log_threshold = params.log_threshold.map((v) => v - logS);
  }
  return { params: folded, thresholdBatch: thresholdBatch === null ? null : thresholdBatch / s };
}
