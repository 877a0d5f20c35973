// CPU twin of shaders/shuffle_rows.wgsl: copies rows by [to, from] pairs, scaling them on the way.

/** dst[to] = scale · src[from] for each pair, rows of `width` floats, with element offsets into both arrays. */
export function gatherRowsCpu(
  dst: Float32Array,
  src: Float32Array,
  pairs: Uint32Array,
  width: number,
  options: { srcOffset?: number; dstOffset?: number; scale?: number } = {},
): void {
  const { srcOffset = 0, dstOffset = 0, scale = 1 } = options;
  for (let p = 0; p < pairs.length / 2; p++) {
    const to = dstOffset + (pairs[2 * p] as number) * width;
    const from = srcOffset + (pairs[2 * p + 1] as number) * width;
    for (let c = 0; c < width; c++) dst[to + c] = scale * (src[from + c] as number);
  }
}

/** buf[to] = buf[from] within one array (the moves of a ShufflePlan never overlap). */
export function moveRowsCpu(buf: Float32Array, pairs: Uint32Array, width: number): void {
  gatherRowsCpu(buf, buf, pairs, width);
}
