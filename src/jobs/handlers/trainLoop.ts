// The 'train' job's work, independent of the GPU: restore or initialise, run the steps, read metrics back
// a few steps behind (never a per-step CPU round trip), store metrics, progress and checkpoints, honour
// pause and cancel between steps, and finish with an SAE in SAELens form.
import { bestCosines } from '../../data/synthetic';
import type { TrainingMetricRecord, TrainingRecord, TrainingRun } from '../../domain/entities';
import type { SaeConfig, SaeParams, StepMetrics } from '../../sae/config';
import { initSaeParams } from '../../sae/init';
import { estimateInputScale } from '../../sae/input-scale';
import type { TrainerState } from '../../sae/state';
import { recoverySnapshot, RECOVERED_COSINE } from '../../sae/training/recovery-snapshot';
import { deriveSeed, SEED_STREAM } from '../../sae/training/seeds';
import { transitionPath } from '../../sae/training/training-status';
import type { BlobStore } from '../../store/blob-store';
import { appendMetrics, deleteMetricsAfter } from '../../store/repos/trainingMetrics';
import { setTrainingStatus, trainingRepo } from '../../store/repos/trainings';
import type { JobContext, JobOutcome } from '../handlers';
import { loadLatestCheckpoint, saveTrainingCheckpoint } from './trainCheckpoints';
import { createSaeFromTraining } from './trainSae';
import { openBatchSource, scaleBatch, type BatchSource, type SourceOpener } from './trainSource';
import { nonFiniteMetric, stateIsFinite, TrainingDivergedError, type StepTrainer, type TrainerFactory } from './trainTrainer';

export interface TrainLoopDeps {
  createTrainer: TrainerFactory;
  blobs: BlobStore;
  /** milliseconds (performance.now() in the worker) */
  now: () => number;
  /** time between stored progress/metric batches */
  flushIntervalMs?: number;
  /** opens the training's activation source; default: synthetic only (openBatchSource) */
  openSource?: SourceOpener;
}

export interface TrainJobParams {
  trainingId: string;
}

export class TrainJobError extends Error {
  override name = 'TrainJobError';
}

export function parseTrainJobParams(params: unknown): TrainJobParams {
  if (typeof params === 'object' && params !== null && 'trainingId' in params && typeof params.trainingId === 'string') {
    return { trainingId: params.trainingId };
  }
  throw new TrainJobError('This training job has no training attached; start the training again from the Training page.');
}

/** Rows sampled from the source to estimate the input scale and b_dec. */
export const INIT_SAMPLE_ROWS = 4096;
/** Steps the loop may queue beyond the last delivered metrics: bounds the GPU queue and the NaN lag. */
export const MAX_STEPS_AHEAD = 48;
/** Above this many multiply-adds the ground-truth comparison is skipped (it runs on the worker's CPU). */
const MAX_MMCS_WORK = 2e8;

export async function runTraining(ctx: JobContext<unknown>, deps: TrainLoopDeps): Promise<JobOutcome> {
  const { trainingId } = parseTrainJobParams(ctx.job.params);
  let training = await trainingRepo.require(trainingId);
  if (training.status === 'completed') return { status: 'completed', message: 'This training had already finished.' };
  if (ctx.shouldStop()) return { status: 'stopped' };
  const toRunning = transitionPath(training.status, 'running');
  if (!toRunning) {
    if (training.status === 'cancelled') return { status: 'stopped' };
    throw new TrainJobError(`A ${training.status} training cannot run; resume it from the Training page.`);
  }
  for (const to of toRunning) training = await setTrainingStatus(trainingId, to, { error: undefined });

  const session = new TrainingSession(ctx, deps, training);
  try {
    return await session.execute();
  } catch (err) {
    const reported = session.explain(err);
    await session.fail(reported);
    throw reported;
  } finally {
    session.dispose();
  }
}

