// Workgroup-wide exclusive prefix sum of u32 (Hillis–Steele). Included; the includer defines `const WG: u32`.
// Call from uniform control flow. Returns (exclusive prefix of invocation t, total over the workgroup).

var<workgroup> wg_scan_buf: array<u32, WG>;

fn wg_scan(t: u32, v: u32) -> vec2u {
  wg_scan_buf[t] = v;
  workgroupBarrier();
  for (var off = 1u; off < WG; off <<= 1u) {
    var add = 0u;
    if (t >= off) {
      add = wg_scan_buf[t - off];
    }
    workgroupBarrier();
    wg_scan_buf[t] += add;
    workgroupBarrier();
  }
  let inclusive = wg_scan_buf[t];
  let total = wg_scan_buf[WG - 1u];
  workgroupBarrier();
  return vec2u(inclusive - v, total);
}
