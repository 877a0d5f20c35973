// The CPU float64 reference trainer: one SAE_SPEC.md step per call, in the spec's order. It is the contract
// the GPU trainer is tested against, so it favours plain loops over speed.
//
// Points the spec leaves implicit, as the golden fixtures confirm them:
// - the log_threshold gradient is θ · ∂L/∂θ (the chain rule through θ = exp(log_threshold));
// - AuxK's dead mask uses the counters from before the step; dead_fraction is read after they update;
// - AuxK's residual e is detached, so its gradient is not the derivative of the total loss (finite
//   differences must freeze e);
// - the metrics describe the forward pass of this step, i.e. the parameters before the update;
// - top-k ties go to the lower index (rows for topk, flat [b, j] order for batchtopk).
import { validateSaeConfig, type ParamName, type SaeConfig, type StepMetrics } from '../config';
import { learningRate } from '../schedules';
import type { TrainerState } from '../state';
import { adamStep } from './adam';
import { lossAndGradients } from './backward';
import { deadFraction, updateBatchThreshold, updateStepsSinceFired } from './counters';
import { projectDecoderGradient, renormalizeDecoder } from './decoder';
import { clipGradients } from './grad-clip';
import { explainedVariance, meanL0 } from './metrics';
import { cloneParams, paramEntries, paramNames, toReferenceParams, toSaeParams, zerosLike, type ParamsLike, type ReferenceParams } from './params';
import { TrainerStateError, type ReferenceState } from './state';

export interface ReferenceTrainerOptions {
  /**
   * 'float64' (default) keeps parameters and Adam moments in float64 between steps, as the golden fixtures
   * were computed. 'float32' rounds them to float32 after every update, like the GPU trainer's storage;
   * then getState() (Float32 TrainerState) loses nothing and a resumed run is bit-identical.
   */
  stateStorage?: 'float64' | 'float32';
}

export interface StepInternals {
  hidden_pre: Float64Array;
  feature_acts: Float64Array;
  x_hat: Float64Array;
  /** gradients after decoder projection (spec step 2), before clipping */
  grads: ReferenceParams;
}

export interface StepResult {
  metrics: StepMetrics;
  internals: StepInternals;
}

function roundToFloat32(a: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i]!);
}

function copyMoments<T>(src: Partial<Record<ParamName, ArrayLike<number>>>, names: ParamName[], size: (n: ParamName) => number, make: (v: ArrayLike<number>) => T, what: string): Partial<Record<ParamName, T>> {
  const out: Partial<Record<ParamName, T>> = {};
  for (const n of names) {
    const v = src[n];
    if (!v || v.length !== size(n)) throw new TrainerStateError(`Trainer state: Adam ${what} for ${n} is missing or has the wrong size.`);
    out[n] = make(v);
  }
  return out;
}

export class ReferenceTrainer {
  private cfg: SaeConfig;
  /** passed through getState/setState untouched: the batch sampler's PRNG state */
  rngState?: number[];
  /** passed through getState/setState untouched: x_used = inputScale · x */
  inputScale?: number;
  private readonly storage: 'float64' | 'float32';
  private params: ReferenceParams;
  private adamM: ReferenceParams;
  private adamV: ReferenceParams;
  private stepsSinceFired: Float64Array;
  private thresholdBatch: number | null = null;
  private stepsDone = 0;

  constructor(config: SaeConfig, params: ParamsLike, options: ReferenceTrainerOptions = {}) {
    this.cfg = validateSaeConfig(config);
    this.storage = options.stateStorage ?? 'float64';
    this.params = toReferenceParams(params, this.cfg);
    this.adamM = zerosLike(this.params);
    this.adamV = zerosLike(this.params);
    this.stepsSinceFired = new Float64Array(this.cfg.d_sae);
    if (this.storage === 'float32') for (const [, a] of paramEntries(this.params)) roundToFloat32(a);
  }

  static fromState(state: TrainerState, options: ReferenceTrainerOptions = {}): ReferenceTrainer {
    const t = new ReferenceTrainer(state.config, state.params, options);
    t.setState(state);
    return t;
  }

  get config(): SaeConfig {
    return { ...this.cfg };
  }

  /** Steps completed so far (the next step's index). */
  get completedSteps(): number {
    return this.stepsDone;
  }

  /** The BatchTopK inference threshold (null before the first step and for other architectures). */
  get batchThreshold(): number | null {
    return this.thresholdBatch;
  }

  /** A copy of the current parameters. */
  currentParams(): ReferenceParams {
    return cloneParams(this.params);
  }

