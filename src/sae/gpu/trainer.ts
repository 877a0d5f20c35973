// GpuSaeTrainer: SAE_SPEC.md training steps on a GPUDevice. A step is enqueued without any CPU round trip;
// metrics accumulate on the GPU and are read back asynchronously every `metricsInterval` steps through a
// ring of mappable buffers. Relu and JumpReLU take a dense path (tiled matmuls); TopK and BatchTopK a
// sparse one whose decode and backward cost ∝ k (gather decode, per-latent gradients over a counting sort).
import { readBuffer, readF32, readU32, writeData } from '../../gpu/buffers';
import { recordDispatches } from '../../gpu/dispatches';
import { KernelError } from '../../gpu/kernels';
import { GpuProfiler, type PassTiming } from '../../gpu/profiler';
import { ReadbackRing } from '../../gpu/readback-ring';
import { GpuScope } from '../../gpu/scope';
import { paramShapes, validateSaeConfig, type ParamName, type SaeConfig, type SaeParams, type StepMetrics } from '../config';
import type { TrainerState } from '../state';
import { GpuCapacityError, GpuTrainerInputError, TrainingDivergedError } from './errors';
import { METRICS_WIDTH, readScalars, saeDimsBlock, scalarsBlock, SCALARS_WORDS, stepInfoBlock } from './layout';
import { chooseMatmulTiling, type MatmulTiling } from './matmul';
import { buildStepPlan, type StepPlan } from './step-plan';
import { denseFromLists, paramProblems, transpose } from './transfer';
import { allocateBatch, allocatePersistent, largestBatchBuffer, paramKeys, type BatchBuffers, type ParamBuffers, type ParamKey, type PersistentBuffers } from './workspace';

export interface GpuTrainerOptions {
  /** steps between metric readbacks (default 32); readMetrics() also reads whatever is pending */
  metricsInterval?: number;
  /** receives each readback's metrics (then readMetrics() does not return them again) */
  onMetrics?: (metrics: StepMetrics[], firstStep: number) => void;
  /** time every kernel with timestamp queries (where the device supports them); see profile() */
  profile?: boolean;
  /** override the matmul tile sizes chosen from device.limits */
  tiling?: MatmulTiling;
  /**
   * the batch size to expect: its buffers and kernels are then set up (and compiled) by create(), which
   * reports any problem at once, instead of by the first step()
   */
  batchSize?: number;
}

/** A step's forward values and its gradients after the decoder projection (spec step 2), before clipping. */
export interface GpuStepInternals {
  hidden_pre: Float32Array;
  feature_acts: Float32Array;
  x_hat: Float32Array;
  /** same names and layouts as SaeParams (W_enc [d_in, d_sae]) */
  grads: SaeParams;
}

const PARAM_NAME: Record<ParamKey, ParamName> = { w_enc_t: 'W_enc', b_enc: 'b_enc', w_dec: 'W_dec', b_dec: 'b_dec', log_thr: 'log_threshold' };

function isGpuBuffer(v: GPUBuffer | Float32Array | Uint16Array): v is GPUBuffer {
  return !ArrayBuffer.isView(v);
}

function padToEven(a: Uint16Array): Uint16Array {
  const out = new Uint16Array(a.length + 1);
  out.set(a);
  return out;
}

function isTrainerState(v: SaeParams | TrainerState): v is TrainerState {
  return 'params' in v && 'adamM' in v;
}

interface MetricsBatch {
  firstStep: number;
  metrics: StepMetrics[];
}

export class GpuSaeTrainer {
  private readonly scope: GpuScope;
  private readonly ring: ReadbackRing;
  private readonly profiler: GpuProfiler | null;
  private readonly tiling: MatmulTiling;
  private readonly metricsInterval: number;
  private batch: BatchBuffers | null = null;
  private readonly plans = new Map<number, StepPlan>();
  private stepCount: number;
  /** first step whose metrics are in the metrics buffer and not yet copied out */
  private flushBase: number;
  private readonly inflight: Promise<void>[] = [];
  private readonly delivered: MetricsBatch[] = [];
  /** validation-error scopes of steps not yet checked (checked with each metrics readback) */
  private gpuErrors: Promise<GPUError | null>[] = [];
  private failure: KernelError | null = null;
  private divergedAt: number | null = null;
  private captureWaiters: ((v: GpuStepInternals) => void)[] = [];
  private captureFailures: ((e: unknown) => void)[] = [];
  private destroyed = false;
  private rngState?: number[];
  private inputScale?: number;

