// Tiled matrix products C[M, N] = Σ_k A(m, k) · B(k, n) with the SAE's fused epilogues.
// Each workgroup computes a TM×TN tile of C; each invocation an RM×RN block of it, rows strided by TM/RM
// and columns by TN/RN (so shared-memory reads are broadcast / conflict-free and stores are coalesced).
// A and B tiles are staged through workgroup memory TK values of k at a time. Out-of-range elements load 0,
// so M, N and K need not be multiples of anything. k is summed in increasing order.
// #include sae_common.wgsl

const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;
const RM: u32 = 4u;
const RN: u32 = 4u;
// 0: A is stored [M, K] row-major; 1: A is stored [K, M] (the product uses Aᵀ of the stored matrix)
const A_LAYOUT: u32 = 0u;
// 0: B is stored [K, N] row-major; 1: B is stored [N, K] (the product uses Bᵀ of the stored matrix)
const B_LAYOUT: u32 = 0u;

const WX: u32 = TN / RN;
const WY: u32 = TM / RM;
const THREADS: u32 = WX * WY;

struct MatmulDims {
  M: u32,
  N: u32,
  K: u32,
  pad0: u32,
}

@group(0) @binding(0) var<uniform> dims: MatmulDims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out0: array<f32>;
@group(0) @binding(4) var<storage, read_write> out1: array<f32>;
@group(0) @binding(5) var<storage, read> mat_e: array<f32>; // an extra [M, N] input of the epilogue
@group(0) @binding(6) var<storage, read> vec_n: array<f32>; // per-column vector of the epilogue
@group(0) @binding(7) var<storage, read> vec_n2: array<f32>;
@group(0) @binding(8) var<storage, read> vec_m: array<f32>; // per-row vectors of the epilogue
@group(0) @binding(9) var<storage, read> vec_m2: array<f32>;
@group(0) @binding(10) var<uniform> step_info: StepInfo;

var<workgroup> As: array<f32, TK * TM>;
var<workgroup> Bs: array<f32, TK * TN>;

fn load_a(m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) {
    return 0.0;
  }
  if (A_LAYOUT == 0u) {
    return a[m * dims.K + k];
  }
  return a[k * dims.M + m];
}

fn load_b(k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) {
    return 0.0;
  }
  if (B_LAYOUT == 0u) {
    return b[k * dims.N + n];
  }
  return b[n * dims.K + k];
}

// The RM×RN accumulators of invocation (tx, ty) for the tile at (tile_m, tile_n).
fn tile_product(tile_m: u32, tile_n: u32, tx: u32, ty: u32, t: u32) -> array<array<f32, RN>, RM> {
  var acc: array<array<f32, RN>, RM>;
  for (var k0 = 0u; k0 < dims.K; k0 += TK) {
    // consecutive invocations read consecutive addresses of the stored layout
    for (var i = t; i < TK * TM; i += THREADS) {
      var kk: u32;
      var mm: u32;
      if (A_LAYOUT == 0u) {
        mm = i / TK;
        kk = i % TK;
      } else {
        kk = i / TM;
        mm = i % TM;
      }
      As[kk * TM + mm] = load_a(tile_m + mm, k0 + kk);
    }
    for (var i = t; i < TK * TN; i += THREADS) {
      var kk: u32;
      var nn: u32;
      if (B_LAYOUT == 0u) {
        kk = i / TN;
        nn = i % TN;
      } else {
        nn = i / TK;
        kk = i % TK;
      }
      Bs[kk * TN + nn] = load_b(k0 + kk, tile_n + nn);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var ar: array<f32, RM>;
      var br: array<f32, RN>;
      for (var i = 0u; i < RM; i++) {
        ar[i] = As[kk * TM + ty + i * WY];
      }
      for (var j = 0u; j < RN; j++) {
        br[j] = Bs[kk * TN + tx + j * WX];
      }
      for (var i = 0u; i < RM; i++) {
        for (var j = 0u; j < RN; j++) {
          acc[i][j] += ar[i] * br[j];
        }
      }
    }
    workgroupBarrier();
  }
  return acc;
}

// C = A·B
@compute @workgroup_size(WX, WY)
fn matmul(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let acc = tile_product(wg.y * TM, wg.x * TN, lid.x, lid.y, t);
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let m = wg.y * TM + lid.y + i * WY;
      let n = wg.x * TN + lid.x + j * WX;
      if (m < dims.M && n < dims.N) {
        out0[m * dims.N + n] = acc[i][j];
      }
    }
  }
}

