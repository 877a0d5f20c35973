// What the training loop needs from a trainer: queue steps, read metrics and weights back asynchronously,
// snapshot the whole state. The GPU trainer implements it in the app; tests may plug in another.
import type { SaeConfig, SaeParams, StepMetrics } from '../../sae/config';
import type { TrainerState } from '../../sae/state';

export interface StepTrainer {
  /** queues one step on `batch` ([B, d_in]); does not wait for the GPU */
  step(batch: Float32Array, B: number): void;
  /** the metrics of the step queued last, read back without stalling later steps */
  metrics(): Promise<StepMetrics>;
  /** W_dec [d_sae, d_in] after the steps queued so far */
  decoder(): Promise<Float32Array>;
  /** the full state after the steps queued so far (rngState and inputScale are the loop's to add) */
  state(): Promise<TrainerState>;
  destroy(): void;
}

/** Builds a trainer from fresh parameters (step 0) or from a checkpoint's state (its step count continues). */
export type TrainerFactory = (config: SaeConfig, init: SaeParams | TrainerState) => Promise<StepTrainer>;

/** Non-finite loss or weights: the run cannot continue from here. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
  constructor(
    readonly step: number,
    what: string,
    readonly lastGoodStep: number | null,
  ) {
    super(`Training diverged at step ${step}: ${what}.`);
  }

  get action(): string {
    const kept = this.lastGoodStep === null ? 'No checkpoint was saved before it.' : `The last good checkpoint (step ${this.lastGoodStep}) is kept.`;
    return `${kept} Lower the learning rate or turn on gradient clipping, then start the run again${this.lastGoodStep === null ? '' : ' or resume it'}.`;
  }
}

export function isTrainerState(init: SaeParams | TrainerState): init is TrainerState {
  return 'config' in init && 'adamM' in init;
}

/** The first non-finite metric (loss first), or undefined. */
export function nonFiniteMetric(m: StepMetrics): string | undefined {
  const keys: (keyof StepMetrics)[] = ['loss', 'mse', 'sparsity', 'aux', 'l0', 'explained_variance', 'dead_fraction'];
  const bad = keys.find((k) => !Number.isFinite(m[k]));
  return bad === undefined ? undefined : `${bad} is ${m[bad]}`;
}

/** Whether every parameter of a state is finite (checked before a checkpoint is saved). */
export function stateIsFinite(state: TrainerState): boolean {
  for (const v of Object.values(state.params)) {
    if (!(v instanceof Float32Array)) continue;
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
  }
  return true;
}