  private constructor(
    readonly device: GPUDevice,
    readonly config: SaeConfig,
    private readonly buffers: PersistentBuffers,
    scope: GpuScope,
    step: number,
    private readonly options: GpuTrainerOptions,
    extra: { rngState?: number[]; inputScale?: number },
  ) {
    this.scope = scope;
    this.ring = new ReadbackRing(device);
    this.profiler = options.profile ? GpuProfiler.create(device, this.ring) : null;
    this.tiling = options.tiling ?? chooseMatmulTiling(device.limits);
    this.metricsInterval = Math.max(1, Math.floor(options.metricsInterval ?? 32));
    this.stepCount = step;
    this.flushBase = step;
    if (extra.rngState) this.rngState = [...extra.rngState];
    if (extra.inputScale !== undefined) this.inputScale = extra.inputScale;
  }

  /** A trainer starting from initial parameters (step 0) or resuming a TrainerState (possibly from another device). */
  static async create(device: GPUDevice, config: SaeConfig, init: SaeParams | TrainerState, options: GpuTrainerOptions = {}): Promise<GpuSaeTrainer> {
    const cfg = validateSaeConfig(isTrainerState(init) ? { ...init.config, ...config } : config);
    const state = isTrainerState(init) ? init : null;
    const params = state ? state.params : (init as SaeParams);
    const problems = state ? stateProblems(cfg, state) : paramProblems(params, paramShapes(cfg), 'parameter');
    if (problems.length) throw new GpuTrainerInputError(`Cannot start GPU training: ${problems.join('; ')}.`);
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (cfg.d_in * cfg.d_sae * 4 > limit) {
      throw new GpuCapacityError(
        `An SAE with d_in=${cfg.d_in} and d_sae=${cfg.d_sae} needs ${mb(cfg.d_in * cfg.d_sae * 4)} per weight matrix; this GPU binds at most ${mb(limit)}. Choose a smaller d_sae.`,
      );
    }

    const scope = new GpuScope(device);
    device.pushErrorScope('validation');
    const buffers = allocatePersistent(scope, cfg, Math.max(1, Math.floor(options.metricsInterval ?? 32)), saeDimsBlock(cfg));
    writeTrainerState(device, cfg, buffers, params, state);
    const err = await device.popErrorScope();
    if (err) {
      scope.destroy();
      throw new KernelError(`Could not set up GPU training buffers: ${err.message}`);
    }
    const trainer = new GpuSaeTrainer(device, cfg, buffers, scope, state?.step ?? 0, options, { rngState: state?.rngState, inputScale: state?.inputScale });
    if (options.batchSize !== undefined) {
      device.pushErrorScope('validation');
      let thrown: unknown = null;
      try {
        trainer.planFor(options.batchSize);
      } catch (e) {
        thrown = e;
      }
      const planError = await device.popErrorScope();
      if (thrown !== null || planError) {
        trainer.destroy();
        throw thrown ?? new KernelError(`The GPU rejected the training kernels: ${planError!.message}`);
      }
    }
    return trainer;
  }

  /** Steps enqueued so far (the next step's index). */
  get completedSteps(): number {
    return this.stepCount;
  }

