// TopK / BatchTopK / AuxK selection by radix select on the bits of relu(pre), and row-wise compaction of
// the kept entries into (latent, value) lists plus a bitmask (for the per-latent counting sort).
//
// Only positive values can be kept with a non-zero activation, and for non-negative floats the u32 bit
// pattern orders like the value, so key(v) = bits(v) for v > 0 and 0 otherwise. Four 8-bit digit passes
// find the exact key T of the wanted-th largest key; an entry is kept when key > T, or key == T for the
// first `quota` such entries in index order (ties go to the lower index, as in the CPU reference). When
// fewer positive keys exist than wanted, T = 0 and every positive entry is kept.
// #include sae_common.wgsl

const WG: u32 = 256u;
// true: AuxK (only dead latents are eligible, want = min(k_aux, n_dead)); false: TopK (want = k)
const AUX: bool = false;
// batch_hist: flat elements per workgroup
const ITEMS: u32 = 16u;

// #include wg_scan.wgsl

struct SelectParams {
  rows: u32, // B
  cap: u32, // topk_rows: list capacity per row
  pad0: u32,
  pad1: u32,
}

// Global radix-select state of batch_* (see batch_reset).
struct BatchSelect {
  prefix: u32,
  remaining: u32,
  status: u32, // 0 searching, 1 found (T = prefix, quota = remaining), 2 take every positive entry
  digit_pass: u32,
}

@group(0) @binding(0) var<uniform> params: SelectParams;
@group(0) @binding(1) var<uniform> dims: SaeDims;
@group(0) @binding(2) var<storage, read> scalars: TrainerScalars;
@group(0) @binding(3) var<storage, read> pre: array<f32>; // [rows, d_sae]
@group(0) @binding(4) var<storage, read> ssf: array<u32>; // steps since fired, before this step
@group(0) @binding(5) var<storage, read_write> ent: array<vec2u>; // (latent, bits of z)
@group(0) @binding(6) var<storage, read_write> row_ptr: array<vec2u>; // (start, count) per row
@group(0) @binding(7) var<storage, read_write> mask: array<u32>; // [rows, ceil(d_sae/32)] kept bits
@group(0) @binding(8) var<storage, read_write> sel_state: BatchSelect;
@group(0) @binding(9) var<storage, read> sel_view: BatchSelect;
@group(0) @binding(10) var<storage, read_write> hist_global: array<atomic<u32>, 256>;
@group(0) @binding(11) var<storage, read_write> row_tmp: array<vec2u>; // batch: (gt, eq) then (gt, ties taken)
@group(0) @binding(12) var<storage, read> row_tmp_view: array<vec2u>;
@group(0) @binding(13) var<storage, read> row_ptr_view: array<vec2u>;

var<workgroup> hist: array<atomic<u32>, 256>;
var<workgroup> choice: array<u32, 4>;

fn key_of(v: f32) -> u32 {
  return select(0u, bitcast<u32>(v), v > 0.0);
}

fn eligible(j: u32) -> bool {
  if (AUX) {
    return ssf[j] >= dims.dead_steps;
  }
  return true;
}

// Bits of the key above the digit of a pass (pass 0 looks at bits 24..31, pass 3 at bits 0..7).
fn high_mask(digit_pass: u32) -> u32 {
  if (digit_pass == 0u) {
    return 0u;
  }
  return ~((1u << (32u - 8u * digit_pass)) - 1u);
}

// The digit at which the count from the top reaches `remaining`: (prefix', remaining', status) with
// status 1 found, 2 fewer than `remaining` keys in total (only possible in pass 0). Reads `hist`.
fn choose_digit(prefix: u32, remaining: u32, digit_pass: u32) -> vec3u {
  let shift = 24u - 8u * digit_pass;
  var cum = 0u;
  for (var d = 255i; d >= 0i; d--) {
    let h = atomicLoad(&hist[u32(d)]);
    if (cum + h >= remaining) {
      return vec3u(prefix | (u32(d) << shift), remaining - cum, 1u);
    }
    cum += h;
  }
  return vec3u(0u, 0u, 2u);
}

