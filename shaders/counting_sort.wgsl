// Counting sort of the active (row, latent) pairs by latent: the CSC view the per-latent backward needs
// (WGSL has no float atomics, so gradients are summed per latent by one workgroup each, over this list).
// The pairs come as two bitmasks [rows, ceil(d_sae/32)] (TopK/BatchTopK kept, AuxK kept). Scanning the
// bitmask column of a latent row by row makes every list sorted by row: the result is deterministic.
// #include sae_common.wgsl

const WG: u32 = 256u;

// #include wg_scan.wgsl

struct SortParams {
  rows: u32, // B
  cols: u32, // d_sae
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: SortParams;
@group(0) @binding(1) var<uniform> dims: SaeDims;
@group(0) @binding(2) var<storage, read> mask_main: array<u32>;
@group(0) @binding(3) var<storage, read> mask_aux: array<u32>;
@group(0) @binding(4) var<storage, read_write> lat_count: array<u32>; // [cols]
@group(0) @binding(5) var<storage, read_write> ssf: array<u32>; // steps since fired
@group(0) @binding(6) var<storage, read> counts: array<u32>; // scan input
@group(0) @binding(7) var<storage, read_write> offsets: array<u32>; // scan output [n + 1]
@group(0) @binding(8) var<storage, read> lat_offset: array<u32>; // [cols + 1]
@group(0) @binding(9) var<storage, read> pre: array<f32>; // [rows, cols]
@group(0) @binding(10) var<storage, read_write> csc: array<vec2u>; // (row | main << 31 | aux << 30, bits of z)

const CSC_MAIN: u32 = 0x80000000u;
const CSC_AUX: u32 = 0x40000000u;
const CSC_ROW: u32 = 0x3fffffffu;

// One invocation per latent: how many rows hold it (either mask), and — fused here because the column is
// being read anyway — spec step 6: steps_since_fired ← 0 if it fired (TopK/BatchTopK kept), else + 1.
@compute @workgroup_size(WG)
fn csc_count(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = linear_group(wg, nwg) * WG + t;
  if (j >= params.cols) {
    return;
  }
  let words = (params.cols + 31u) / 32u;
  let w = j / 32u;
  let bit = 1u << (j & 31u);
  var n = 0u;
  var fired = false;
  for (var r = 0u; r < params.rows; r++) {
    let m = mask_main[r * words + w] & bit;
    let a = mask_aux[r * words + w] & bit;
    if ((m | a) != 0u) {
      n++;
    }
    fired = fired || m != 0u;
  }
  lat_count[j] = n;
  let s = ssf[j];
  ssf[j] = select(select(s + 1u, s, s == 0xffffffffu), 0u, fired);
}

// One workgroup: offsets[i] = Σ_{i' < i} counts[i'], offsets[n] = total (n = params.cols).
@compute @workgroup_size(WG)
fn scan_exclusive(@builtin(local_invocation_index) t: u32) {
  let n = params.cols;
  let per = (n + WG - 1u) / WG;
  let i0 = min(t * per, n);
  let i1 = min(i0 + per, n);
  var sum = 0u;
  for (var i = i0; i < i1; i++) {
    sum += counts[i];
  }
  let s = wg_scan(t, sum);
  var run = s.x;
  for (var i = i0; i < i1; i++) {
    offsets[i] = run;
    run += counts[i];
  }
  if (t == 0u) {
    offsets[n] = s.y;
  }
}

// One invocation per latent: its rows in increasing order, with flags and z = pre (kept entries are > 0).
@compute @workgroup_size(WG)
fn csc_fill(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = linear_group(wg, nwg) * WG + t;
  if (j >= params.cols) {
    return;
  }
  let words = (params.cols + 31u) / 32u;
  let w = j / 32u;
  let bit = 1u << (j & 31u);
  var pos = lat_offset[j];
  for (var r = 0u; r < params.rows; r++) {
    let m = mask_main[r * words + w] & bit;
    let a = mask_aux[r * words + w] & bit;
    if ((m | a) != 0u) {
      var tag = r;
      if (m != 0u) {
        tag |= CSC_MAIN;
      }
      if (a != 0u) {
        tag |= CSC_AUX;
      }
      csc[pos] = vec2u(tag, bitcast<u32>(pre[r * params.cols + j]));
      pos++;
    }
  }
}
