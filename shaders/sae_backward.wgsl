// Parameter gradients. Sparse path (TopK/BatchTopK): one workgroup per latent sums over that latent's
// (row, z) list from counting_sort.wgsl, so the cost is ∝ k·B·d_in rather than d_sae·B·d_in. Dense path
// (relu/JumpReLU): column reductions over [B, d_sae] matrices. Both: dL/db_dec and the decoder projection.
// #include sae_common.wgsl

const WG: u32 = 256u;
// latent_backward: columns d each invocation owns (≥ ceil(d_in / WG))
const DPT: u32 = 4u;
// latent_backward: invocations that cooperate on one entry's dot products (divides WG, power of two)
const LANES: u32 = 32u;
// col_partials: rows summed per workgroup
const ROWS_PER_SPLIT: u32 = 256u;
// col_partials: true → rows are weighted by `weights`
const WEIGHTED: bool = false;

// #include wg_reduce.wgsl

struct ColParams {
  rows: u32,
  cols: u32,
  splits: u32, // bdec_finish: splits of partials_a
  splits_b: u32, // bdec_finish: splits of partials_b
}

@group(0) @binding(0) var<uniform> dims: SaeDims;
@group(0) @binding(1) var<uniform> step_info: StepInfo;
@group(0) @binding(2) var<storage, read> lat_offset: array<u32>; // [d_sae + 1]
@group(0) @binding(3) var<storage, read> csc: array<vec2u>; // (row | flags, bits of z), see counting_sort.wgsl
@group(0) @binding(4) var<storage, read> gx: array<f32>; // [2, B, d_in]: dL/dx_hat, dAux/de_hat
@group(0) @binding(5) var<storage, read> x_in: array<f32>; // [B, d_in]
@group(0) @binding(6) var<storage, read> w_dec: array<f32>; // [d_sae, d_in]
@group(0) @binding(7) var<storage, read_write> g_wdec: array<f32>; // [d_sae, d_in]
@group(0) @binding(8) var<storage, read_write> g_wenc: array<f32>; // W_enc gradient, stored transposed [d_sae, d_in]
@group(0) @binding(9) var<storage, read_write> g_benc: array<f32>; // [d_sae]
@group(0) @binding(10) var<storage, read> dpre: array<f32>; // dense [B, d_sae]
@group(0) @binding(11) var<storage, read> z: array<f32>; // dense [B, d_sae]
@group(0) @binding(12) var<storage, read_write> z_colsum: array<f32>; // [d_sae]
@group(0) @binding(13) var<storage, read_write> ssf: array<u32>;
@group(0) @binding(14) var<storage, read> pre: array<f32>; // dense [B, d_sae]
@group(0) @binding(15) var<storage, read> dz: array<f32>; // dense [B, d_sae]
@group(0) @binding(16) var<storage, read> log_threshold: array<f32>;
@group(0) @binding(17) var<storage, read_write> g_logthr: array<f32>;
@group(0) @binding(18) var<uniform> col_params: ColParams;
@group(0) @binding(19) var<storage, read> mat: array<f32>; // col_partials input [rows, cols]
@group(0) @binding(20) var<storage, read> weights: array<f32>; // col_partials row weights
@group(0) @binding(21) var<storage, read_write> partials: array<f32>; // [splits, cols]
@group(0) @binding(22) var<storage, read> partials_a: array<f32>;
@group(0) @binding(23) var<storage, read> partials_b: array<f32>;
@group(0) @binding(24) var<storage, read_write> g_bdec: array<f32>;

const CSC_MAIN: u32 = 0x80000000u;
const CSC_AUX: u32 = 0x40000000u;
const CSC_ROW: u32 = 0x3fffffffu;

var<workgroup> ent_sh: array<vec2u, WG>;
var<workgroup> dpre_sh: array<f32, WG>;