// Radix select of the `want`-th largest eligible key of one row: returns (T, quota).
fn select_row(t: u32, base: u32, cols: u32, want: u32) -> vec2u {
  if (want == 0u) {
    return vec2u(0xffffffffu, 0u);
  }
  var prefix = 0u;
  var remaining = want;
  for (var digit_pass = 0u; digit_pass < 4u; digit_pass++) {
    let shift = 24u - 8u * digit_pass;
    let high = high_mask(digit_pass);
    for (var i = t; i < 256u; i += WG) {
      atomicStore(&hist[i], 0u);
    }
    workgroupBarrier();
    for (var j = t; j < cols; j += WG) {
      if (eligible(j)) {
        let key = key_of(pre[base + j]);
        if (key != 0u && (key & high) == prefix) {
          atomicAdd(&hist[(key >> shift) & 255u], 1u);
        }
      }
    }
    workgroupBarrier();
    if (t == 0u) {
      let c = choose_digit(prefix, remaining, digit_pass);
      choice[0] = c.x;
      choice[1] = c.y;
      choice[2] = c.z;
    }
    let c = workgroupUniformLoad(&choice);
    if (c[2] == 2u) {
      return vec2u(0u, 0u);
    }
    prefix = c[0];
    remaining = c[1];
  }
  return vec2u(prefix, remaining);
}

// Writes the kept entries of `row` in index order at ent[start..], writes its bitmask row, returns how many.
// Each invocation owns a contiguous run of whole bitmask words, so the order is deterministic and the
// bitmask needs no atomics (and every word of the row is rewritten, clearing the previous step's bits).
fn compact_row(t: u32, row: u32, cols: u32, T: u32, quota: u32, start: u32) -> u32 {
  let words = (cols + 31u) / 32u;
  let span = ((words + WG - 1u) / WG) * 32u;
  let c0 = min(t * span, cols);
  let c1 = min(c0 + span, cols);
  let base = row * cols;
  var gt = 0u;
  var eq = 0u;
  for (var j = c0; j < c1; j++) {
    if (eligible(j)) {
      let key = key_of(pre[base + j]);
      if (key > T) {
        gt++;
      } else if (key == T && T != 0u) {
        eq++;
      }
    }
  }
  let eq_before = wg_scan(t, eq).x;
  let eq_take = min(eq, quota - min(quota, eq_before));
  let counts = wg_scan(t, gt + eq_take);
  var pos = start + counts.x;
  var eq_left = eq_take;
  var word = 0u;
  for (var j = c0; j < c1; j++) {
    if (eligible(j)) {
      let v = pre[base + j];
      let key = key_of(v);
      var keep = key > T;
      if (!keep && key == T && T != 0u && eq_left > 0u) {
        keep = true;
        eq_left--;
      }
      if (keep) {
        ent[pos] = vec2u(j, bitcast<u32>(v));
        pos++;
        word |= 1u << (j & 31u);
      }
    }
    if ((j & 31u) == 31u || j + 1u == c1) {
      mask[row * words + j / 32u] = word;
      word = 0u;
    }
  }
  return counts.y;
}

// TopK (or AuxK with AUX): one workgroup per row; the list of row r starts at r·cap.
@compute @workgroup_size(WG)
fn topk_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows) {
    return;
  }
  var want = dims.k;
  if (AUX) {
    want = min(dims.k_aux, scalars.n_dead);
  }
  let cols = dims.d_sae;
  let start = row * params.cap;
  if (want == 0u) {
    // nothing to keep (AuxK without dead latents, the usual case): clear the row's bits without reading it
    let words = (cols + 31u) / 32u;
    for (var w = t; w < words; w += WG) {
      mask[row * words + w] = 0u;
    }
    if (t == 0u) {
      row_ptr[row] = vec2u(start, 0u);
    }
    return;
  }
  let sel = select_row(t, row * cols, cols, want);
  let n = compact_row(t, row, cols, sel.x, sel.y, start);
  if (t == 0u) {
    row_ptr[row] = vec2u(start, n);
  }
}

// ---- BatchTopK: the k·B largest relu(pre) over the whole batch ----

// Starts a selection of the k·rows largest keys.
@compute @workgroup_size(WG)
fn batch_reset(@builtin(local_invocation_index) t: u32) {
  for (var i = t; i < 256u; i += WG) {
    atomicStore(&hist_global[i], 0u);
  }
  if (t == 0u) {
    sel_state = BatchSelect(0u, dims.k * params.rows, 0u, 0u);
  }
}

