// Global gradient-norm clipping (SAE_SPEC.md "Update" step 3).

/** √(Σ over all tensors of Σ g²). */
export function globalGradNorm(grads: readonly Float64Array[]): number {
  let s = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return Math.sqrt(s);
}

/**
 * Scales every gradient by min(1, maxNorm / norm) in place, so their global L2 norm is at most maxNorm.
 * Returns the norm before clipping.
 */
export function clipGradients(grads: readonly Float64Array[], maxNorm: number): number {
  const norm = globalGradNorm(grads);
  if (norm > maxNorm) {
    const f = maxNorm / norm;
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= f;
  }
  return norm;
}