class TrainingSession {
  private readonly config: SaeConfig;
  private readonly total: number;
  private readonly batch: number;
  private readonly metricsEvery: number;
  private readonly mmcsEvery: number;
  private readonly flushMs: number;
  private source!: BatchSource;
  private trainer: StepTrainer | undefined;
  private inputScale = 1;
  /** steps completed (queued) so far */
  private done = 0;
  /** the step this run started from */
  private startStep = 0;
  private lastCheckpointStep: number | null = null;
  /** metric rows not stored yet */
  private rows: TrainingMetricRecord[] = [];
  private lastRow: TrainingMetricRecord | undefined;
  /** the newest delivered metrics, stored or not */
  private latest: { step: number; metrics: StepMetrics } | undefined;
  /** MMCS by step, waiting for that step's metrics */
  private readonly mmcsAt = new Map<number, number>();
  private recovered: number | undefined;
  private lastFlush = 0;
  private readonly runStartedAt: number;
  private readonly elapsedBase: number;
  private runs: TrainingRun[] = [];

  constructor(
    private readonly ctx: JobContext<unknown>,
    private readonly deps: TrainLoopDeps,
    private training: TrainingRecord,
  ) {
    this.config = training.config;
    this.total = training.config.total_steps;
    this.batch = training.batchSize;
    this.metricsEvery = Math.max(1, training.metricsEvery ?? 1);
    this.mmcsEvery = Math.max(1, training.mmcsEvery ?? this.metricsEvery * 10);
    this.flushMs = deps.flushIntervalMs ?? 500;
    this.runStartedAt = deps.now();
    this.elapsedBase = training.elapsedMs ?? 0;
  }

  async execute(): Promise<JobOutcome> {
    const id = this.training.id;
    this.source = await (this.deps.openSource ?? openBatchSource)(this.training.source);
    if (this.source.dIn !== undefined && this.source.dIn !== this.config.d_in) {
      throw new TrainJobError(`The activations are ${this.source.dIn}-dimensional, but the SAE's d_in is ${this.config.d_in}. Create the training again with d_in = ${this.source.dIn}.`);
    }
    await this.ctx.reportProgress({ phase: 'preparing', done: this.training.step, total: this.total, message: 'Preparing the trainer' });

    const loaded = await loadLatestCheckpoint(this.deps.blobs, id);
    let init: SaeParams | TrainerState;
    if (loaded) {
      const state = loaded.state;
      if (state.rngState) this.source.setState(state.rngState);
      this.inputScale = state.inputScale ?? 1;
      this.done = state.step;
      this.lastCheckpointStep = state.step;
      init = state;
    } else {
      init = await this.initialParams();
      this.done = 0;
    }
    this.startStep = this.done;
    // metrics written after the checkpoint by an interrupted run are replaced by this run's
    await deleteMetricsAfter(id, this.done);
    this.runs = [...(this.training.runs ?? []), { fromStep: this.done, startedAt: Date.now() }];
    this.training = await trainingRepo.update(id, { runs: this.runs, step: this.done });
    this.trainer = await this.deps.createTrainer(this.config, init);
    const trainer = this.trainer;

    const resumed = loaded ? `Resumed from the checkpoint at step ${this.done}` : 'Training';
    await this.ctx.reportProgress({ phase: 'training', done: this.done, total: this.total, message: resumed });
    this.lastFlush = this.deps.now();

    while (this.done < this.total) {
      const stop = this.ctx.shouldStop();
      if (stop) return this.stop(stop);
      trainer.step(await this.source.nextBatch(this.batch, this.inputScale), this.batch);
      this.done++;
      if (this.mmcsDue(this.done)) await this.evaluateMmcs();
      this.consume();
      if (this.done - trainer.deliveredSteps > MAX_STEPS_AHEAD) {
        await trainer.waitForMetrics(this.done - MAX_STEPS_AHEAD);
        this.consume();
      }
      if (this.done % this.training.checkpointEvery === 0 && this.done < this.total) await this.checkpoint();
      if (this.deps.now() - this.lastFlush >= this.flushMs) await this.flush();
    }
    const state = await this.checkpoint();
    await this.flush();
    return this.complete(state);
  }

