// Per-step metrics (SAE_SPEC.md "Metrics reported per step") that are not loss terms.

/** mean over rows of #(z > 0). */
export function meanL0(z: Float64Array, B: number): number {
  let n = 0;
  for (let i = 0; i < z.length; i++) if (z[i]! > 0) n++;
  return n / B;
}

/** 1 − Σ(x − x_hat)² / Σ(x − mean_b x)², over the batch. */
export function explainedVariance(x: ArrayLike<number>, xHat: Float64Array, B: number, dIn: number): number {
  const mean = new Float64Array(dIn);
  for (let b = 0; b < B; b++) for (let i = 0; i < dIn; i++) mean[i] += x[b * dIn + i]!;
  for (let i = 0; i < dIn; i++) mean[i] /= B;
  let resid = 0;
  let total = 0;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < dIn; i++) {
      const k = b * dIn + i;
      resid += (x[k]! - xHat[k]!) ** 2;
      total += (x[k]! - mean[i]!) ** 2;
    }
  }
  return 1 - resid / total;
}
