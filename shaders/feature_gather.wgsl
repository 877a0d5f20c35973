// Gathers single latent activations out of a batch's z [rows, d_sae]: out[i] = z[rows_[i] · d_sae + latents[i]]
// (the context activations of chosen examples; CPU twin: ContextPlan.fillFromActivations in
// src/analysis/context.ts). One invocation per request.

const WG: u32 = 64u;

struct GatherParams {
  count: u32,
  d_sae: u32,
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: GatherParams;
@group(0) @binding(1) var<storage, read> z: array<f32>; // [rows, d_sae]
@group(0) @binding(2) var<storage, read> requests: array<vec2u>; // (latent, row)
@group(0) @binding(3) var<storage, read_write> out: array<f32>; // [count]

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wg.x + wg.y * nwg.x) * WG + lid;
  if (i >= params.count) {
    return;
  }
  let r = requests[i];
  out[i] = z[r.y * params.d_sae + r.x];
}