// One workgroup per latent j, over its list of rows b (kept by TopK/BatchTopK and/or AuxK):
//   dL/dpre_bj = [main]·g_b·W_dec[j] + [aux]·gaux_b·W_dec[j]           (z_bj > 0 on every listed entry)
//   dW_dec[j]  = Σ_b z_bj·([main]·g_b + [aux]·gaux_b), then the projection g ← g − (g·w)w if normalizing
//   dW_enc[:, j] = Σ_b dL/dpre_bj · x_in_b  (stored as row j of the transposed gradient)
//   db_enc[j]  = Σ_b dL/dpre_bj
// A latent with an empty list gets zero gradients. Sums run in list (= row) order: deterministic.
@compute @workgroup_size(WG)
fn latent_backward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = linear_group(wg, nwg);
  if (j >= dims.d_sae) {
    return;
  }
  let D = dims.d_in;
  let B = step_info.batch;
  let start = lat_offset[j];
  let count = lat_offset[j + 1u] - start;
  let wrow = j * D;
  var acc_dec: array<f32, DPT>;
  var acc_enc: array<f32, DPT>;
  var db = 0.0;
  let lane = t % LANES;
  let group = t / LANES;
  let groups = WG / LANES;
  for (var c0 = 0u; c0 < count; c0 += WG) {
    let n = min(WG, count - c0);
    if (t < n) {
      ent_sh[t] = csc[start + c0 + t];
    }
    workgroupBarrier();
    // dL/dpre of the chunk's entries: LANES invocations per entry, `groups` entries at a time
    for (var e0 = 0u; e0 < n; e0 += groups) {
      let e = e0 + group;
      var part = 0.0;
      if (e < n) {
        let tag = ent_sh[e].x;
        let b = tag & CSC_ROW;
        let main_w = select(0.0, 1.0, (tag & CSC_MAIN) != 0u);
        let aux_w = select(0.0, 1.0, (tag & CSC_AUX) != 0u);
        for (var d = lane; d < D; d += LANES) {
          let gsum = main_w * gx[b * D + d] + aux_w * gx[(B + b) * D + d];
          part += gsum * w_dec[wrow + d];
        }
      }
      wg_red[t] = part;
      workgroupBarrier();
      for (var off = LANES / 2u; off > 0u; off >>= 1u) {
        if (lane < off) {
          wg_red[t] += wg_red[t + off];
        }
        workgroupBarrier();
      }
      if (lane == 0u && e < n) {
        dpre_sh[e] = wg_red[t];
      }
      workgroupBarrier();
    }
    if (t == 0u) {
      for (var i = 0u; i < n; i++) {
        db += dpre_sh[i];
      }
    }
    for (var q = 0u; q < DPT; q++) {
      let d = t + q * WG;
      if (d < D) {
        var ad = acc_dec[q];
        var ae = acc_enc[q];
        for (var i = 0u; i < n; i++) {
          let en = ent_sh[i];
          let b = en.x & CSC_ROW;
          let zv = bitcast<f32>(en.y);
          let main_w = select(0.0, 1.0, (en.x & CSC_MAIN) != 0u);
          let aux_w = select(0.0, 1.0, (en.x & CSC_AUX) != 0u);
          ad += zv * (main_w * gx[b * D + d] + aux_w * gx[(B + b) * D + d]);
          ae += dpre_sh[i] * x_in[b * D + d];
        }
        acc_dec[q] = ad;
        acc_enc[q] = ae;
      }
    }
    workgroupBarrier();
  }
  if (dims.normalize_decoder != 0u) {
    var dot = 0.0;
    for (var q = 0u; q < DPT; q++) {
      let d = t + q * WG;
      if (d < D) {
        dot += acc_dec[q] * w_dec[wrow + d];
      }
    }
    let total = wg_sum(t, dot);
    for (var q = 0u; q < DPT; q++) {
      let d = t + q * WG;
      if (d < D) {
        acc_dec[q] -= total * w_dec[wrow + d];
      }
    }
  }
  for (var q = 0u; q < DPT; q++) {
    let d = t + q * WG;
    if (d < D) {
      g_wdec[wrow + d] = acc_dec[q];
      g_wenc[wrow + d] = acc_enc[q];
    }
  }
  if (t == 0u) {
    g_benc[j] = db;
  }
}