// C = A·B + vec_n (bias per column): encoder pre-activations for topk/batchtopk, decoder output x_hat.
@compute @workgroup_size(WX, WY)
fn matmul_bias(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let acc = tile_product(wg.y * TM, wg.x * TN, lid.x, lid.y, t);
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let m = wg.y * TM + lid.y + i * WY;
      let n = wg.x * TN + lid.x + j * WX;
      if (m < dims.M && n < dims.N) {
        out0[m * dims.N + n] = acc[i][j] + vec_n[n];
      }
    }
  }
}

// pre = x_in·W_enc + b_enc (vec_n) → out0; z = relu(pre) → out1.
@compute @workgroup_size(WX, WY)
fn encode_relu(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let acc = tile_product(wg.y * TM, wg.x * TN, lid.x, lid.y, t);
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let m = wg.y * TM + lid.y + i * WY;
      let n = wg.x * TN + lid.x + j * WX;
      if (m < dims.M && n < dims.N) {
        let pre = acc[i][j] + vec_n[n];
        out0[m * dims.N + n] = pre;
        out1[m * dims.N + n] = max(pre, 0.0);
      }
    }
  }
}

// pre = x_in·W_enc + b_enc (vec_n) → out0; z = pre·H(pre − θ), θ = exp(log_threshold = vec_n2) → out1.
@compute @workgroup_size(WX, WY)
fn encode_jumprelu(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let acc = tile_product(wg.y * TM, wg.x * TN, lid.x, lid.y, t);
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let m = wg.y * TM + lid.y + i * WY;
      let n = wg.x * TN + lid.x + j * WX;
      if (m < dims.M && n < dims.N) {
        let pre = acc[i][j] + vec_n[n];
        out0[m * dims.N + n] = pre;
        out1[m * dims.N + n] = select(0.0, pre, pre > exp(vec_n2[n]));
      }
    }
  }
}

// relu: dL/dpre = [z > 0]·(g·W_decᵀ + c/B·‖W_dec[n]‖), z = mat_e, ‖W_dec‖ = vec_n, c = l1_coefficient·w_l1.
@compute @workgroup_size(WX, WY)
fn dpre_relu(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let acc = tile_product(wg.y * TM, wg.x * TN, lid.x, lid.y, t);
  let c = step_info.l1_coefficient / f32(step_info.batch);
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let m = wg.y * TM + lid.y + i * WY;
      let n = wg.x * TN + lid.x + j * WX;
      if (m < dims.M && n < dims.N) {
        let idx = m * dims.N + n;
        out0[idx] = select(0.0, acc[i][j] + c * vec_n[n], mat_e[idx] > 0.0);
      }
    }
  }
}

// jumprelu: dL/dz = g·W_decᵀ → out0; dL/dpre = H(pre − θ)·dL/dz → out1; pre = mat_e, log θ = vec_n.
@compute @workgroup_size(WX, WY)
fn dpre_jumprelu(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let acc = tile_product(wg.y * TM, wg.x * TN, lid.x, lid.y, t);
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let m = wg.y * TM + lid.y + i * WY;
      let n = wg.x * TN + lid.x + j * WX;
      if (m < dims.M && n < dims.N) {
        let idx = m * dims.N + n;
        out0[idx] = acc[i][j];
        out1[idx] = select(0.0, acc[i][j], mat_e[idx] > exp(vec_n[n]));
      }
    }
  }
}

// relu: dL/dW_dec = zᵀ·g + c/B·(Σ_b z_bm)·W_dec[m]/‖W_dec[m]‖ with Σ_b z = vec_m, ‖W_dec‖ = vec_m2,
// W_dec = mat_e (a zero row has no direction: its L1 subgradient is 0).
@compute @workgroup_size(WX, WY)
fn dwdec_relu(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32) {
  let acc = tile_product(wg.y * TM, wg.x * TN, lid.x, lid.y, t);
  let c = step_info.l1_coefficient / f32(step_info.batch);
  for (var i = 0u; i < RM; i++) {
    for (var j = 0u; j < RN; j++) {
      let m = wg.y * TM + lid.y + i * WY;
      let n = wg.x * TN + lid.x + j * WX;
      if (m < dims.M && n < dims.N) {
        let idx = m * dims.N + n;
        let norm = vec_m2[m];
        var l1 = 0.0;
        if (norm > 0.0) {
          l1 = c * vec_m[m] / norm * mat_e[idx];
        }
        out0[idx] = acc[i][j] + l1;
      }
    }
  }
}
