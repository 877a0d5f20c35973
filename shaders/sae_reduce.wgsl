// Reductions to scalars: squared norms for global gradient clipping (spec step 3), the batch's column
// variances for explained variance, and the per-step metrics (also the dead count for the next step's AuxK,
// the BatchTopK threshold update, spec step 7, and the divergence flag). All in fixed order: deterministic.
// #include sae_common.wgsl

const WG: u32 = 256u;
// sumsq_partials: elements per invocation
const ITEMS: u32 = 8u;
// 0 relu, 1 topk, 2 batchtopk, 3 jumprelu
const ARCH: u32 = 0u;
// column_moments: rows per split
const ROWS_PER_SPLIT: u32 = 256u;

// #include wg_reduce.wgsl

struct ReduceParams {
  n: u32, // sumsq_partials: elements; clip_scale: partials
  out_offset: u32, // sumsq_partials: first partial written
  rows: u32, // B
  pad0: u32,
}

@group(0) @binding(0) var<uniform> params: ReduceParams;
@group(0) @binding(1) var<uniform> dims: SaeDims;
@group(0) @binding(2) var<uniform> step_info: StepInfo;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
@group(0) @binding(5) var<storage, read> partials_view: array<f32>;
@group(0) @binding(6) var<storage, read_write> scalars: TrainerScalars;
@group(0) @binding(7) var<storage, read> x: array<f32>; // [B, d_in]
@group(0) @binding(8) var<storage, read_write> colvar: array<f32>; // [d_in]
@group(0) @binding(9) var<storage, read> colvar_view: array<f32>;
@group(0) @binding(10) var<storage, read> row_stats: array<f32>; // [B, ROW_STATS]
@group(0) @binding(11) var<storage, read> ssf: array<u32>; // after this step's update
@group(0) @binding(12) var<storage, read_write> metrics: array<f32>; // [slots, METRICS_WIDTH]
@group(0) @binding(13) var<storage, read_write> moments: array<f32>; // [splits, d_in, 2]
@group(0) @binding(14) var<storage, read> moments_view: array<f32>;

// partials[out_offset + group] = Σ src² over the group's WG·ITEMS elements.
@compute @workgroup_size(WG)
fn sumsq_partials(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let group = linear_group(wg, nwg);
  let base = group * WG * ITEMS;
  if (base >= params.n) {
    return;
  }
  var acc = 0.0;
  for (var i = 0u; i < ITEMS; i++) {
    let idx = base + i * WG + t;
    if (idx < params.n) {
      let v = src[idx];
      acc += v * v;
    }
  }
  let total = wg_sum(t, acc);
  if (t == 0u) {
    partials[params.out_offset + group] = total;
  }
}

// One workgroup: global norm = √Σ partials; clip_scale = min(1, grad_clip / norm). A non-finite norm marks
// the step diverged (parameters are then left as they are).
@compute @workgroup_size(WG)
fn clip_scale(@builtin(local_invocation_index) t: u32) {
  var acc = 0.0;
  for (var i = t; i < params.n; i += WG) {
    acc += partials_view[i];
  }
  let norm = sqrt(wg_sum(t, acc));
  if (t == 0u) {
    scalars.grad_norm = norm;
    scalars.clip_scale = select(1.0, dims.grad_clip / norm, norm > dims.grad_clip);
    if (!is_finite(norm) && scalars.diverged == 0u) {
      scalars.diverged = 1u;
      scalars.diverged_step = step_info.step;
    }
  }
}

// Column moments of x over one split of ROWS_PER_SPLIT rows: (mean, Σ(x − mean)²) per column, two passes
// (no cancellation). Workgroup per (column block, split), so long batches do not serialise on few threads.
@compute @workgroup_size(WG)
fn column_moments(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let d = wg.x * WG + t;
  let D = dims.d_in;
  if (d >= D) {
    return;
  }
  let r0 = wg.y * ROWS_PER_SPLIT;
  let r1 = min(r0 + ROWS_PER_SPLIT, params.rows);
  var s = 0.0;
  for (var b = r0; b < r1; b++) {
    s += x[b * D + d];
  }
  let mean = s / f32(r1 - r0);
  var m2 = 0.0;
  for (var b = r0; b < r1; b++) {
    let e = x[b * D + d] - mean;
    m2 += e * e;
  }
  moments[2u * (wg.y * D + d)] = mean;
  moments[2u * (wg.y * D + d) + 1u] = m2;
}

