// Row-wise kernels around the decoder: the encoder input x_in, the sparse (gather) decode of TopK/BatchTopK
// and AuxK, the dense path's residual, and the per-row partial sums the metrics are folded from.
// #include sae_common.wgsl

const WG: u32 = 256u;

// #include wg_reduce.wgsl

struct RowParams {
  rows: u32, // B
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> params: RowParams;
@group(0) @binding(1) var<uniform> dims: SaeDims;
@group(0) @binding(2) var<storage, read> x: array<f32>; // [rows, d_in]
@group(0) @binding(3) var<storage, read> b_dec: array<f32>;
@group(0) @binding(4) var<storage, read> w_dec: array<f32>; // [d_sae, d_in]
@group(0) @binding(5) var<storage, read> row_ptr: array<vec2u>; // (start, count)
@group(0) @binding(6) var<storage, read> ent: array<vec2u>; // (latent, bits of z)
@group(0) @binding(7) var<storage, read_write> x_hat: array<f32>; // [rows, d_in]
@group(0) @binding(8) var<storage, read_write> gx: array<f32>; // [2, rows, d_in]: dL/dx_hat, then dAux/de_hat
@group(0) @binding(9) var<storage, read_write> row_stats: array<f32>; // [rows, ROW_STATS]
@group(0) @binding(10) var<storage, read> x_hat_view: array<f32>;
@group(0) @binding(11) var<storage, read> scalars: TrainerScalars;
@group(0) @binding(12) var<storage, read> z: array<f32>; // dense [rows, d_sae]
@group(0) @binding(13) var<storage, read> norms: array<f32>; // ‖W_dec[j]‖
@group(0) @binding(14) var<storage, read_write> x_in: array<f32>; // [rows, d_in]
@group(0) @binding(15) var<storage, read> x_f16: array<u32>; // [rows, d_in] as f16, two per word
@group(0) @binding(16) var<storage, read_write> x_out: array<f32>; // [rows, d_in]

var<workgroup> ent_sh: array<vec2u, WG>;

// x = f32 of an f16 batch (unpack2x16float is core WGSL: no shader-f16 needed), elementwise.
@compute @workgroup_size(WG)
fn unpack_f16(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let i = linear_group(wg, nwg) * WG + t;
  if (i >= params.rows * dims.d_in) {
    return;
  }
  x_out[i] = unpack2x16float(x_f16[i / 2u])[i % 2u];
}

// x_in = x − b_dec (or x), elementwise.
@compute @workgroup_size(WG)
fn input_minus_bias(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let i = linear_group(wg, nwg) * WG + t;
  if (i >= params.rows * dims.d_in) {
    return;
  }
  var v = x[i];
  if (dims.apply_b_dec != 0u) {
    v -= b_dec[i % dims.d_in];
  }
  x_in[i] = v;
}

// Σ z·W_dec[latent, d] over the list ent[start, start + count): staged through workgroup memory WG entries at
// a time and summed in list (latent) order. Every invocation calls it (barriers); each owns one column d,
// and d ≥ d_in gives 0.
fn gather_column(start: u32, count: u32, d: u32, t: u32) -> f32 {
  let D = dims.d_in;
  var acc = 0.0;
  for (var c0 = 0u; c0 < count; c0 += WG) {
    if (c0 + t < count) {
      ent_sh[t] = ent[start + c0 + t];
    }
    workgroupBarrier();
    let n = min(WG, count - c0);
    if (d < D) {
      for (var i = 0u; i < n; i++) {
        let e = ent_sh[i];
        acc += bitcast<f32>(e.y) * w_dec[e.x * D + d];
      }
    }
    workgroupBarrier();
  }
  return acc;
}

// x_hat = Σ z·W_dec[latent] + b_dec; g = dL/dx_hat = 2(x_hat − x)/B; row stats: Σ(x_hat − x)², l0, min z.
@compute @workgroup_size(WG)
fn sparse_decode(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows) {
    return;
  }
  let D = dims.d_in;
  let ptr = row_ptr[row];
  let start = ptr.x;
  let count = ptr.y;
  let two_over_b = 2.0 / f32(params.rows);
  var sq = 0.0;
  var zmin = F32_MAX;
  for (var i = t; i < count; i += WG) {
    zmin = min(zmin, bitcast<f32>(ent[start + i].y));
  }
  for (var d0 = 0u; d0 < D; d0 += WG) {
    let d = d0 + t;
    let acc = gather_column(start, count, d, t);
    if (d < D) {
      let idx = row * D + d;
      let xh = acc + b_dec[d];
      x_hat[idx] = xh;
      let r = xh - x[idx];
      gx[idx] = two_over_b * r;
      sq += r * r;
    }
  }
  let total = wg_sum(t, sq);
  let m = wg_min(t, zmin);
  if (t == 0u) {
    row_stats[row * ROW_STATS + RS_SQERR] = total;
    row_stats[row * ROW_STATS + RS_L0] = f32(count);
    row_stats[row * ROW_STATS + RS_MIN_KEPT] = m;
  }
}

