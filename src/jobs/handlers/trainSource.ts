// Where a training's batches come from. Today: the synthetic superposition source (seeded; its PRNG state
// is saved in every checkpoint so a resumed run sees exactly the batches it would have seen). Cached
// activations and model hooks plug in here later.
import { SuperpositionSource } from '../../data/synthetic';
import type { ActivationSourceSpec } from '../../domain/entities';

export interface BatchSource {
  /** B rows of activations, [B, d_in] */
  nextBatch(B: number): Float32Array;
  /** resumable state (saved as TrainerState.rngState) */
  getState(): number[];
  setState(state: readonly number[]): void;
  /** the true feature directions [features, d_in], when they are known (synthetic data) */
  readonly trueDirections?: Float32Array;
}

export class UnsupportedSourceError extends Error {
  override name = 'UnsupportedSourceError';
  readonly action = 'Start a training on the synthetic source; other sources are not available in this version.';
}

export function openBatchSource(spec: ActivationSourceSpec): BatchSource {
  if (spec.kind === 'synthetic') {
    return new SuperpositionSource({ dIn: spec.dIn, features: spec.features, activeProb: spec.activeProb, seed: spec.seed });
  }
  throw new UnsupportedSourceError(
    spec.kind === 'cache' ? 'Training on cached activations is not available in this version.' : 'Training on a model and dataset is not available in this version.',
  );
}

/** x ← s·x in place (input scaling), returning x. */
export function scaleBatch(x: Float32Array, s: number): Float32Array {
  if (s !== 1) for (let i = 0; i < x.length; i++) x[i] = x[i]! * s;
  return x;
}
