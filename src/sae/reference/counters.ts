// Per-latent firing counters and the BatchTopK threshold (SAE_SPEC.md "Update" steps 6 and 7).

/** steps_since_fired_j ← 0 if z[b, j] > 0 for some row b, else +1. In place. */
export function updateStepsSinceFired(stepsSinceFired: Float64Array, z: Float64Array, B: number): void {
  const dSae = stepsSinceFired.length;
  for (let j = 0; j < dSae; j++) {
    let fired = false;
    for (let b = 0; b < B && !fired; b++) fired = z[b * dSae + j]! > 0;
    stepsSinceFired[j] = fired ? 0 : stepsSinceFired[j]! + 1;
  }
}

/** Share of latents with steps_since_fired ≥ threshold. */
export function deadFraction(stepsSinceFired: ArrayLike<number>, deadStepsThreshold: number): number {
  let n = 0;
  for (let j = 0; j < stepsSinceFired.length; j++) if (stepsSinceFired[j]! >= deadStepsThreshold) n++;
  return n / stepsSinceFired.length;
}

/** The smallest positive activation, or null when nothing fired. */
export function minPositive(z: Float64Array): number | null {
  let min = Infinity;
  for (let i = 0; i < z.length; i++) if (z[i]! > 0 && z[i]! < min) min = z[i]!;
  return min === Infinity ? null : min;
}

/**
 * θ ← m·θ + (1−m)·min(positive kept z); the first observation sets θ directly. A batch where nothing fired
 * leaves θ unchanged.
 */
export function updateBatchThreshold(theta: number | null, z: Float64Array, momentum: number): number | null {
  const observed = minPositive(z);
  if (observed === null) return theta;
  return theta === null ? observed : momentum * theta + (1 - momentum) * observed;
}
