// Adam with bias correction (spec step 4), fused with the decoder renormalisation (step 5) for W_dec,
// and the decoder row norms the relu L1 term needs. Parameters stop changing once a step has diverged.
// #include sae_common.wgsl

const WG: u32 = 256u;

// #include wg_reduce.wgsl

struct AdamParams {
  n: u32, // adam: elements
  rows: u32, // adam_rows, decoder_norms
  cols: u32,
  pad0: u32,
}

@group(0) @binding(0) var<uniform> params: AdamParams;
@group(0) @binding(1) var<uniform> dims: SaeDims;
@group(0) @binding(2) var<uniform> step_info: StepInfo;
@group(0) @binding(3) var<storage, read> scalars: TrainerScalars;
@group(0) @binding(4) var<storage, read_write> param: array<f32>;
@group(0) @binding(5) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(6) var<storage, read_write> moment2: array<f32>;
@group(0) @binding(7) var<storage, read> grad: array<f32>;
@group(0) @binding(8) var<storage, read> rows_in: array<f32>;
@group(0) @binding(9) var<storage, read_write> norms: array<f32>;

// m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  p ← p − lr · m̂ / (√v̂ + ε), g scaled by the clip factor.
fn adam_update(i: u32, scale: f32) -> f32 {
  let gi = grad[i] * scale;
  let mi = dims.beta1 * moment1[i] + (1.0 - dims.beta1) * gi;
  let vi = dims.beta2 * moment2[i] + (1.0 - dims.beta2) * gi * gi;
  moment1[i] = mi;
  moment2[i] = vi;
  let m_hat = mi / step_info.bias_correction1;
  let v_hat = vi / step_info.bias_correction2;
  let pi = param[i] - (step_info.lr * m_hat) / (sqrt(v_hat) + dims.adam_eps);
  param[i] = pi;
  return pi;
}

@compute @workgroup_size(WG)
fn adam(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let i = linear_group(wg, nwg) * WG + t;
  if (i >= params.n || scalars.diverged != 0u) {
    return;
  }
  _ = adam_update(i, scalars.clip_scale);
}

// Adam on a [rows, cols] matrix, then each row divided by its norm (a zero row stays zero).
@compute @workgroup_size(WG)
fn adam_rows_renorm(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows || scalars.diverged != 0u) {
    return;
  }
  let scale = scalars.clip_scale;
  let base = row * params.cols;
  var sq = 0.0;
  for (var c = t; c < params.cols; c += WG) {
    let pi = adam_update(base + c, scale);
    sq += pi * pi;
  }
  let norm = sqrt(wg_sum(t, sq));
  if (norm > 0.0) {
    for (var c = t; c < params.cols; c += WG) {
      param[base + c] = param[base + c] / norm;
    }
  }
}

// norms[j] = ‖rows_in[j, :]‖ for a [rows, cols] matrix, one workgroup per row.
@compute @workgroup_size(WG)
fn decoder_norms(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows) {
    return;
  }
  var sq = 0.0;
  for (var c = t; c < params.cols; c += WG) {
    let x = rows_in[row * params.cols + c];
    sq += x * x;
  }
  let total = wg_sum(t, sq);
  if (t == 0u) {
    norms[row] = sqrt(total);
  }
}
