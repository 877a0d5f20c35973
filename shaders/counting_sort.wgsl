// Counting sort of the active (row, latent) pairs by latent: the CSC view the per-latent backward needs
// (WGSL has no float atomics, so gradients are summed per latent by one workgroup each, over this list).
// The pairs come as two bitmasks [rows, ceil(d_sae/32)] (TopK/BatchTopK kept, AuxK kept). Reading a
// latent's bitmask column row by row makes every list sorted by row, so the result is deterministic.
// Rows are cut into chunks of ROW_CHUNK so that each invocation reads a short run of words: the work is
// spread over d_sae × chunks invocations (one bit test per (row, latent) pair, words shared by 32 latents).
// #include sae_common.wgsl

const WG: u32 = 256u;
const ROW_CHUNK: u32 = 256u;

// #include wg_scan.wgsl

struct SortParams {
  rows: u32, // B
  cols: u32, // d_sae
  chunks: u32, // ceil(rows / ROW_CHUNK)
  pad0: u32,
}

@group(0) @binding(0) var<uniform> params: SortParams;
@group(0) @binding(1) var<uniform> dims: SaeDims;
@group(0) @binding(2) var<storage, read> mask_main: array<u32>;
@group(0) @binding(3) var<storage, read> mask_aux: array<u32>;
@group(0) @binding(4) var<storage, read_write> chunk_count: array<u32>; // [cols, chunks]: count | fired << 31
@group(0) @binding(5) var<storage, read> chunk_count_view: array<u32>;
@group(0) @binding(6) var<storage, read_write> lat_count: array<u32>; // [cols]
@group(0) @binding(7) var<storage, read_write> ssf: array<u32>; // steps since fired
@group(0) @binding(8) var<storage, read> counts: array<u32>; // scan input
@group(0) @binding(9) var<storage, read_write> offsets: array<u32>; // scan output [n + 1]
@group(0) @binding(10) var<storage, read> lat_offset: array<u32>; // [cols + 1]
@group(0) @binding(11) var<storage, read> pre: array<f32>; // [rows, cols]
@group(0) @binding(12) var<storage, read_write> csc: array<vec2u>; // (row | main << 31 | aux << 30, bits of z)

const CSC_MAIN: u32 = 0x80000000u;
const CSC_AUX: u32 = 0x40000000u;
const FIRED: u32 = 0x80000000u;

// Whether row r holds latent j (word w, bit) in the main and/or the aux mask, as CSC flags (0: neither).
fn pair_flags(r: u32, w: u32, bit: u32) -> u32 {
  let words = (params.cols + 31u) / 32u;
  var flags = 0u;
  if ((mask_main[r * words + w] & bit) != 0u) {
    flags |= CSC_MAIN;
  }
  if ((mask_aux[r * words + w] & bit) != 0u) {
    flags |= CSC_AUX;
  }
  return flags;
}

// Invocation (latent j = x, chunk c = workgroup y): how many rows of the chunk hold j in either mask, and
// whether j fired (TopK/BatchTopK kept) in one of them.
@compute @workgroup_size(WG)
fn csc_count(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = wg.x * WG + t;
  let c = wg.y;
  if (j >= params.cols) {
    return;
  }
  let w = j / 32u;
  let bit = 1u << (j & 31u);
  let r1 = min((c + 1u) * ROW_CHUNK, params.rows);
  var n = 0u;
  var fired = 0u;
  for (var r = c * ROW_CHUNK; r < r1; r++) {
    let flags = pair_flags(r, w, bit);
    if (flags != 0u) {
      n++;
    }
    if ((flags & CSC_MAIN) != 0u) {
      fired = FIRED;
    }
  }
  chunk_count[j * params.chunks + c] = n | fired;
}

// One invocation per latent: its list length, and — the chunks' fired flags are here — spec step 6:
// steps_since_fired ← 0 if it fired, else + 1.
@compute @workgroup_size(WG)
fn csc_total(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = linear_group(wg, nwg) * WG + t;
  if (j >= params.cols) {
    return;
  }
  var n = 0u;
  var fired = false;
  for (var c = 0u; c < params.chunks; c++) {
    let v = chunk_count_view[j * params.chunks + c];
    n += v & ~FIRED;
    fired = fired || (v & FIRED) != 0u;
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

// Invocation (latent j, chunk c): writes the chunk's rows of j in increasing order, after those of the
// earlier chunks, with flags and z = pre (kept entries are > 0).
@compute @workgroup_size(WG)
fn csc_fill(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32) {
  let j = wg.x * WG + t;
  let c = wg.y;
  if (j >= params.cols) {
    return;
  }
  let w = j / 32u;
  let bit = 1u << (j & 31u);
  var pos = lat_offset[j];
  for (var c0 = 0u; c0 < c; c0++) {
    pos += chunk_count_view[j * params.chunks + c0] & ~FIRED;
  }
  let r1 = min((c + 1u) * ROW_CHUNK, params.rows);
  for (var r = c * ROW_CHUNK; r < r1; r++) {
    let flags = pair_flags(r, w, bit);
    if (flags != 0u) {
      csc[pos] = vec2u(r | flags, bitcast<u32>(pre[r * params.cols + j]));
      pos++;
    }
  }
}