  /**
   * Enqueues one training step on `batch`, [B, d_in] row-major: a Float32Array; a Uint16Array of f16 bits;
   * or a GPUBuffer on this device (COPY_SRC usage) holding f32, or f16 with dtype 'f16', from `byteOffset`
   * (a multiple of 4). Returns at once. Throws TrainingDivergedError once a readback has shown that an
   * earlier step diverged.
   */
  step(batch: GPUBuffer | Float32Array | Uint16Array, B: number, byteOffset = 0, dtype: 'f32' | 'f16' = batch instanceof Uint16Array ? 'f16' : 'f32'): void {
    if (this.destroyed) throw new GpuTrainerInputError('This GPU trainer was destroyed.');
    if (this.failure) throw this.failure;
    if (this.divergedAt !== null) throw new TrainingDivergedError(this.divergedAt, []);
    const cfg = this.config;
    if (!Number.isInteger(B) || B < 1) throw new GpuTrainerInputError(`Batch size must be a positive integer (got ${B}).`);
    const n = B * cfg.d_in;
    const f16 = dtype === 'f16';
    if (!isGpuBuffer(batch)) {
      if (batch.length !== n) throw new GpuTrainerInputError(`Batch has ${batch.length} values; ${B} rows of d_in=${cfg.d_in} need ${n}.`);
      if ((batch instanceof Uint16Array) !== f16) throw new GpuTrainerInputError('An f16 batch comes as a Uint16Array of f16 bits, an f32 batch as a Float32Array.');
    }
    // bytes copied: f16 pairs fill whole words, so an odd count reads 2 bytes past the batch
    const bytes = f16 ? Math.ceil(n / 2) * 4 : n * 4;
    if (isGpuBuffer(batch) && (byteOffset % 4 !== 0 || byteOffset + bytes > batch.size)) {
      throw new GpuTrainerInputError(`The batch buffer (${batch.size} bytes) has no ${bytes} bytes at offset ${byteOffset} (which must be a multiple of 4).`);
    }
    // validation errors of this step surface with the next metrics readback (see flush)
    this.device.pushErrorScope('validation');
    let submitted = false;
    try {
      const plan = this.planFor(B);
      const bb = this.batch!;
      const step = this.stepCount;
      this.device.queue.writeBuffer(this.buffers.stepInfo, 0, stepInfoBlock(cfg, step, step - this.flushBase, B));
      const target = f16 ? bb.xF16 : bb.x;
      if (batch instanceof Float32Array) writeData(this.device, target, batch);
      else if (batch instanceof Uint16Array) writeData(this.device, target, n % 2 ? padToEven(batch) : batch);
      const encoder = this.device.createCommandEncoder({ label: `SAE step ${step}` });
      if (isGpuBuffer(batch)) encoder.copyBufferToBuffer(batch, byteOffset, target, 0, bytes);
      recordDispatches(encoder, f16 ? [plan.unpackF16, ...plan.dispatches] : plan.dispatches, this.profiler);
      this.profiler?.endFrame(encoder);
      this.device.queue.submit([encoder.finish()]);
      submitted = true;
    } finally {
      const errors = this.device.popErrorScope();
      if (submitted) this.gpuErrors.push(errors);
      else void errors.catch(() => null);
    }
    this.profiler?.afterSubmit();
    if (this.captureWaiters.length) this.capture(B);
    this.stepCount++;
    if (this.stepCount - this.flushBase >= this.metricsInterval) this.flush();
  }

  /** Resolves with the internals of the next step() (for tests and diagnostics; costs a readback). */
  captureNextStep(): Promise<GpuStepInternals> {
    return new Promise((resolve, reject) => {
      this.captureWaiters.push(resolve);
      this.captureFailures.push(reject);
    });
  }

  /**
   * Metrics of every step since the previous call (or since the last onMetrics delivery), in step order.
   * Waits only for those readbacks. Throws TrainingDivergedError if a step's loss was not finite.
   */
  async readMetrics(): Promise<StepMetrics[]> {
    if (this.stepCount > this.flushBase) this.flush();
    await Promise.all(this.inflight.splice(0));
    if (this.failure) throw this.failure;
    const batches = this.delivered.splice(0).sort((a, b) => a.firstStep - b.firstStep);
    const metrics = batches.flatMap((b) => b.metrics);
    if (this.divergedAt !== null) {
      const first = batches[0]?.firstStep ?? this.divergedAt;
      throw new TrainingDivergedError(this.divergedAt, metrics.slice(0, Math.max(0, this.divergedAt - first)));
    }
    return metrics;
  }

  /**
   * Replaces the whole training state (same architecture and sizes), e.g. to roll back to a checkpoint.
   * Metrics of steps enqueued before are still delivered.
   */
  setState(state: TrainerState): void {
    if (this.destroyed) throw new GpuTrainerInputError('This GPU trainer was destroyed.');
    const cfg = this.config;
    const other = state.config;
    if (other.architecture !== cfg.architecture || other.d_in !== cfg.d_in || other.d_sae !== cfg.d_sae) {
      throw new GpuTrainerInputError(
        `The state is for a ${other.architecture} SAE with d_in=${other.d_in}, d_sae=${other.d_sae}; this trainer trains a ${cfg.architecture} SAE with d_in=${cfg.d_in}, d_sae=${cfg.d_sae}.`,
      );
    }
    const problems = stateProblems(cfg, state);
    if (problems.length) throw new GpuTrainerInputError(`Cannot restore the training state: ${problems.join('; ')}.`);
    if (this.stepCount > this.flushBase) this.flush();
    writeTrainerState(this.device, cfg, this.buffers, state.params, state);
    this.stepCount = state.step;
    this.flushBase = state.step;
    this.divergedAt = null;
    this.rngState = state.rngState ? [...state.rngState] : undefined;
    this.inputScale = state.inputScale;
  }

