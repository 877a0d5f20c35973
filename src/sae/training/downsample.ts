// Thinning long metric series for charts: per bucket of consecutive points keep the first, the lowest, the
// highest and the last, so spikes (a loss blow-up, a dead-latent jump) survive at any zoom level.

/**
 * Indices (ascending) of at most about `maxPoints` points of `ys` that keep every bucket's extremes.
 * Non-finite values count as extremes, so a NaN is never hidden.
 */
export function downsampleIndices(ys: ArrayLike<number>, maxPoints: number): number[] {
  const n = ys.length;
  const max = Math.max(4, Math.floor(maxPoints));
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(max / 4));
  const size = n / buckets;
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = b === buckets - 1 ? n : Math.floor((b + 1) * size);
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    let odd = -1;
    for (let i = start; i < end; i++) {
      const v = ys[i]!;
      if (!Number.isFinite(v)) {
        if (odd < 0) odd = i;
        continue;
      }
      if (!Number.isFinite(ys[lo]!) || v < ys[lo]!) lo = i;
      if (!Number.isFinite(ys[hi]!) || v > ys[hi]!) hi = i;
    }
    const picks = new Set([start, lo, hi, end - 1]);
    if (odd >= 0) picks.add(odd);
    out.push(...[...picks].sort((a, c) => a - c));
  }
  return out;
}

/** Several series over one x axis, thinned with the indices of the first (the primary) series. */
export function downsampleSeries(xs: readonly number[], series: readonly (readonly number[])[], maxPoints: number): { xs: number[]; series: number[][] } {
  const primary = series[0] ?? xs;
  const idx = downsampleIndices(primary, maxPoints);
  return { xs: idx.map((i) => xs[i]!), series: series.map((s) => idx.map((i) => s[i]!)) };
}