// Dense relu, one invocation per latent: db_enc = Σ_b dL/dpre, Σ_b z (for the L1 term of dW_dec), and
// spec step 6 (steps_since_fired) fused since the column of z is being read anyway.
@compute @workgroup_size(WG)
fn col_reduce_relu(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = linear_group(wg, nwg) * WG + t;
  let S = dims.d_sae;
  if (j >= S) {
    return;
  }
  var db = 0.0;
  var zs = 0.0;
  for (var b = 0u; b < step_info.batch; b++) {
    db += dpre[b * S + j];
    zs += z[b * S + j];
  }
  g_benc[j] = db;
  z_colsum[j] = zs;
  let s = ssf[j];
  ssf[j] = select(select(s + 1u, s, s == 0xffffffffu), 0u, zs > 0.0);
}

// Dense JumpReLU, one invocation per latent: db_enc = Σ_b dL/dpre, and the straight-through gradient of
// log θ: ∂L/∂θ = Σ_b K((pre − θ)/ε)·(−(θ/ε)·dL/dz − l0_coefficient/(B·ε)), ∂L/∂log θ = θ·∂L/∂θ, with the
// rectangle kernel K(u) = [|u| < ½]. Also spec step 6 (fired ⇔ some pre > θ).
@compute @workgroup_size(WG)
fn col_reduce_jumprelu(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = linear_group(wg, nwg) * WG + t;
  let S = dims.d_sae;
  if (j >= S) {
    return;
  }
  let B = step_info.batch;
  let theta = exp(log_threshold[j]);
  let eps = dims.bandwidth;
  let l0_term = dims.l0_coefficient / f32(B) / eps;
  var db = 0.0;
  var gtheta = 0.0;
  var fired = false;
  for (var b = 0u; b < B; b++) {
    let idx = b * S + j;
    let p = pre[idx];
    db += dpre[idx];
    fired = fired || p > theta;
    if (abs((p - theta) / eps) < 0.5) {
      gtheta += -(theta / eps) * dz[idx] - l0_term;
    }
  }
  g_benc[j] = db;
  g_logthr[j] = gtheta * theta;
  let s = ssf[j];
  ssf[j] = select(select(s + 1u, s, s == 0xffffffffu), 0u, fired);
}

// Dense path, normalize_decoder: g_j ← g_j − (g_j·W_dec[j]) W_dec[j], one workgroup per row.
@compute @workgroup_size(WG)
fn project_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = linear_group(wg, nwg);
  if (j >= dims.d_sae) {
    return;
  }
  let D = dims.d_in;
  var dot = 0.0;
  for (var d = t; d < D; d += WG) {
    dot += g_wdec[j * D + d] * w_dec[j * D + d];
  }
  let total = wg_sum(t, dot);
  for (var d = t; d < D; d += WG) {
    g_wdec[j * D + d] -= total * w_dec[j * D + d];
  }
}

// Partial column sums of mat [rows, cols] (optionally row-weighted): partials[s, c] = Σ over the rows of
// split s. Workgroup (WG invocations over columns) per (column block, split).
@compute @workgroup_size(WG)
fn col_partials(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let c = wg.x * WG + t;
  let s = wg.y;
  if (c >= col_params.cols) {
    return;
  }
  let r0 = s * ROWS_PER_SPLIT;
  let r1 = min(r0 + ROWS_PER_SPLIT, col_params.rows);
  var acc = 0.0;
  for (var r = r0; r < r1; r++) {
    var v = mat[r * col_params.cols + c];
    if (WEIGHTED) {
      v *= weights[r];
    }
    acc += v;
  }
  partials[s * col_params.cols + c] = acc;
}

// dL/db_dec = Σ_b dL/dx_hat − [apply_b_dec_to_input]·W_enc·db_enc, from the two partial-sum sets
// (partials_a: Σ_b g; partials_b: Σ_j db_enc[j]·W_encᵀ[j, :]).
@compute @workgroup_size(WG)
fn bdec_finish(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let d = wg.x * WG + t;
  let D = col_params.cols;
  if (d >= D) {
    return;
  }
  var ga = 0.0;
  for (var s = 0u; s < col_params.splits; s++) {
    ga += partials_a[s * D + d];
  }
  var gb = 0.0;
  if (dims.apply_b_dec != 0u) {
    for (var s = 0u; s < col_params.splits_b; s++) {
      gb += partials_b[s * D + d];
    }
  }
  g_bdec[d] = ga - gb;
}
