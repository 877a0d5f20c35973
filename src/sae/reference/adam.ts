// Adam with bias correction (SAE_SPEC.md "Update" step 4).

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** update count, from 1 */
  t: number;
}

/** m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p − lr · m̂ / (√v̂ + ε). All in place. */
export function adamStep(param: Float64Array, grad: Float64Array, m: Float64Array, v: Float64Array, h: AdamHyper): void {
  const c1 = 1 - h.beta1 ** h.t;
  const c2 = 1 - h.beta2 ** h.t;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    m[i] = h.beta1 * m[i]! + (1 - h.beta1) * g;
    v[i] = h.beta2 * v[i]! + (1 - h.beta2) * g * g;
    param[i] -= (h.lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + h.eps);
  }
}
