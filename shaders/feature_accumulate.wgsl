// Per-latent statistics and example lists over activation batches, kept on the GPU between batches (CPU twins:
// src/analysis/feature-accumulator.ts and quantile-sampler.ts). One invocation owns one latent j and scans
// the batch's tokens in order, so no atomics are needed (WGSL has no float atomics) and neighbouring
// invocations read neighbouring addresses of z [rows, d_sae].
//   accumulate: fired count, max, sum (f32, Kahan-compensated across batches), log-bin histogram, and the
//               top-`cap` examples by activation (heap key = f32 bits of the activation, which order like
//               the value for positive floats)
//   sample:     for the band of each firing activation, the `cap` examples of highest sample priority
// Example lists are binary min-heaps in the layout of ExampleHeaps (example-heap.ts): group g's entries at
// g·cap …, root = worst kept; order: key, then earlier window, then earlier position.
// Bindings are packed (statistics in one vec4u per latent, heap entries in one vec4u each) so `accumulate`
// binds 7 storage buffers and `sample` 5: within WebGPU's guaranteed 8 per stage (browsers often offer no
// more than 8 or 10).

const WG: u32 = 64u;

struct AccumulateParams {
  d_sae: u32,
  rows: u32,
  cap: u32, // heap capacity per group
  bins: u32, // log bins of the histogram
  bands: u32, // sample: bands per latent
  seed: u32, // sample: priority seed
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: AccumulateParams;
@group(0) @binding(1) var<storage, read> z: array<f32>; // [rows, d_sae]
@group(0) @binding(2) var<storage, read> tokens: array<vec4u>; // (window, position, excluded, 0) per row
@group(0) @binding(3) var<storage, read> hist_edges: array<f32>; // [bins + 1]
// [d_sae] (fired count, bits of max, bits of sum, bits of the sum's compensation)
@group(0) @binding(4) var<storage, read_write> stat: array<vec4u>;
@group(0) @binding(5) var<storage, read_write> hist: array<u32>; // [d_sae, bins]
// [groups, cap] (key, bits of the activation, window, position)
@group(0) @binding(6) var<storage, read_write> heap: array<vec4u>;
@group(0) @binding(7) var<storage, read_write> heap_size: array<u32>; // [groups]
@group(0) @binding(8) var<storage, read> band_edges: array<f32>; // [d_sae, bands − 1]

fn better(ka: u32, ta: vec2u, kb: u32, tb: vec2u) -> bool {
  if (ka != kb) {
    return ka > kb;
  }
  if (ta.x != tb.x) {
    return ta.x < tb.x;
  }
  return ta.y < tb.y;
}

fn heap_offer(group: u32, key: u32, act: f32, tok: vec2u) {
  let cap = params.cap;
  if (cap == 0u) {
    return;
  }
  let base = group * cap;
  let size = heap_size[group];
  let entry = vec4u(key, bitcast<u32>(act), tok);
  if (size < cap) {
    // sift up: parents better than the new entry move down
    var i = size;
    while (i > 0u) {
      let p = (i - 1u) / 2u;
      let parent = heap[base + p];
      if (!better(parent.x, parent.zw, key, tok)) {
        break;
      }
      heap[base + i] = parent;
      i = p;
    }
    heap[base + i] = entry;
    heap_size[group] = size + 1u;
    return;
  }
  let root = heap[base];
  if (!better(key, tok, root.x, root.zw)) {
    return;
  }
  // replace the root and sift down: the worse child moves up while it is worse than the new entry
  var i = 0u;
  loop {
    let l = 2u * i + 1u;
    if (l >= size) {
      break;
    }
    var c = l;
    var child = heap[base + l];
    let r = l + 1u;
    if (r < size) {
      let right = heap[base + r];
      if (better(child.x, child.zw, right.x, right.zw)) {
        c = r;
        child = right;
      }
    }
    if (!better(key, tok, child.x, child.zw)) {
      break;
    }
    heap[base + i] = child;
    i = c;
  }
  heap[base + i] = entry;
}

// The log bin of a firing activation: the last i with hist_edges[i] ≤ v, clamped to [0, bins − 1]
// (histogramSlot − 1 in histogram.ts).
fn hist_bin(v: f32) -> u32 {
  var lo = 0u;
  var hi = params.bins - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (hist_edges[mid] <= v) {
      lo = mid;
    } else {
      hi = mid - 1u;
    }
  }
  return lo;
}

fn latent_index(wg: vec3u, nwg: vec3u, lid: u32) -> u32 {
  return (wg.x + wg.y * nwg.x) * WG + lid;
}

@compute @workgroup_size(WG)
fn accumulate(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = latent_index(wg, nwg, lid);
  let d_sae = params.d_sae;
  if (j >= d_sae) {
    return;
  }
  let st = stat[j];
  var fired = 0u;
  var mx = bitcast<f32>(st.y);
  var s = 0.0;
  for (var b = 0u; b < params.rows; b++) {
    let v = z[b * d_sae + j];
    if (!(v > 0.0)) {
      continue;
    }
    fired++;
    mx = max(mx, v);
    s += v;
    hist[j * params.bins + hist_bin(v)] += 1u;
    let tok = tokens[b];
    if (tok.z == 0u) {
      heap_offer(j, bitcast<u32>(v), v, tok.xy);
    }
  }
  // Kahan: the batch's sum joins the running total with the total's lost low bits carried along
  let acc = vec2f(bitcast<f32>(st.z), bitcast<f32>(st.w));
  let y = s - acc.y;
  let t = acc.x + y;
  stat[j] = vec4u(st.x + fired, bitcast<u32>(mx), bitcast<u32>(t), bitcast<u32>((t - acc.x) - y));
}

// Sample priority, the WGSL twin of samplePriority (sample-priority.ts).
fn mix32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn sample_priority(latent: u32, window: u32, pos: u32) -> u32 {
  var h = mix32(params.seed);
  h = mix32(h ^ latent);
  h = mix32(h ^ window);
  return mix32(h ^ pos);
}

@compute @workgroup_size(WG)
fn sample(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = latent_index(wg, nwg, lid);
  let d_sae = params.d_sae;
  if (j >= d_sae) {
    return;
  }
  let inner = params.bands - 1u;
  for (var b = 0u; b < params.rows; b++) {
    let v = z[b * d_sae + j];
    let tok = tokens[b];
    if (!(v > 0.0) || tok.z != 0u) {
      continue;
    }
    var band = 0u;
    for (var e = 0u; e < inner; e++) {
      if (band_edges[j * inner + e] < v) {
        band = e + 1u;
      }
    }
    heap_offer(j * params.bands + band, sample_priority(j, tok.x, tok.y), v, tok.xy);
  }
}
