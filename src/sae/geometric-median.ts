// Geometric median of points by Weiszfeld's iteration: argmin_y Σ_i ‖x_i − y‖, a robust b_dec start.

export interface GeometricMedianOptions {
  maxIterations?: number;
  /** stop when a step moves y by less than tolerance · (1 + ‖y‖) */
  tolerance?: number;
}

/** `points` is [n, d] row-major. Starts at the mean; distances are floored so a point hit exactly is safe. */
export function geometricMedian(points: ArrayLike<number>, n: number, d: number, opts: GeometricMedianOptions = {}): Float64Array {
  if (n < 1 || points.length !== n * d) throw new RangeError(`Geometric median needs [n, d] points (got ${points.length} values for n=${n}, d=${d}).`);
  const maxIterations = opts.maxIterations ?? 200;
  const tolerance = opts.tolerance ?? 1e-10;
  let y = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) y[i] += points[r * d + i]! / n;
  for (let it = 0; it < maxIterations; it++) {
    const next = new Float64Array(d);
    let wSum = 0;
    for (let r = 0; r < n; r++) {
      let dist2 = 0;
      for (let i = 0; i < d; i++) dist2 += (points[r * d + i]! - y[i]!) ** 2;
      const w = 1 / Math.max(Math.sqrt(dist2), 1e-12);
      wSum += w;
      for (let i = 0; i < d; i++) next[i] += w * points[r * d + i]!;
    }
    let move2 = 0;
    let norm2 = 0;
    for (let i = 0; i < d; i++) {
      next[i] /= wSum;
      move2 += (next[i]! - y[i]!) ** 2;
      norm2 += next[i]! ** 2;
    }
    y = next;
    if (Math.sqrt(move2) <= tolerance * (1 + Math.sqrt(norm2))) break;
  }
  return y;
}
