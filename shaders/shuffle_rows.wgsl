// Row copies for the GPU shuffle buffer (src/data/activation-sources/shuffle-buffer-gpu.ts). A list of
// [to, from] row pairs: gather_rows copies rows of `src` into `dst` (model activations into the buffer, the
// buffer into a batch, scaled on the way); move_rows copies within `dst` (closing the holes a batch leaves;
// the plan guarantees no pair reads a row another pair writes). CPU twin: shuffle-rows-cpu.ts.
// Grid: x covers the row's columns, (y, z) the pairs (pair = z * num_workgroups.y + y).

struct Params {
  pairs: u32,
  width: u32,
  src_offset: u32, // elements
  dst_offset: u32, // elements
  scale: f32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> pairs: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

const WORKGROUP_SIZE: u32 = 64u;

fn pair_index(wg: vec3u, groups: vec3u) -> u32 {
  return wg.z * groups.y + wg.y;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gather_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = pair_index(wg, groups);
  let c = wg.x * WORKGROUP_SIZE + lid;
  if (p >= params.pairs || c >= params.width) {
    return;
  }
  let dst_row = pairs[2u * p];
  let src_row = pairs[2u * p + 1u];
  dst[params.dst_offset + dst_row * params.width + c] = params.scale * src[params.src_offset + src_row * params.width + c];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn move_rows(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = pair_index(wg, groups);
  let c = wg.x * WORKGROUP_SIZE + lid;
  if (p >= params.pairs || c >= params.width) {
    return;
  }
  let dst_row = pairs[2u * p];
  let src_row = pairs[2u * p + 1u];
  dst[params.dst_offset + dst_row * params.width + c] = dst[params.dst_offset + src_row * params.width + c];
}
