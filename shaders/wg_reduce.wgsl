// Workgroup-wide reductions in a fixed order (deterministic). Included; the includer defines `const WG: u32`.
// Call from uniform control flow; every invocation gets the result.

var<workgroup> wg_red: array<f32, WG>;

fn wg_sum(t: u32, v: f32) -> f32 {
  wg_red[t] = v;
  workgroupBarrier();
  for (var off = WG / 2u; off > 0u; off >>= 1u) {
    if (t < off) {
      wg_red[t] += wg_red[t + off];
    }
    workgroupBarrier();
  }
  let total = wg_red[0];
  workgroupBarrier();
  return total;
}

fn wg_min(t: u32, v: f32) -> f32 {
  wg_red[t] = v;
  workgroupBarrier();
  for (var off = WG / 2u; off > 0u; off >>= 1u) {
    if (t < off) {
      wg_red[t] = min(wg_red[t], wg_red[t + off]);
    }
    workgroupBarrier();
  }
  let m = wg_red[0];
  workgroupBarrier();
  return m;
}