  /** Everything needed to continue bit-for-bit on a new trainer (and a new device). Waits for the GPU. */
  async getState(): Promise<TrainerState> {
    const cfg = this.config;
    const d = this.device;
    const read = async (set: ParamBuffers): Promise<SaeParams> => {
      const tensor = async (key: ParamKey, n: number) => {
        const v = await readF32(d, set[key]!, n);
        return key === 'w_enc_t' ? transpose(v, cfg.d_sae, cfg.d_in) : v;
      };
      const [W_enc, b_enc, W_dec, b_dec] = await Promise.all([
        tensor('w_enc_t', cfg.d_in * cfg.d_sae),
        tensor('b_enc', cfg.d_sae),
        tensor('w_dec', cfg.d_sae * cfg.d_in),
        tensor('b_dec', cfg.d_in),
      ]);
      const p: SaeParams = { W_enc, b_enc, W_dec, b_dec };
      if (set.log_thr) p.log_threshold = await tensor('log_thr', cfg.d_sae);
      return p;
    };
    const [params, adamM, adamV, ssf, scalarsBytes] = await Promise.all([
      read(this.buffers.params),
      read(this.buffers.adamM),
      read(this.buffers.adamV),
      readU32(d, this.buffers.ssf, cfg.d_sae),
      readBuffer(d, this.buffers.scalars, 0, SCALARS_WORDS * 4),
    ]);
    const scalars = readScalars(scalarsBytes);
    const state: TrainerState = {
      config: { ...cfg },
      // a diverged step left the parameters as they were before it
      step: scalars.diverged ? scalars.divergedStep : this.stepCount,
      params,
      adamM,
      adamV,
      stepsSinceFired: Float32Array.from(ssf),
      thresholdBatch: cfg.architecture === 'batchtopk' ? scalars.threshold : null,
    };
    if (this.rngState) state.rngState = [...this.rngState];
    if (this.inputScale !== undefined) state.inputScale = this.inputScale;
    return state;
  }

