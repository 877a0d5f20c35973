// Steering features: Σ coef·W_dec[f], added to the SAE's hook activation at every position. Coefficients are
// in raw units of the decoder direction, as Neuronpedia uses them.

export interface SteeringFeature {
  index: number;
  coefficient: number;
}

export const MAX_STEERING_FEATURES = 4;
export const COEFFICIENT_LIMIT = 300;
/** beyond this magnitude models usually repeat themselves or break into gibberish */
export const EXTREME_COEFFICIENT = 150;

export class SteeringError extends Error {
  override readonly name = 'SteeringError';
}

export function isExtremeCoefficient(coefficient: number): boolean {
  return Math.abs(coefficient) > EXTREME_COEFFICIENT;
}

/** Checks a feature list against an SAE of `dSae` latents: 1–4 distinct features, coefficients within ±300. */
export function checkSteeringFeatures(features: readonly SteeringFeature[], dSae: number): void {
  if (features.length === 0) throw new SteeringError('Pick at least one feature to steer with.');
  if (features.length > MAX_STEERING_FEATURES) throw new SteeringError(`Steer with at most ${MAX_STEERING_FEATURES} features at once (${features.length} chosen).`);
  const seen = new Set<number>();
  for (const { index, coefficient } of features) {
    if (!Number.isInteger(index) || index < 0 || index >= dSae) throw new SteeringError(`Feature ${index} does not exist: this SAE has features 0 to ${dSae - 1}.`);
    if (seen.has(index)) throw new SteeringError(`Feature ${index} is chosen twice; combine its coefficients into one.`);
    seen.add(index);
    checkCoefficient(coefficient, `feature ${index}`);
  }
}

export function checkCoefficient(coefficient: number, what: string): void {
  if (!Number.isFinite(coefficient) || Math.abs(coefficient) > COEFFICIENT_LIMIT) {
    throw new SteeringError(`The coefficient of ${what} must be a number between −${COEFFICIENT_LIMIT} and ${COEFFICIENT_LIMIT} (got ${coefficient}).`);
  }
}

/** Σ coef·W_dec[f] as a [d_in] vector; W_dec is [d_sae, d_in] row-major. */
export function steeringVector(wDec: Float32Array, dIn: number, features: readonly SteeringFeature[]): Float32Array {
  const dSae = wDec.length / dIn;
  if (!Number.isInteger(dSae)) throw new SteeringError(`The decoder has ${wDec.length} values, not a multiple of d_in = ${dIn}.`);
  const out = new Float64Array(dIn);
  for (const { index, coefficient } of features) {
    if (index < 0 || index >= dSae) throw new SteeringError(`Feature ${index} does not exist: this SAE has features 0 to ${dSae - 1}.`);
    const row = index * dIn;
    for (let j = 0; j < dIn; j++) out[j] += coefficient * wDec[row + j];
  }
  return Float32Array.from(out);
}