// colvar[d] = Σ_b (x_bd − mean_b x_bd)², merging the splits' moments (Chan et al.): Σ M2_s + Σ n_s (mean_s − mean)².
@compute @workgroup_size(WG)
fn column_variance(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let d = wg.x * WG + t;
  let D = dims.d_in;
  if (d >= D) {
    return;
  }
  let B = params.rows;
  let splits = (B + ROWS_PER_SPLIT - 1u) / ROWS_PER_SPLIT;
  var total = 0.0;
  for (var s = 0u; s < splits; s++) {
    let n = f32(min(ROWS_PER_SPLIT, B - s * ROWS_PER_SPLIT));
    total += n * moments_view[2u * (s * D + d)];
  }
  let mean = total / f32(B);
  var m2 = 0.0;
  for (var s = 0u; s < splits; s++) {
    let n = f32(min(ROWS_PER_SPLIT, B - s * ROWS_PER_SPLIT));
    let o = 2u * (s * D + d);
    let dm = moments_view[o] - mean;
    m2 += moments_view[o + 1u] + n * dm * dm;
  }
  colvar[d] = m2;
}

// One workgroup: the step's metrics into metrics[slot], n_dead for the next step, BatchTopK threshold
// (spec step 7), and the divergence flag.
@compute @workgroup_size(WG)
fn finalize_metrics(@builtin(local_invocation_index) t: u32) {
  let B = params.rows;
  var sq = 0.0;
  var l0 = 0.0;
  var sp = 0.0;
  var aux = 0.0;
  var zmin = F32_MAX;
  for (var b = t; b < B; b += WG) {
    let o = b * ROW_STATS;
    sq += row_stats[o + RS_SQERR];
    l0 += row_stats[o + RS_L0];
    sp += row_stats[o + RS_SPARSITY];
    aux += row_stats[o + RS_AUX];
    zmin = min(zmin, row_stats[o + RS_MIN_KEPT]);
  }
  var cv = 0.0;
  for (var d = t; d < dims.d_in; d += WG) {
    cv += colvar_view[d];
  }
  var dead = 0.0;
  for (var j = t; j < dims.d_sae; j += WG) {
    if (ssf[j] >= dims.dead_steps) {
      dead += 1.0;
    }
  }
  let sq_t = wg_sum(t, sq);
  let l0_t = wg_sum(t, l0);
  let sp_t = wg_sum(t, sp);
  let aux_t = wg_sum(t, aux);
  let cv_t = wg_sum(t, cv);
  let dead_t = wg_sum(t, dead);
  let zmin_t = wg_min(t, zmin);
  if (t == 0u) {
    let fb = f32(B);
    let mse = sq_t / fb;
    var sparsity = 0.0;
    var aux_loss = 0.0;
    if (ARCH == 0u) {
      sparsity = step_info.l1_coefficient * sp_t / fb;
    } else if (ARCH == 3u) {
      sparsity = dims.l0_coefficient * l0_t / fb;
    } else {
      // scale with n_dead as it was before this step
      let scale = dims.aux_coefficient * min(f32(scalars.n_dead) / f32(dims.k_aux), 1.0);
      aux_loss = scale * aux_t / fb;
    }
    let loss = mse + sparsity + aux_loss;
    let o = step_info.slot * METRICS_WIDTH;
    metrics[o + 0u] = loss;
    metrics[o + 1u] = mse;
    metrics[o + 2u] = sparsity;
    metrics[o + 3u] = aux_loss;
    metrics[o + 4u] = l0_t / fb;
    metrics[o + 5u] = 1.0 - sq_t / cv_t;
    metrics[o + 6u] = dead_t / f32(dims.d_sae);
    metrics[o + 7u] = step_info.lr;
    scalars.n_dead = u32(dead_t);
    if (ARCH == 2u && zmin_t < F32_MAX) {
      if (scalars.threshold_set == 0u) {
        scalars.threshold = zmin_t;
        scalars.threshold_set = 1u;
      } else {
        let mo = dims.threshold_momentum;
        scalars.threshold = mo * scalars.threshold + (1.0 - mo) * zmin_t;
      }
    }
    if (!is_finite(loss) && scalars.diverged == 0u) {
      scalars.diverged = 1u;
      scalars.diverged_step = step_info.step;
    }
  }
}