  /** Per-kernel GPU time of all steps so far (empty unless created with profile: true on a device with timestamp-query). */
  async profile(): Promise<PassTiming[]> {
    return this.profiler ? this.profiler.summary() : [];
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const p of this.plans.values()) p.scope.destroy();
    this.plans.clear();
    this.batch?.scope.destroy();
    this.profiler?.destroy();
    this.ring.destroy();
    this.scope.destroy();
    for (const fail of this.captureFailures) fail(new GpuTrainerInputError('The trainer was destroyed before the captured step ran.'));
  }

  private planFor(B: number): StepPlan {
    const cached = this.plans.get(B);
    if (cached) return cached;
    if (!this.batch || this.batch.capacity < B) {
      const limit = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
      if (largestBatchBuffer(this.config, B) > limit) {
        const maxRows = Math.floor(limit / (this.config.d_sae * 4));
        throw new GpuCapacityError(
          `A batch of ${B} rows needs ${mb(largestBatchBuffer(this.config, B))} for its pre-activations; this GPU binds at most ${mb(limit)}. Use at most ${maxRows} rows per batch.`,
        );
      }
      for (const p of this.plans.values()) p.scope.destroy();
      this.plans.clear();
      this.batch?.scope.destroy();
      this.batch = allocateBatch(this.device, this.config, B);
    }
    const plan = buildStepPlan(this.device, this.config, this.buffers, this.batch, B, this.tiling);
    this.plans.set(B, plan);
    return plan;
  }

  /** Starts reading the pending metrics slots (and the scalars, for divergence) without waiting. */
  private flush(): void {
    const first = this.flushBase;
    const n = this.stepCount - first;
    this.flushBase = this.stepCount;
    const metrics = this.ring.read(this.buffers.metrics, 0, n * METRICS_WIDTH * 4);
    const scalars = this.ring.read(this.buffers.scalars, 0, SCALARS_WORDS * 4);
    const errors = Promise.all(this.gpuErrors.splice(0));
    this.inflight.push(
      Promise.all([metrics, scalars, errors]).then(([mBytes, sBytes, errs]) => {
        const rejected = errs.filter((e): e is GPUError => e !== null);
        if (rejected.length && !this.failure) {
          this.failure = new KernelError(`The GPU rejected a training step: ${rejected.map((e) => e.message).join('; ')}`);
        }
        const f = new Float32Array(mBytes);
        const list: StepMetrics[] = [];
        for (let i = 0; i < n; i++) {
          const o = i * METRICS_WIDTH;
          const m: StepMetrics = {
            loss: f[o]!,
            mse: f[o + 1]!,
            sparsity: f[o + 2]!,
            aux: f[o + 3]!,
            l0: f[o + 4]!,
            explained_variance: f[o + 5]!,
            dead_fraction: f[o + 6]!,
            lr: f[o + 7]!,
          };
          if (!Number.isFinite(m.loss) && this.divergedAt === null) this.divergedAt = first + i;
          list.push(m);
        }
        const s = readScalars(sBytes);
        if (s.diverged && (this.divergedAt === null || s.divergedStep < this.divergedAt)) this.divergedAt = s.divergedStep;
        if (this.options.onMetrics) this.options.onMetrics(list, first);
        else this.delivered.push({ firstStep: first, metrics: list });
      }),
    );
  }

  private capture(B: number): void {
    const cfg = this.config;
    const d = this.device;
    const bb = this.batch!;
    const waiters = this.captureWaiters.splice(0);
    const failures = this.captureFailures.splice(0);
    const G = this.buffers.grads;
    const dense = bb.dense;
    const sparse = bb.sparse;
    const featureActs = dense
      ? readF32(d, dense.z, B * cfg.d_sae)
      : Promise.all([readU32(d, sparse!.rowPtrMain, 2 * B), readU32(d, sparse!.entMain, 2 * B * (cfg.k ?? 1))]).then(([ptr, ent]) => denseFromLists(ptr, ent, B, cfg.d_sae));
    const grads = Promise.all([
      readF32(d, G.w_enc_t, cfg.d_sae * cfg.d_in),
      readF32(d, G.b_enc, cfg.d_sae),
      readF32(d, G.w_dec, cfg.d_sae * cfg.d_in),
      readF32(d, G.b_dec, cfg.d_in),
      G.log_thr ? readF32(d, G.log_thr, cfg.d_sae) : Promise.resolve(null),
    ]).then(([wEncT, bEnc, wDec, bDec, logThr]) => {
      const g: SaeParams = { W_enc: transpose(wEncT, cfg.d_sae, cfg.d_in), b_enc: bEnc, W_dec: wDec, b_dec: bDec };
      if (logThr) g.log_threshold = logThr;
      return g;
    });
    Promise.all([readF32(d, bb.pre, B * cfg.d_sae), featureActs, readF32(d, bb.xHat, B * cfg.d_in), grads]).then(
      ([hidden_pre, feature_acts, x_hat, g]) => {
        for (const w of waiters) w({ hidden_pre, feature_acts, x_hat, grads: g });
      },
      (e: unknown) => {
        for (const f of failures) f(e);
      },
    );
  }
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Problems of a TrainerState for `cfg` (shapes, counters, step), as readable phrases. */
function stateProblems(cfg: SaeConfig, state: TrainerState): string[] {
  const shapes = paramShapes(cfg);
  const problems = [
    ...paramProblems(state.params, shapes, 'parameter'),
    ...paramProblems(state.adamM, shapes, 'Adam first moment'),
    ...paramProblems(state.adamV, shapes, 'Adam second moment'),
  ];
  if (state.stepsSinceFired.length !== cfg.d_sae) problems.push(`stepsSinceFired has ${state.stepsSinceFired.length} entries, d_sae is ${cfg.d_sae}`);
  if (!Number.isInteger(state.step) || state.step < 0) problems.push('step must be a non-negative integer');
  return problems;
}

/** Uploads parameters (W_enc transposed) and, for a TrainerState, Adam moments, counters and scalars. */
function writeTrainerState(device: GPUDevice, cfg: SaeConfig, buffers: PersistentBuffers, params: SaeParams, state: TrainerState | null): void {
  const upload = (set: ParamBuffers, src: Partial<Record<ParamName, ArrayLike<number>>>) => {
    for (const key of paramKeys(cfg)) {
      const v = src[PARAM_NAME[key]]!;
      writeData(device, set[key]!, key === 'w_enc_t' ? transpose(v, cfg.d_in, cfg.d_sae) : Float32Array.from(v));
    }
  };
  upload(buffers.params, params);
  const ssf = state ? Uint32Array.from(state.stepsSinceFired, (v) => Math.min(0xffffffff, Math.max(0, Math.round(v)))) : new Uint32Array(cfg.d_sae);
  if (state) {
    upload(buffers.adamM, state.adamM);
    upload(buffers.adamV, state.adamV);
  } else {
    const zeros = (set: ParamBuffers) => {
      for (const key of paramKeys(cfg)) device.queue.writeBuffer(set[key]!, 0, new Float32Array(set[key]!.size / 4));
    };
    zeros(buffers.adamM);
    zeros(buffers.adamV);
  }
  writeData(device, buffers.ssf, ssf);
  const nDead = ssf.reduce((n, v) => n + (v >= cfg.dead_steps_threshold ? 1 : 0), 0);
  device.queue.writeBuffer(buffers.scalars, 0, scalarsBlock({ nDead, threshold: state?.thresholdBatch ?? null }));
}