// One digit pass over all rows·d_sae keys: workgroup histograms added into hist_global.
@compute @workgroup_size(WG)
fn batch_hist(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let state = sel_view;
  if (state.status != 0u) {
    return;
  }
  let shift = 24u - 8u * state.digit_pass;
  let high = high_mask(state.digit_pass);
  for (var i = t; i < 256u; i += WG) {
    atomicStore(&hist[i], 0u);
  }
  workgroupBarrier();
  let total = params.rows * dims.d_sae;
  let base = linear_group(wg, nwg) * WG * ITEMS;
  for (var i = 0u; i < ITEMS; i++) {
    let idx = base + i * WG + t;
    if (idx < total) {
      let key = key_of(pre[idx]);
      if (key != 0u && (key & high) == state.prefix) {
        atomicAdd(&hist[(key >> shift) & 255u], 1u);
      }
    }
  }
  workgroupBarrier();
  for (var i = t; i < 256u; i += WG) {
    let h = atomicLoad(&hist[i]);
    if (h != 0u) {
      atomicAdd(&hist_global[i], h);
    }
  }
}

// Picks the digit of the current pass from hist_global and clears it for the next pass.
@compute @workgroup_size(WG)
fn batch_choose(@builtin(local_invocation_index) t: u32) {
  let state = sel_state;
  for (var i = t; i < 256u; i += WG) {
    atomicStore(&hist[i], atomicLoad(&hist_global[i]));
    atomicStore(&hist_global[i], 0u);
  }
  workgroupBarrier();
  if (t == 0u && state.status == 0u) {
    let c = choose_digit(state.prefix, state.remaining, state.digit_pass);
    var status = c.z;
    if (status == 1u && state.digit_pass < 3u) {
      status = 0u;
    }
    sel_state = BatchSelect(c.x, c.y, status, state.digit_pass + 1u);
  }
}

fn batch_threshold() -> vec2u {
  let s = sel_view;
  if (s.status == 2u) {
    return vec2u(0u, 0u);
  }
  return vec2u(s.prefix, s.remaining);
}

// Per row: (#keys > T, #keys == T) → row_tmp.
@compute @workgroup_size(WG)
fn batch_count_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows) {
    return;
  }
  let T = batch_threshold().x;
  let cols = dims.d_sae;
  var gt = 0u;
  var eq = 0u;
  for (var j = t; j < cols; j += WG) {
    let key = key_of(pre[row * cols + j]);
    if (key > T) {
      gt++;
    } else if (key == T && T != 0u) {
      eq++;
    }
  }
  let g = wg_scan(t, gt).y;
  let e = wg_scan(t, eq).y;
  if (t == 0u) {
    row_tmp[row] = vec2u(g, e);
  }
}

// One workgroup: hands the tie quota to rows in order (lowest flat index first) and lays the rows' lists
// out one after another: row_ptr = (start, count), row_tmp.y = ties that row takes.
@compute @workgroup_size(WG)
fn batch_offsets(@builtin(local_invocation_index) t: u32) {
  let rows = params.rows;
  let quota = batch_threshold().y;
  let per = (rows + WG - 1u) / WG;
  let r0 = min(t * per, rows);
  let r1 = min(r0 + per, rows);
  var eq_sum = 0u;
  for (var r = r0; r < r1; r++) {
    eq_sum += row_tmp[r].y;
  }
  var ties_before = wg_scan(t, eq_sum).x;
  var count_sum = 0u;
  for (var r = r0; r < r1; r++) {
    let c = row_tmp[r];
    let take = min(c.y, quota - min(quota, ties_before));
    ties_before += c.y;
    row_tmp[r] = vec2u(c.x, take);
    count_sum += c.x + take;
  }
  var start = wg_scan(t, count_sum).x;
  for (var r = r0; r < r1; r++) {
    let c = row_tmp[r];
    let n = c.x + c.y;
    row_ptr[r] = vec2u(start, n);
    start += n;
  }
}

// Per row: writes its kept entries where batch_offsets placed them.
@compute @workgroup_size(WG)
fn batch_compact_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = linear_group(wg, nwg);
  if (row >= params.rows) {
    return;
  }
  let T = batch_threshold().x;
  let quota = row_tmp_view[row].y;
  let start = row_ptr_view[row].x;
  _ = compact_row(t, row, dims.d_sae, T, quota, start);
}
