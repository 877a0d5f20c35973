// Loss terms of SAE_SPEC.md "Loss": MSE, decoder-norm-weighted L1 (relu), L0 (jumprelu), AuxK (topk and
// batchtopk, only while some latent is dead).
import type { Dims } from './forward';
import { topIndices } from './select';

/** mean over rows of Σ_d (x_hat − x)². */
export function mseLoss(x: ArrayLike<number>, xHat: Float64Array, B: number): number {
  let s = 0;
  for (let i = 0; i < xHat.length; i++) {
    const e = xHat[i]! - x[i]!;
    s += e * e;
  }
  return s / B;
}

/** ‖W_dec[j]‖₂ for every latent j. */
export function decoderRowNorms(W_dec: Float64Array, dSae: number, dIn: number): Float64Array {
  const norms = new Float64Array(dSae);
  for (let j = 0; j < dSae; j++) {
    let s = 0;
    for (let i = 0; i < dIn; i++) s += W_dec[j * dIn + i]! ** 2;
    norms[j] = Math.sqrt(s);
  }
  return norms;
}

/** coefficient · mean_b Σ_j z_j ‖W_dec[j]‖ (coefficient = l1_coefficient · w_l1(step)). */
export function l1Sparsity(z: Float64Array, norms: Float64Array, coefficient: number, B: number): number {
  const dSae = norms.length;
  let s = 0;
  for (let i = 0; i < z.length; i++) s += z[i]! * norms[i % dSae]!;
  return (coefficient * s) / B;
}

/** coefficient · mean_b Σ_j H(pre_j − θ_j), H(0) = 0. */
export function l0Sparsity(pre: Float64Array, logThreshold: ArrayLike<number>, coefficient: number, B: number): number {
  const dSae = logThreshold.length;
  const theta = Float64Array.from(logThreshold, Math.exp);
  let count = 0;
  for (let i = 0; i < pre.length; i++) if (pre[i]! > theta[i % dSae]!) count++;
  return (coefficient * count) / B;
}

/** dead_j = steps_since_fired_j ≥ dead_steps_threshold. */
export function deadLatents(stepsSinceFired: ArrayLike<number>, deadStepsThreshold: number): number[] {
  const dead: number[] = [];
  for (let j = 0; j < stepsSinceFired.length; j++) if (stepsSinceFired[j]! >= deadStepsThreshold) dead.push(j);
  return dead;
}

export interface AuxKTerm {
  aux: number;
  /** aux_coefficient · min(n_dead / k_aux, 1) */
  scale: number;
  /** relu of the k_a largest pre among dead latents per row, others 0; [B, d_sae] */
  zAux: Float64Array;
  /** e_hat − e with e = x − x_hat (detached) and e_hat = z_aux · W_dec (no b_dec); [B, d_in] */
  diff: Float64Array;
}

/** AuxK on the dead latents; null when none is dead (the term is then 0 and has no gradient). */
export function auxKLoss(
  pre: Float64Array,
  x: ArrayLike<number>,
  xHat: Float64Array,
  W_dec: Float64Array,
  dead: number[],
  opts: { kAux: number; auxCoefficient: number },
  d: Dims,
): AuxKTerm | null {
  const { B, dIn, dSae } = d;
  if (dead.length === 0) return null;
  const kA = Math.min(opts.kAux, dead.length);
  const scale = opts.auxCoefficient * Math.min(dead.length / opts.kAux, 1);
  const zAux = new Float64Array(B * dSae);
  for (let b = 0; b < B; b++) {
    const row = pre.subarray(b * dSae, (b + 1) * dSae);
    for (const j of topIndices(row, kA, dead)) zAux[b * dSae + j] = row[j]! > 0 ? row[j]! : 0;
  }
  const diff = new Float64Array(B * dIn);
  let s = 0;
  for (let b = 0; b < B; b++) {
    for (const j of dead) {
      const a = zAux[b * dSae + j]!;
      if (a === 0) continue;
      for (let i = 0; i < dIn; i++) diff[b * dIn + i] += a * W_dec[j * dIn + i]!;
    }
    for (let i = 0; i < dIn; i++) {
      const k = b * dIn + i;
      diff[k] -= x[k]! - xHat[k]!;
      s += diff[k]! ** 2;
    }
  }
  return { aux: (scale * s) / B, scale, zAux, diff };
}
