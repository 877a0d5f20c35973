// Structures shared by the SAE trainer kernels. Included (`// #include sae_common.wgsl`), not compiled alone.

// Fixed for a trainer's lifetime.
struct SaeDims {
  d_in: u32,
  d_sae: u32,
  k: u32,
  k_aux: u32,
  dead_steps: u32,
  apply_b_dec: u32,
  normalize_decoder: u32,
  pad0: u32,
  aux_coefficient: f32,
  l0_coefficient: f32,
  bandwidth: f32,
  threshold_momentum: f32,
  beta1: f32,
  beta2: f32,
  adam_eps: f32,
  grad_clip: f32, // 0: no clipping
}

// Changes every step; written with queue.writeBuffer before the step's commands are submitted.
struct StepInfo {
  step: u32,
  slot: u32, // metrics slot of this step
  batch: u32, // B
  pad0: u32,
  lr: f32,
  l1_coefficient: f32, // l1_coefficient · w_l1(step) (relu)
  bias_correction1: f32, // 1 − β1^t
  bias_correction2: f32, // 1 − β2^t
}

// Trainer scalars that live on the GPU between steps.
struct TrainerScalars {
  n_dead: u32, // latents dead before the next step (AuxK)
  diverged: u32, // sticky: a step's loss was not finite; parameters stop changing from then on
  diverged_step: u32,
  threshold_set: u32, // batchtopk: θ_batch has been observed
  threshold: f32, // batchtopk θ_batch
  clip_scale: f32, // this step's gradient scale (1 without clipping)
  grad_norm: f32, // this step's global gradient norm (when clipping)
  pad0: u32,
}

// Per-row partial sums written by the row kernels and folded by finalize_metrics.
const ROW_STATS: u32 = 8u;
const RS_SQERR: u32 = 0u; // Σ_d (x_hat − x)²
const RS_L0: u32 = 1u; // #(z > 0)
const RS_SPARSITY: u32 = 2u; // relu: Σ_j z_j ‖W_dec[j]‖
const RS_AUX: u32 = 3u; // Σ_d (e_hat − e)²
const RS_MIN_KEPT: u32 = 4u; // smallest kept z (batchtopk threshold), F32_MAX when none

// One metrics slot per step: loss, mse, sparsity, aux, l0, explained_variance, dead_fraction, lr.
const METRICS_WIDTH: u32 = 8u;

// WGSL constants cannot be infinite; the largest finite f32 stands for "none" in minimum reductions.
const F32_MAX: f32 = 0x1.fffffep+127f;

fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// Linear workgroup index of a 1-D problem laid out on a 2-D grid (see src/gpu/dispatch.ts).
fn linear_group(wg: vec3u, nwg: vec3u) -> u32 {
  return wg.x + wg.y * nwg.x;
}