  private async initialParams(): Promise<SaeParams> {
    const t = this.training;
    const needSample = t.inputScaling === true || (t.bDecInit ?? 'zeros') !== 'zeros';
    if (!needSample) return initSaeParams(this.config, { seed: deriveSeed(t.seed, SEED_STREAM.init) });
    // drawn from the training source itself before step 0: a restart from scratch repeats it exactly
    const rows = INIT_SAMPLE_ROWS;
    const sample = await this.source.sample(rows);
    if (t.inputScaling) this.inputScale = estimateInputScale(sample, rows, this.config.d_in);
    scaleBatch(sample, this.inputScale);
    return initSaeParams(this.config, { seed: deriveSeed(t.seed, SEED_STREAM.init), bDec: t.bDecInit ?? 'zeros', sample, sampleRows: rows });
  }

  private storesRow(step: number): boolean {
    return step % this.metricsEvery === 0 || step === this.total || step % this.training.checkpointEvery === 0 || this.mmcsAt.has(step);
  }

  /** Takes the metrics delivered so far: checks them, keeps the rows due for storage. */
  private consume(): void {
    for (const delivery of this.trainer!.takeMetrics()) {
      delivery.metrics.forEach((metrics, i) => {
        const step = delivery.firstStep + i + 1;
        const bad = nonFiniteMetric(metrics);
        if (bad) throw new TrainingDivergedError(step, bad, this.lastCheckpointStep);
        this.latest = { step, metrics };
        if (this.storesRow(step)) this.addRow(step, metrics);
      });
    }
  }

  private addRow(step: number, metrics: StepMetrics): void {
    if (this.lastRow?.step === step) return;
    const row: TrainingMetricRecord = { ...metrics, trainingId: this.training.id, step };
    const mmcs = this.mmcsAt.get(step);
    if (mmcs !== undefined) {
      row.mmcs = mmcs;
      this.mmcsAt.delete(step);
    }
    this.rows.push(row);
    this.lastRow = row;
    const current = this.runs[this.runs.length - 1];
    if (current && current.firstMetricStep === undefined) current.firstMetricStep = step;
  }

  /** Waits for every queued step's metrics; the current step gets a row (checkpoints and pauses show it). */
  private async drain(): Promise<void> {
    if (this.done === this.startStep) return;
    await this.trainer!.waitForMetrics(this.done);
    this.consume();
    if (this.latest?.step === this.done) this.addRow(this.done, this.latest.metrics);
  }

  private mmcsDue(step: number): boolean {
    const truth = this.source.trueDirections;
    if (!truth || !(step % this.mmcsEvery === 0 || step === this.total)) return false;
    return (truth.length / this.config.d_in) * this.config.d_sae * this.config.d_in <= MAX_MMCS_WORK;
  }

  /** Compares the decoder with the true directions (a GPU sync point, so only every mmcsEvery steps). */
  private async evaluateMmcs(): Promise<void> {
    const truth = this.source.trueDirections!;
    const state = await this.trainer!.state();
    const W = state.params.W_dec;
    const best = bestCosines(truth, W, this.config.d_in);
    this.mmcsAt.set(this.done, best.reduce((a, b) => a + b, 0) / best.length);
    const snapshot = recoverySnapshot(truth, W, this.config.d_in, this.done);
    this.recovered = snapshot.recovered;
    if (this.ctx.shouldStop() !== 'cancel') await trainingRepo.update(this.training.id, { recovery: snapshot });
  }

  private elapsed(): number {
    return this.elapsedBase + (this.deps.now() - this.runStartedAt);
  }

  /** Stores buffered metric rows, the training's step and time, and the job's progress. */
  private async flush(): Promise<void> {
    this.lastFlush = this.deps.now();
    // a user who deleted or cancelled the training meanwhile gets no more writes
    if (this.ctx.shouldStop() === 'cancel') return;
    const rows = this.rows;
    this.rows = [];
    await appendMetrics(rows);
    this.training = await trainingRepo.update(this.training.id, { step: this.done, elapsedMs: this.elapsed(), runs: this.runs });
    const last = this.lastRow;
    const loss = last ? ` · loss ${last.loss.toPrecision(3)} · L0 ${last.l0.toFixed(1)}` : '';
    await this.ctx.reportProgress({ phase: 'training', done: this.done, total: this.total, message: `Step ${this.done} of ${this.total}${loss}` });
  }

