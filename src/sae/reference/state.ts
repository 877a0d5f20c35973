// The reference trainer's exact (Float64) state. The project-wide TrainerState (../state.ts) holds Float32;
// this twin exists so float64 runs can also be paused and resumed bit-for-bit.
import type { ParamName, SaeConfig } from '../config';
import type { ReferenceParams } from './params';

export interface ReferenceState {
  config: SaeConfig;
  step: number;
  params: ReferenceParams;
  adamM: Partial<Record<ParamName, Float64Array>>;
  adamV: Partial<Record<ParamName, Float64Array>>;
  stepsSinceFired: Float64Array;
  thresholdBatch: number | null;
  rngState?: number[];
  inputScale?: number;
}

export class TrainerStateError extends Error {
  override name = 'TrainerStateError';
}
