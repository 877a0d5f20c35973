// What the training loop needs from a trainer: queue steps without waiting, receive every step's metrics
// as they are read back (a few steps behind), force the pending ones out, and snapshot the whole state.
// GpuStepTrainer adapts GpuSaeTrainer to it; tests may plug in another implementation.
import type { SaeConfig, SaeParams, StepMetrics } from '../../sae/config';
import { GpuSaeTrainer } from '../../sae/gpu/trainer';
import { TrainingDivergedError as GpuDivergedError } from '../../sae/gpu/errors';
import type { TrainerState } from '../../sae/state';

export interface MetricsDelivery {
  /** index (from 0) of the step the first metrics belong to */
  firstStep: number;
  metrics: StepMetrics[];
}

export interface StepTrainer {
  /** queues one step on `batch` ([B, d_in]: an array, or a GPUBuffer on the trainer's device); never waits for the GPU */
  step(batch: Float32Array | GPUBuffer, B: number): void;
  /** metrics read back since the previous call, in step order; never waits */
  takeMetrics(): MetricsDelivery[];
  /** how many steps' metrics have been delivered so far (counting from step 0) */
  readonly deliveredSteps: number;
  /** resolves once the metrics of the first `steps` steps have been delivered (reading back what is pending) */
  waitForMetrics(steps: number): Promise<void>;
  /** the full state after the steps queued so far; queue no step until it resolves */
  state(): Promise<TrainerState>;
  destroy(): void;
}

/** Builds a trainer from fresh parameters (step 0) or from a checkpoint's state (its step count continues). */
export type TrainerFactory = (config: SaeConfig, init: SaeParams | TrainerState) => Promise<StepTrainer>;

/** Non-finite loss or weights: the run cannot continue from here. `step` counts completed steps (from 1). */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
  constructor(
    readonly step: number,
    /** what was not finite */
    readonly what: string,
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

/** Steps between metric readbacks on the GPU: a few dozen keeps readbacks rare and the lag short. */
export const GPU_METRICS_INTERVAL = 16;

/** GpuSaeTrainer behind the StepTrainer port; its divergence error becomes the loop's. */
export class GpuStepTrainer implements StepTrainer {
  private deliveries: MetricsDelivery[] = [];
  private delivered: number;
  private trainer!: GpuSaeTrainer;

  private constructor(startStep: number) {
    this.delivered = startStep;
  }

  static async create(device: GPUDevice, config: SaeConfig, init: SaeParams | TrainerState, metricsInterval = GPU_METRICS_INTERVAL): Promise<GpuStepTrainer> {
    const adapter = new GpuStepTrainer(isTrainerState(init) ? init.step : 0);
    adapter.trainer = await GpuSaeTrainer.create(device, config, init, {
      metricsInterval,
      onMetrics: (metrics, firstStep) => adapter.deliver(metrics, firstStep),
    });
    return adapter;
  }

  get deliveredSteps(): number {
    return this.delivered;
  }

  step(batch: Float32Array | GPUBuffer, B: number): void {
    try {
      this.trainer.step(batch, B);
    } catch (e) {
      throw convertDiverged(e);
    }
  }

  takeMetrics(): MetricsDelivery[] {
    return this.deliveries.splice(0);
  }

  async waitForMetrics(steps: number): Promise<void> {
    if (this.delivered >= steps) return;
    if (steps > this.trainer.completedSteps) throw new RangeError(`Only ${this.trainer.completedSteps} steps were queued; cannot wait for ${steps}.`);
    try {
      // flushes whatever is pending and waits for every readback in flight; onMetrics delivers them
      await this.trainer.readMetrics();
    } catch (e) {
      throw convertDiverged(e);
    }
  }

  state(): Promise<TrainerState> {
    return this.trainer.getState();
  }

  destroy(): void {
    this.trainer?.destroy();
  }

  private deliver(metrics: StepMetrics[], firstStep: number): void {
    this.deliveries.push({ firstStep, metrics });
    this.delivered = Math.max(this.delivered, firstStep + metrics.length);
  }
}

function convertDiverged(e: unknown): unknown {
  if (e instanceof GpuDivergedError) return new TrainingDivergedError(e.step + 1, 'the loss became NaN or infinite', null);
  return e;
}
