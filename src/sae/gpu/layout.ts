// The trainer's GPU-side data layouts: uniform blocks (field order = the WGSL structs in
// shaders/sae_common.wgsl), the scalars block, row statistics and metrics slots.
import { UniformWriter } from '../../gpu/uniforms';
import type { Architecture, SaeConfig } from '../config';
import { l1Weight, learningRate } from '../schedules';

export const ARCH_CODE: Record<Architecture, number> = { relu: 0, topk: 1, batchtopk: 2, jumprelu: 3 };

/** Floats per row in the row-statistics buffer (ROW_STATS). */
export const ROW_STATS = 8;
/** Floats per step in the metrics buffer (METRICS_WIDTH): loss, mse, sparsity, aux, l0, ev, dead, lr. */
export const METRICS_WIDTH = 8;
/** u32 words of TrainerScalars. */
export const SCALARS_WORDS = 8;

/** Whether an architecture takes the sparse (∝ k) path. */
export function isSparse(arch: Architecture): boolean {
  return arch === 'topk' || arch === 'batchtopk';
}

/** SaeDims: fixed for the trainer's lifetime. */
export function saeDimsBlock(cfg: SaeConfig): ArrayBuffer {
  return new UniformWriter()
    .u32(cfg.d_in)
    .u32(cfg.d_sae)
    .u32(cfg.k ?? 0)
    .u32(cfg.k_aux ?? 1)
    .u32(cfg.dead_steps_threshold)
    .bool(cfg.apply_b_dec_to_input)
    .bool(cfg.normalize_decoder)
    .u32(0)
    .f32(cfg.aux_coefficient ?? 0)
    .f32(cfg.l0_coefficient ?? 0)
    .f32(cfg.bandwidth ?? 1)
    .f32(cfg.threshold_momentum ?? 0)
    .f32(cfg.adam_beta1)
    .f32(cfg.adam_beta2)
    .f32(cfg.adam_eps)
    .f32(cfg.grad_clip_norm ?? 0)
    .finish();
}

/** StepInfo of step `step` (from 0); bias corrections in float64 before rounding. */
export function stepInfoBlock(cfg: SaeConfig, step: number, slot: number, batch: number): ArrayBuffer {
  const t = step + 1;
  return new UniformWriter()
    .u32(step)
    .u32(slot)
    .u32(batch)
    .u32(0)
    .f32(learningRate(cfg, step))
    .f32(cfg.architecture === 'relu' ? (cfg.l1_coefficient ?? 0) * l1Weight(cfg, step) : 0)
    .f32(1 - cfg.adam_beta1 ** t)
    .f32(1 - cfg.adam_beta2 ** t)
    .finish();
}

export interface ScalarsValue {
  nDead: number;
  diverged: boolean;
  divergedStep: number;
  threshold: number | null;
  clipScale: number;
  gradNorm: number;
}

export function scalarsBlock(v: Pick<ScalarsValue, 'nDead' | 'threshold'>): ArrayBuffer {
  return new UniformWriter()
    .u32(v.nDead)
    .u32(0)
    .u32(0)
    .bool(v.threshold !== null)
    .f32(v.threshold ?? 0)
    .f32(1)
    .f32(0)
    .u32(0)
    .finish();
}

export function readScalars(bytes: ArrayBuffer): ScalarsValue {
  const u = new Uint32Array(bytes, 0, SCALARS_WORDS);
  const f = new Float32Array(bytes, 0, SCALARS_WORDS);
  return {
    nDead: u[0]!,
    diverged: u[1] !== 0,
    divergedStep: u[2]!,
    threshold: u[3] !== 0 ? f[4]! : null,
    clipScale: f[5]!,
    gradNorm: f[6]!,
  };
}
