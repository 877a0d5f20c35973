// Encoder of a trained SAE for feature extraction (CPU twin: src/analysis/reference-encode.ts):
//   out[m, n] = act( Σ_k (x[m, k] − (apply_shift ? shift[k] : 0)) · w[k, n] + bias[n] )
// with x [M, K], w [K, N] row-major (x = activations, w = W_enc, shift = b_dec, bias = b_enc), and act:
//   ACT 0: relu            z = pre > 0 ? pre : 0
//   ACT 1: threshold       z = pre > theta[n] ? pre : 0   (jumprelu θ = exp(log_threshold); batchtopk θ_batch)
//   ACT 2: none            z = pre (TopK, whose row selection follows in feature_rowselect.wgsl; logits)
// Each workgroup computes a TM×TN tile, each invocation an RM×RN block of it (rows strided by TM/RM, columns
// by TN/RN); tiles of x and w pass through workgroup memory TK values of k at a time, out-of-range loads are 0,
// so no size needs to be a multiple of anything. k is summed in increasing order.

const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;
const RM: u32 = 4u;
const RN: u32 = 4u;
const ACT: u32 = 0u;

const WX: u32 = TN / RN;
const WY: u32 = TM / RM;
const THREADS: u32 = WX * WY;

struct EncodeDims {
  M: u32,
  N: u32,
  K: u32,
  apply_shift: u32,
}

@group(0) @binding(0) var<uniform> dims: EncodeDims;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [M, K]
@group(0) @binding(2) var<storage, read> w: array<f32>; // [K, N]
@group(0) @binding(3) var<storage, read> shift: array<f32>; // [K]
@group(0) @binding(4) var<storage, read> bias: array<f32>; // [N]
@group(0) @binding(5) var<storage, read> theta: array<f32>; // [N], ACT 1 only
@group(0) @binding(6) var<storage, read_write> out: array<f32>; // [M, N]

var<workgroup> Xs: array<f32, TK * TM>;
var<workgroup> Ws: array<f32, TK * TN>;

fn load_x(m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) {
    return 0.0;
  }
  var v = x[m * dims.K + k];
  if (dims.apply_shift != 0u) {
    v -= shift[k];
  }
  return v;
}

fn load_w(k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) {
    return 0.0;
  }
  return w[k * dims.N + n];
}

fn activate(pre: f32, n: u32) -> f32 {
  if (ACT == 0u) {
    return select(0.0, pre, pre > 0.0);
  }
  if (ACT == 1u) {
    return select(0.0, pre, pre > theta[n]);
  }
  return pre;
}

@compute @workgroup_size(WX, WY)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tile_m = wg.y * TM;
  let tile_n = wg.x * TN;
  let t = lid.y * WX + lid.x;
  var acc: array<array<f32, RN>, RM>;
  for (var k0 = 0u; k0 < dims.K; k0 += TK) {
    // consecutive invocations read consecutive addresses of x (along k) and of w (along n)
    for (var i = t; i < TK * TM; i += THREADS) {
      let mm = i / TK;
      let kk = i % TK;
      Xs[kk * TM + mm] = load_x(tile_m + mm, k0 + kk);
    }
    for (var i = t; i < TK * TN; i += THREADS) {
      let kk = i / TN;
      let nn = i % TN;
      Ws[kk * TN + nn] = load_w(k0 + kk, tile_n + nn);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var xv: array<f32, RM>;
      var wv: array<f32, RN>;
      for (var r = 0u; r < RM; r++) {
        xv[r] = Xs[kk * TM + lid.y + r * WY];
      }
      for (var c = 0u; c < RN; c++) {
        wv[c] = Ws[kk * TN + lid.x + c * WX];
      }
      for (var r = 0u; r < RM; r++) {
        for (var c = 0u; c < RN; c++) {
          acc[r][c] += xv[r] * wv[c];
        }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < RM; r++) {
    let m = tile_m + lid.y + r * WY;
    if (m >= dims.M) {
      continue;
    }
    for (var c = 0u; c < RN; c++) {
      let n = tile_n + lid.x + c * WX;
      if (n < dims.N) {
        out[m * dims.N + n] = activate(acc[r][c] + bias[n], n);
      }
    }
  }
}
