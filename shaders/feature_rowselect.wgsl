// Exact per-row top-`want` selection, one workgroup per row of vals [rows, n] (CPU twins: topkActivation in
// src/sae/reference, largestIndices in src/analysis/logit-effects.ts).
//
// Every value gets a u32 key that orders like the ranking wanted:
//   KEY 0: positive values only: bits(v) for v > 0, else 0 (for v > 0 the f32 bit pattern orders like v)
//   KEY 1: all values, larger first: the order-preserving map of f32 onto u32
//   KEY 2: all values, smaller first: the complement of KEY 1
// Key 0 is never selected. Four 8-bit digit passes over the row find the exact key T of the want-th largest
// key; an entry is kept when key > T, or key == T and it is among the first `quota` such entries in index
// order (ties go to the lower index, as in the CPU references). When at most `want` keys are eligible, all
// of them are kept.
//   OUT 0: in place, vals[i] ← kept ? max(v, 0) : 0   (the TopK activation; use with KEY 0)
//   OUT 1: the kept indices and values, in index order, to out_idx / out_val [rows, want]

const WG: u32 = 256u;
const KEY: u32 = 0u;
const OUT: u32 = 0u;

struct SelectParams {
  rows: u32,
  n: u32,
  want: u32,
  pad0: u32,
}

@group(0) @binding(0) var<uniform> params: SelectParams;
@group(0) @binding(1) var<storage, read_write> vals: array<f32>; // [rows, n]
@group(0) @binding(2) var<storage, read_write> out_idx: array<u32>; // [rows, want], OUT 1
@group(0) @binding(3) var<storage, read_write> out_val: array<f32>; // [rows, want], OUT 1

var<workgroup> hist: array<atomic<u32>, 256>;
var<workgroup> eligible: atomic<u32>;
var<workgroup> eligible_total: u32;
// (prefix so far, remaining wanted among keys matching the prefix, count of keys equal to T)
var<workgroup> found: vec3u;
var<workgroup> scan_buf: array<u32, WG>;

fn key_of(v: f32) -> u32 {
  let bits = bitcast<u32>(v);
  if (KEY == 0u) {
    return select(0u, bits, v > 0.0);
  }
  let ordered = select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
  if (KEY == 1u) {
    return ordered;
  }
  return ~ordered;
}

// Hillis–Steele inclusive scan over the workgroup: (inclusive prefix of t, workgroup total). Call from
// uniform control flow.
fn scan_inclusive(t: u32, v: u32) -> vec2u {
  scan_buf[t] = v;
  workgroupBarrier();
  for (var off = 1u; off < WG; off <<= 1u) {
    var add = 0u;
    if (t >= off) {
      add = scan_buf[t - off];
    }
    workgroupBarrier();
    scan_buf[t] += add;
    workgroupBarrier();
  }
  let r = vec2u(scan_buf[t], scan_buf[WG - 1u]);
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = wg.x + wg.y * nwg.x;
  // the whole workgroup leaves together (row is uniform), so barriers below stay in uniform control flow
  if (row >= params.rows) {
    return;
  }
  let n = params.n;
  let base = row * n;

  if (t == 0u) {
    atomicStore(&eligible, 0u);
  }
  workgroupBarrier();
  var mine = 0u;
  for (var i = t; i < n; i += WG) {
    if (key_of(vals[base + i]) != 0u) {
      mine++;
    }
  }
  atomicAdd(&eligible, mine);
  workgroupBarrier();
  if (t == 0u) {
    eligible_total = atomicLoad(&eligible);
  }
  let total = workgroupUniformLoad(&eligible_total);
  let want = min(params.want, total);

  // T = 0, quota 0: every eligible key is kept (key > 0); otherwise radix-select T
  if (t == 0u) {
    found = vec3u(0u, want, 0u);
  }
  if (want < total) {
    for (var radix_pass = 0u; radix_pass < 4u; radix_pass++) {
      let shift = 24u - 8u * radix_pass;
      let high_mask = select(0u, 0xFFFFFFFFu << min(shift + 8u, 31u), shift < 24u);
      for (var d = t; d < 256u; d += WG) {
        atomicStore(&hist[d], 0u);
      }
      workgroupBarrier();
      let prefix = workgroupUniformLoad(&found).x;
      for (var i = t; i < n; i += WG) {
        let key = key_of(vals[base + i]);
        if (key != 0u && (key & high_mask) == prefix) {
          atomicAdd(&hist[(key >> shift) & 255u], 1u);
        }
      }
      workgroupBarrier();
      if (t == 0u) {
        var f = found;
        var above = 0u;
        for (var d = 255i; d >= 0i; d--) {
          let c = atomicLoad(&hist[u32(d)]);
          if (above + c >= f.y) {
            f = vec3u(f.x | (u32(d) << shift), f.y - above, c);
            break;
          }
          above += c;
        }
        found = f;
      }
      workgroupBarrier();
    }
  }
  let sel = workgroupUniformLoad(&found);
  let T = sel.x;
  let quota = sel.y;
  // with want == total, T = 0 and quota = want: "key > 0" keeps everything; ties need no ranking
  let rank_ties = want < total && sel.z != quota;

  var ties_before = 0u;
  var kept_before = 0u;
  for (var i0 = 0u; i0 < n; i0 += WG) {
    let i = i0 + t;
    var v = 0.0;
    var key = 0u;
    if (i < n) {
      v = vals[base + i];
      key = key_of(v);
    }
    let is_tie = want < total && key == T && key != 0u;
    var keep = key != 0u && key > T;
    var tie = 0u;
    if (is_tie) {
      tie = 1u;
    }
    if (rank_ties) {
      let tie_scan = scan_inclusive(t, tie);
      let tie_rank = ties_before + tie_scan.x - tie;
      ties_before += tie_scan.y;
      if (is_tie && tie_rank < quota) {
        keep = true;
      }
    } else if (is_tie) {
      keep = true;
    }
    if (OUT == 0u) {
      if (i < n) {
        vals[base + i] = select(0.0, max(v, 0.0), keep);
      }
    } else {
      let k = select(0u, 1u, keep);
      let kept_scan = scan_inclusive(t, k);
      if (keep) {
        let slot = row * params.want + kept_before + kept_scan.x - k;
        out_idx[slot] = i;
        out_val[slot] = v;
      }
      kept_before += kept_scan.y;
    }
  }
}
