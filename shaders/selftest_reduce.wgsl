// GPU self-test: sum reduction. Each workgroup folds WORKGROUP_SIZE * items_per_thread consecutive values of
// `input[offset .. offset + count)` into one partial sum, written to `output[out_offset + group]`.
// Repeating the pass over the partials reduces any count to one value. The CPU twin (src/gpu/selftest.ts)
// adds in exactly this order, so the two results agree bit for bit on a conforming implementation.

override items_per_thread: u32 = 8u;

struct Params {
  offset: u32,
  count: u32,
  out_offset: u32,
  groups_x: u32, // workgroups per row of the 2D dispatch (large counts exceed the per-dimension limit)
}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const WORKGROUP_SIZE: u32 = 256u;
var<workgroup> scratch: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn reduce_sum(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let group = wg.y * params.groups_x + wg.x;
  let base = group * WORKGROUP_SIZE * items_per_thread;
  // strided per thread so that neighbouring threads read neighbouring values
  var acc = 0.0;
  for (var i = 0u; i < items_per_thread; i++) {
    let idx = base + i * WORKGROUP_SIZE + lid;
    if (idx < params.count) {
      acc += input[params.offset + idx];
    }
  }
  scratch[lid] = acc;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      scratch[lid] += scratch[lid + stride];
    }
    workgroupBarrier();
  }
  // a 2D dispatch may round up past the last group: those write nothing
  let groups = (params.count + WORKGROUP_SIZE * items_per_thread - 1u) / (WORKGROUP_SIZE * items_per_thread);
  if (lid == 0u && group < groups) {
    output[params.out_offset + group] = scratch[0];
  }
}