  /** Runs one training step on `batch` ([B, d_in], row-major). */
  step(batch: ArrayLike<number>, B: number): StepResult {
    const cfg = this.cfg;
    if (!Number.isInteger(B) || B < 1) throw new RangeError(`Batch size must be a positive integer (got ${B}).`);
    if (batch.length !== B * cfg.d_in) {
      throw new RangeError(`Batch has ${batch.length} values; ${B} rows of d_in=${cfg.d_in} need ${B * cfg.d_in}.`);
    }
    const stepIndex = this.stepsDone;
    const p = this.params;

    // 1. gradients
    const { forward, terms, grads } = lossAndGradients(cfg, p, batch, B, { step: stepIndex, stepsSinceFired: this.stepsSinceFired });
    // 2. decoder-gradient projection
    if (cfg.normalize_decoder) projectDecoderGradient(grads.W_dec, p.W_dec, cfg.d_sae, cfg.d_in);
    const internals: StepInternals = {
      hidden_pre: forward.hiddenPre,
      feature_acts: forward.featureActs,
      x_hat: forward.xHat,
      grads: cloneParams(grads),
    };
    // 3. global clipping
    const names = paramNames(cfg);
    if (cfg.grad_clip_norm !== null) clipGradients(names.map((n) => grads[n]!), cfg.grad_clip_norm);
    // 4. Adam
    const lr = learningRate(cfg, stepIndex);
    const hyper = { lr, beta1: cfg.adam_beta1, beta2: cfg.adam_beta2, eps: cfg.adam_eps, t: stepIndex + 1 };
    for (const n of names) adamStep(p[n]!, grads[n]!, this.adamM[n]!, this.adamV[n]!, hyper);
    // 5. decoder renormalisation
    if (cfg.normalize_decoder) renormalizeDecoder(p.W_dec, cfg.d_sae, cfg.d_in);
    if (this.storage === 'float32') {
      for (const n of names) {
        roundToFloat32(p[n]!);
        roundToFloat32(this.adamM[n]!);
        roundToFloat32(this.adamV[n]!);
      }
    }
    // 6. firing counters
    updateStepsSinceFired(this.stepsSinceFired, forward.featureActs, B);
    // 7. BatchTopK threshold
    if (cfg.architecture === 'batchtopk') {
      this.thresholdBatch = updateBatchThreshold(this.thresholdBatch, forward.featureActs, cfg.threshold_momentum ?? 0.99);
    }
    this.stepsDone++;

    const metrics: StepMetrics = {
      ...terms,
      l0: meanL0(forward.featureActs, B),
      explained_variance: explainedVariance(batch, forward.xHat, B, cfg.d_in),
      dead_fraction: deadFraction(this.stepsSinceFired, cfg.dead_steps_threshold),
      lr,
    };
    return { metrics, internals };
  }

  /** The project-wide Float32 state (exact when stateStorage is 'float32'). */
  getState(): TrainerState {
    const names = paramNames(this.cfg);
    const f32 = (r: ReferenceParams) => Object.fromEntries(names.map((n) => [n, Float32Array.from(r[n]!)]));
    const state: TrainerState = {
      config: { ...this.cfg },
      step: this.stepsDone,
      params: toSaeParams(this.params),
      adamM: f32(this.adamM),
      adamV: f32(this.adamV),
      stepsSinceFired: Float32Array.from(this.stepsSinceFired),
      thresholdBatch: this.thresholdBatch,
    };
    if (this.rngState) state.rngState = [...this.rngState];
    if (this.inputScale !== undefined) state.inputScale = this.inputScale;
    return state;
  }

  setState(state: TrainerState): void {
    this.restore(state);
  }

  /** The exact Float64 state. */
  getExactState(): ReferenceState {
    const names = paramNames(this.cfg);
    const copy = (r: ReferenceParams) => Object.fromEntries(names.map((n) => [n, r[n]!.slice()]));
    const state: ReferenceState = {
      config: { ...this.cfg },
      step: this.stepsDone,
      params: cloneParams(this.params),
      adamM: copy(this.adamM),
      adamV: copy(this.adamV),
      stepsSinceFired: this.stepsSinceFired.slice(),
      thresholdBatch: this.thresholdBatch,
    };
    if (this.rngState) state.rngState = [...this.rngState];
    if (this.inputScale !== undefined) state.inputScale = this.inputScale;
    return state;
  }

  setExactState(state: ReferenceState): void {
    this.restore(state);
  }

  private restore(state: TrainerState | ReferenceState): void {
    const f64 = (v: ArrayLike<number>) => Float64Array.from(v);
    if (!Number.isInteger(state.step) || state.step < 0) throw new TrainerStateError('Trainer state: step must be a non-negative integer.');
    const config = validateSaeConfig(state.config);
    const params = toReferenceParams(state.params, config);
    const names = paramNames(config);
    const size = (n: ParamName) => params[n]!.length;
    const m = copyMoments(state.adamM, names, size, f64, 'first moment');
    const v = copyMoments(state.adamV, names, size, f64, 'second moment');
    if (state.stepsSinceFired.length !== config.d_sae) {
      throw new TrainerStateError(`Trainer state: stepsSinceFired has ${state.stepsSinceFired.length} entries, d_sae is ${config.d_sae}.`);
    }
    this.cfg = config;
    this.params = params;
    this.adamM = m as ReferenceParams;
    this.adamV = v as ReferenceParams;
    this.stepsSinceFired = f64(state.stepsSinceFired);
    this.thresholdBatch = state.thresholdBatch;
    this.stepsDone = state.step;
    this.rngState = state.rngState ? [...state.rngState] : undefined;
    this.inputScale = state.inputScale;
  }
}
