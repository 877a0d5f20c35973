// Where a training's batches come from: the synthetic superposition source (seeded; its PRNG state is saved
// in every checkpoint so a resumed run sees exactly the batches it would have seen), a stored activation
// cache, or a model run over a tokenized dataset (src/data/activation-sources: on the GPU, zero copy).
import { openActivationSource, type ActivationSourceDeps } from '../../data/activation-sources';
import { SuperpositionSource } from '../../data/synthetic';
import type { ActivationSourceSpec } from '../../domain/entities';

export interface BatchSource {
  /** width of each row, when the source knows it before the first batch */
  readonly dIn?: number;
  /** B rows of activations [B, d_in] times `scale`: an array, or a GPUBuffer on the trainer's device */
  nextBatch(B: number, scale: number): Promise<Float32Array | GPUBuffer>;
  /** rows for initialisation (input scale, b_dec), unscaled, on the CPU */
  sample(rows: number): Promise<Float32Array>;
  /** resumable state (saved as TrainerState.rngState) */
  getState(): number[];
  setState(state: readonly number[]): void;
  /** the true feature directions [features, d_in], when they are known (synthetic data) */
  readonly trueDirections?: Float32Array;
  /** releases what the source holds (a model session, GPU buffers) */
  destroy?(): Promise<void>;
}

export type SourceOpener = (spec: ActivationSourceSpec) => Promise<BatchSource>;

export class UnsupportedSourceError extends Error {
  override name = 'UnsupportedSourceError';
  readonly action = 'Start the training from the Training page, where the sources this worker can read are offered.';
}

function syntheticSource(spec: Extract<ActivationSourceSpec, { kind: 'synthetic' }>): BatchSource {
  const source = new SuperpositionSource({ dIn: spec.dIn, features: spec.features, activeProb: spec.activeProb, seed: spec.seed });
  return {
    dIn: spec.dIn,
    nextBatch: async (B, scale) => scaleBatch(source.nextBatch(B), scale),
    sample: async (rows) => source.nextBatch(rows),
    getState: () => source.getState(),
    setState: (state) => source.setState(state),
    trueDirections: source.trueDirections,
  };
}

/** The synthetic source (what tests and the CPU reference use); other kinds need openTrainingSource. */
export async function openBatchSource(spec: ActivationSourceSpec): Promise<BatchSource> {
  if (spec.kind === 'synthetic') return syntheticSource(spec);
  throw new UnsupportedSourceError(spec.kind === 'cache' ? 'This worker cannot read activation caches.' : 'This worker cannot run models.');
}

/** Any source: caches and models through the activation-source API, on the trainer's device. */
export function openTrainingSource(spec: ActivationSourceSpec, deps: ActivationSourceDeps): Promise<BatchSource> {
  return spec.kind === 'synthetic' ? openBatchSource(spec) : openActivationSource(spec, deps);
}

/** x ← s·x in place (input scaling), returning x. */
export function scaleBatch(x: Float32Array, s: number): Float32Array {
  if (s !== 1) for (let i = 0; i < x.length; i++) x[i] = x[i]! * s;
  return x;
}
