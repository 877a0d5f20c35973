// Toy superposition activations with known ground truth: F unit directions in d_in dimensions (F > d_in is
// the interesting case); each fires independently with probability p and magnitude U(0.5, 1.5), and a
// sample is the sum of the firing directions. An SAE that learns the directions is measurably right.
import { Prng } from '../../sae/prng';

export interface SuperpositionOptions {
  dIn: number;
  features: number;
  /** probability that a feature fires in a sample */
  activeProb: number;
  seed: number;
}

export class SyntheticSourceError extends Error {
  override name = 'SyntheticSourceError';
}

const MAGNITUDE_MIN = 0.5;
const MAGNITUDE_MAX = 1.5;

export class SuperpositionSource {
  readonly dIn: number;
  readonly features: number;
  readonly activeProb: number;
  /** [features, d_in], unit rows */
  readonly trueDirections: Float32Array;
  private readonly rng: Prng;

  constructor(opts: SuperpositionOptions) {
    const { dIn, features, activeProb, seed } = opts;
    if (!Number.isInteger(dIn) || dIn < 1) throw new SyntheticSourceError(`d_in must be a positive integer (got ${dIn}).`);
    if (!Number.isInteger(features) || features < 1) throw new SyntheticSourceError(`The number of features must be a positive integer (got ${features}).`);
    if (!(activeProb >= 0 && activeProb <= 1)) throw new SyntheticSourceError(`The firing probability must be in [0, 1] (got ${activeProb}).`);
    this.dIn = dIn;
    this.features = features;
    this.activeProb = activeProb;
    // directions come first from the seed, so a resumed sampler (setState) sees the same ones
    this.rng = new Prng(seed);
    this.trueDirections = new Float32Array(features * dIn);
    const row = new Float64Array(dIn);
    for (let f = 0; f < features; f++) {
      let n2 = 0;
      while (n2 === 0) {
        n2 = 0;
        for (let i = 0; i < dIn; i++) {
          row[i] = this.rng.normal();
          n2 += row[i]! ** 2;
        }
      }
      const inv = 1 / Math.sqrt(n2);
      for (let i = 0; i < dIn; i++) this.trueDirections[f * dIn + i] = row[i]! * inv;
    }
  }

  /** B samples, [B, d_in] row-major. */
  nextBatch(B: number): Float32Array {
    if (!Number.isInteger(B) || B < 1) throw new SyntheticSourceError(`Batch size must be a positive integer (got ${B}).`);
    const { dIn, features } = this;
    const out = new Float32Array(B * dIn);
    const acc = new Float64Array(dIn);
    for (let b = 0; b < B; b++) {
      acc.fill(0);
      for (let f = 0; f < features; f++) {
        if (this.rng.uniform() >= this.activeProb) continue;
        const m = this.rng.range(MAGNITUDE_MIN, MAGNITUDE_MAX);
        for (let i = 0; i < dIn; i++) acc[i] += m * this.trueDirections[f * dIn + i]!;
      }
      out.set(acc, b * dIn);
    }
    return out;
  }

  /** The sampler's PRNG state (fits TrainerState.rngState). */
  getState(): number[] {
    return this.rng.getState();
  }

  setState(state: readonly number[]): void {
    this.rng.setState(state);
  }
}