// AuxK: e_hat = Σ z_aux·W_dec[latent] (no b_dec), e = x − x_hat (detached);
// dAux/de_hat = 2·scale·(e_hat − e)/B → gx[rows·d_in + ...]; row stat Σ(e_hat − e)².
// scale = aux_coefficient · min(n_dead / k_aux, 1) with n_dead as before this step.
@compute @workgroup_size(WG)
fn aux_decode(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows) {
    return;
  }
  let D = dims.d_in;
  let ptr = row_ptr[row];
  let start = ptr.x;
  let count = ptr.y;
  let scale = dims.aux_coefficient * min(f32(scalars.n_dead) / f32(dims.k_aux), 1.0);
  let g_scale = 2.0 * scale / f32(params.rows);
  var sq = 0.0;
  for (var d0 = 0u; d0 < D; d0 += WG) {
    let d = d0 + t;
    let acc = gather_column(start, count, d, t);
    if (d < D) {
      let idx = row * D + d;
      let diff = acc - (x[idx] - x_hat_view[idx]);
      gx[params.rows * D + idx] = g_scale * diff;
      sq += diff * diff;
    }
  }
  let total = wg_sum(t, sq);
  if (t == 0u) {
    row_stats[row * ROW_STATS + RS_AUX] = total;
  }
}

// Dense path (relu, jumprelu): g = 2(x_hat − x)/B from the matmul's x_hat; row stats Σ(x_hat − x)²,
// l0 = #(z > 0) and, for relu, Σ_j z_j ‖W_dec[j]‖.
@compute @workgroup_size(WG)
fn dense_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows) {
    return;
  }
  let D = dims.d_in;
  let S = dims.d_sae;
  let two_over_b = 2.0 / f32(params.rows);
  var sq = 0.0;
  for (var d = t; d < D; d += WG) {
    let idx = row * D + d;
    let r = x_hat_view[idx] - x[idx];
    gx[idx] = two_over_b * r;
    sq += r * r;
  }
  var l0 = 0.0;
  var l1 = 0.0;
  for (var j = t; j < S; j += WG) {
    let v = z[row * S + j];
    if (v > 0.0) {
      l0 += 1.0;
      l1 += v * norms[j];
    }
  }
  let sq_total = wg_sum(t, sq);
  let l0_total = wg_sum(t, l0);
  let l1_total = wg_sum(t, l1);
  if (t == 0u) {
    row_stats[row * ROW_STATS + RS_SQERR] = sq_total;
    row_stats[row * ROW_STATS + RS_L0] = l0_total;
    row_stats[row * ROW_STATS + RS_SPARSITY] = l1_total;
    row_stats[row * ROW_STATS + RS_AUX] = 0.0;
    row_stats[row * ROW_STATS + RS_MIN_KEPT] = F32_MAX;
  }
}