  private async state(): Promise<TrainerState> {
    const state = await this.trainer!.state();
    if (state.step !== this.done) throw new TrainJobError(`The trainer reports step ${state.step}, but ${this.done} steps were run.`);
    state.rngState = this.source.getState();
    if (this.inputScale !== 1) state.inputScale = this.inputScale;
    else delete state.inputScale;
    return state;
  }

  private async checkpoint(): Promise<TrainerState> {
    await this.drain();
    const state = await this.state();
    if (!stateIsFinite(state)) throw new TrainingDivergedError(this.done, 'the weights hold NaN or infinite values', this.lastCheckpointStep);
    const metrics: Partial<StepMetrics> & { mmcs?: number } = {};
    const last = this.lastRow;
    if (last && last.step === this.done) {
      for (const k of ['loss', 'mse', 'l0', 'explained_variance', 'dead_fraction'] as const) metrics[k] = last[k];
      if (last.mmcs !== undefined) metrics.mmcs = last.mmcs;
    }
    await saveTrainingCheckpoint(this.deps.blobs, this.training.id, state, metrics, this.training.keepCheckpoints ?? 3);
    this.lastCheckpointStep = this.done;
    return state;
  }

  private async stop(request: 'pause' | 'cancel'): Promise<JobOutcome> {
    if (request === 'pause') {
      await this.checkpoint();
      await appendMetrics(this.rows);
      this.rows = [];
      await trainingRepo.update(this.training.id, { step: this.done, elapsedMs: this.elapsed(), runs: this.runs });
    }
    return { status: 'stopped' };
  }

  private async complete(state: TrainerState): Promise<JobOutcome> {
    const last = this.lastRow;
    const metrics: Record<string, number> = {};
    if (last) {
      for (const k of ['loss', 'mse', 'sparsity', 'aux', 'l0', 'explained_variance', 'dead_fraction'] as const) metrics[k] = last[k];
      if (last.mmcs !== undefined) metrics.mmcs = last.mmcs;
    }
    if (this.recovered !== undefined) metrics.recovered_fraction = this.recovered;
    const sae = await createSaeFromTraining(
      { trainingId: this.training.id, name: this.training.name, source: this.training.source, config: this.config, state, metrics },
      this.deps.blobs,
    );
    await setTrainingStatus(this.training.id, 'completed', { saeId: sae.id, step: this.done, elapsedMs: this.elapsed() });
    const parts = [`Trained ${this.total.toLocaleString('en')} steps`];
    if (last) parts.push(`loss ${last.loss.toPrecision(3)}`, `explained variance ${last.explained_variance.toFixed(3)}`);
    if (last?.mmcs !== undefined) parts.push(`MMCS ${last.mmcs.toFixed(3)}`);
    if (this.recovered !== undefined) parts.push(`${Math.round(this.recovered * 100)}% of true features recovered (cos ≥ ${RECOVERED_COSINE})`);
    return { status: 'completed', message: parts.join(' · ') };
  }

  /** The error as the user should read it: a divergence names the checkpoint that is kept. */
  explain(err: unknown): unknown {
    if (err instanceof TrainingDivergedError && err.lastGoodStep === null && this.lastCheckpointStep !== null) {
      return new TrainingDivergedError(err.step, err.what, this.lastCheckpointStep);
    }
    return err;
  }

  /** Records why the run stopped: good metrics are kept, the training becomes failed with the reason. */
  async fail(err: unknown): Promise<void> {
    try {
      await appendMetrics(this.rows);
      this.rows = [];
      const current = await trainingRepo.get(this.training.id);
      if (!current) return;
      const path = transitionPath(current.status, 'failed');
      if (!path || path.length === 0) return;
      const message = err instanceof Error ? err.message : String(err);
      for (const to of path) await setTrainingStatus(current.id, to, to === 'failed' ? { error: message, elapsedMs: this.elapsed() } : {});
    } catch {
      // the job's own failure record still carries the reason
    }
  }

  dispose(): void {
    this.trainer?.destroy();
    // a model source holds an ONNX Runtime session and GPU buffers
    this.source?.destroy?.().catch(() => undefined);
  }
}
