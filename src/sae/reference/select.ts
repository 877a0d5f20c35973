// Deterministic top-k selection. Ties are broken by the lower index first, so every implementation (CPU
// reference, GPU kernels) can agree on exactly which entries are kept.

const key = (v: number) => (Number.isNaN(v) ? -Infinity : v);

/**
 * Indices of the `count` largest `values[i]` for i in `candidates` (all indices when omitted), largest
 * first; equal values go lower index first. NaN ranks below every number.
 */
export function topIndices(values: ArrayLike<number>, count: number, candidates?: ArrayLike<number>): number[] {
  const idx = candidates ? Array.from(candidates) : Array.from({ length: values.length }, (_, i) => i);
  if (count <= 0) return [];
  idx.sort((a, b) => {
    const d = key(values[b]!) - key(values[a]!);
    return d > 0 ? 1 : d < 0 ? -1 : a - b;
  });
  return idx.length > count ? idx.slice(0, count) : idx;
}
