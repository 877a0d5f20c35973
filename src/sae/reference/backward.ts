// Loss and gradients of one batch (SAE_SPEC.md "Loss" and "Gradients through the discontinuities"), before
// any projection, clipping or optimizer step.
//
// One mask serves every architecture: the gradient reaches pre_j exactly where z_j > 0. For relu that is
// relu'(pre) (0 at pre = 0, as in PyTorch); for topk/batchtopk it is "kept and positive"; for jumprelu it is
// H(pre − θ) because θ = exp(·) > 0, so pre > θ implies z = pre > 0.
import type { SaeConfig } from '../config';
import { l1Weight } from '../schedules';
import { trainingForward, type Dims, type ForwardResult } from './forward';
import { auxKLoss, deadLatents, decoderRowNorms, l0Sparsity, l1Sparsity, mseLoss, type AuxKTerm } from './loss';
import { zerosLike, type ReferenceParams } from './params';

export interface LossTerms {
  loss: number;
  mse: number;
  sparsity: number;
  aux: number;
}

export interface LossAndGradients {
  forward: ForwardResult;
  terms: LossTerms;
  grads: ReferenceParams;
}

export interface StepContext {
  /** the step index (drives the L1 warm-up) */
  step: number;
  /** per latent, as before this step (drives AuxK) */
  stepsSinceFired: ArrayLike<number>;
}

/** The rectangle kernel K(u) = [|u| < ½]. */
export function rectangleKernel(u: number): number {
  return Math.abs(u) < 0.5 ? 1 : 0;
}

export function lossAndGradients(
  cfg: SaeConfig,
  p: ReferenceParams,
  x: ArrayLike<number>,
  B: number,
  ctx: StepContext,
): LossAndGradients {
  const dIn = cfg.d_in;
  const dSae = cfg.d_sae;
  const d: Dims = { B, dIn, dSae };
  const fwd = trainingForward(cfg, p, x, d);
  const { xIn, hiddenPre: pre, featureActs: z, xHat } = fwd;
  const g = zerosLike(p);

  // MSE: dL/dx_hat = 2 (x_hat − x) / B
  const mse = mseLoss(x, xHat, B);
  const dXhat = new Float64Array(B * dIn);
  for (let i = 0; i < dXhat.length; i++) dXhat[i] = (2 * (xHat[i]! - x[i]!)) / B;

  // dL/dz = dXhat · W_dec^T; dL/dW_dec = z^T · dXhat; dL/db_dec (decoder side) = Σ_b dXhat
  const dz = new Float64Array(B * dSae);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < dSae; j++) {
      let s = 0;
      for (let i = 0; i < dIn; i++) s += dXhat[b * dIn + i]! * p.W_dec[j * dIn + i]!;
      dz[b * dSae + j] = s;
      const a = z[b * dSae + j]!;
      if (a !== 0) for (let i = 0; i < dIn; i++) g.W_dec[j * dIn + i] += a * dXhat[b * dIn + i]!;
    }
    for (let i = 0; i < dIn; i++) g.b_dec[i] += dXhat[b * dIn + i]!;
  }

  let sparsity = 0;
  let aux = 0;
  let auxTerm: AuxKTerm | null = null;
  if (cfg.architecture === 'relu') {
    const c = (cfg.l1_coefficient ?? 0) * l1Weight(cfg, ctx.step);
    const norms = decoderRowNorms(p.W_dec, dSae, dIn);
    sparsity = l1Sparsity(z, norms, c, B);
    for (let j = 0; j < dSae; j++) {
      let zSum = 0;
      for (let b = 0; b < B; b++) {
        dz[b * dSae + j] += (c * norms[j]!) / B;
        zSum += z[b * dSae + j]!;
      }
      // ∂‖w‖/∂w = w/‖w‖; a zero row has no direction, its subgradient is taken as 0
      if (norms[j]! > 0) {
        const f = (c * zSum) / B / norms[j]!;
        for (let i = 0; i < dIn; i++) g.W_dec[j * dIn + i] += f * p.W_dec[j * dIn + i]!;
      }
    }
  } else if (cfg.architecture === 'jumprelu') {
    sparsity = l0Sparsity(pre, p.log_threshold!, cfg.l0_coefficient ?? 0, B);
  } else {
    const dead = deadLatents(ctx.stepsSinceFired, cfg.dead_steps_threshold);
    auxTerm = auxKLoss(pre, x, xHat, p.W_dec, dead, { kAux: cfg.k_aux ?? 1, auxCoefficient: cfg.aux_coefficient ?? 0 }, d);
    if (auxTerm) aux = auxTerm.aux;
  }

  // dL/dpre through the activation
  const dPre = new Float64Array(B * dSae);
  for (let i = 0; i < dPre.length; i++) if (z[i]! > 0) dPre[i] = dz[i]!;

  if (auxTerm) {
    // e is detached: the aux gradient reaches W_dec (via e_hat) and pre (via z_aux) only.
    const { zAux, diff, scale } = auxTerm;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < dSae; j++) {
        const a = zAux[b * dSae + j]!;
        if (a <= 0) continue;
        let s = 0;
        for (let i = 0; i < dIn; i++) {
          const dE = (2 * scale * diff[b * dIn + i]!) / B;
          g.W_dec[j * dIn + i] += a * dE;
          s += dE * p.W_dec[j * dIn + i]!;
        }
        dPre[b * dSae + j] += s;
      }
    }
  }

  if (cfg.architecture === 'jumprelu') {
    // Straight-through pseudo-gradient for θ (rectangle kernel), then the chain rule to log θ.
    const eps = cfg.bandwidth ?? 0.001;
    const c = cfg.l0_coefficient ?? 0;
    const logT = p.log_threshold!;
    const gLog = g.log_threshold!;
    for (let j = 0; j < dSae; j++) {
      const theta = Math.exp(logT[j]!);
      let gTheta = 0;
      for (let b = 0; b < B; b++) {
        const k = rectangleKernel((pre[b * dSae + j]! - theta) / eps);
        if (k === 0) continue;
        gTheta += -(theta / eps) * dz[b * dSae + j]! - c / B / eps;
      }
      gLog[j] = gTheta * theta;
    }
  }

  // Encoder: dW_enc = x_in^T · dPre; db_enc = Σ_b dPre; x_in = x − b_dec adds −Σ_b dPre · W_enc^T to db_dec.
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < dSae; j++) {
      const gp = dPre[b * dSae + j]!;
      if (gp === 0) continue;
      g.b_enc[j] += gp;
      for (let i = 0; i < dIn; i++) {
        g.W_enc[i * dSae + j] += xIn[b * dIn + i]! * gp;
        if (cfg.apply_b_dec_to_input) g.b_dec[i] -= gp * p.W_enc[i * dSae + j]!;
      }
    }
  }

  return { forward: fwd, terms: { loss: mse + sparsity + aux, mse, sparsity, aux }, grads: g };
}
