// The whole trainer state: enough to continue a run bit-for-bit on a new trainer and a new device.
import type { ParamName, SaeConfig, SaeParams } from './config';

export interface TrainerState {
  config: SaeConfig;
  /** steps completed so far (the next step's index) */
  step: number;
  params: SaeParams;
  /** Adam first and second moments, one per parameter present in `params` */
  adamM: Partial<Record<ParamName, Float32Array>>;
  adamV: Partial<Record<ParamName, Float32Array>>;
  /** per latent: steps since it last fired (float32 holds exact integers up to 2^24) */
  stepsSinceFired: Float32Array;
  /** BatchTopK inference threshold; null before the first step */
  thresholdBatch: number | null;
  /** state of the batch sampler's PRNG (e.g. a synthetic source or shuffle), opaque to the trainer */
  rngState?: number[];
  /** optional input scale s (x_used = s·x), folded into the weights on export */
  inputScale?: number;
}
