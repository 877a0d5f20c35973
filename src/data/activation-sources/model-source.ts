// Activations straight from a model: windows of a tokenization run through ONNX Runtime, the hook tensor's
// real-token rows pushed into a shuffle buffer, batches drawn at random from it. With WebGPU everything
// stays on the trainer's device: ORT writes the activations into GPU buffers (gpu-buffer outputs on our
// own device), our shuffle kernel copies the kept rows into the buffer and batches out of it, and the
// trainer reads the batch buffer — no CPU copy. Without WebGPU the same flow runs on arrays.
import type { TokenArray } from '../tokenize';
import { HookRunner, activationWidth } from '../../lm/runner/hook-runner';
import type { OrtTensor } from '../../lm/runner/lm-session';
import { readModelAnalysis, readModelBytes } from '../../services/models/model-files';
import { hookTensor } from '../../services/models/model-analysis';
import { openStoredWindows, type StoredTokenWindows } from '../../services/tokenization/window-parts';
import { readF32 } from '../../gpu/buffers';
import { modelRepo } from '../../store/repos/models';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import { CpuShuffleBuffer } from './shuffle-buffer-cpu';
import { GpuShuffleBuffer } from './shuffle-buffer-gpu';
import { ActivationSourceError, type ActivationSource, type ActivationSourceDeps } from './source';

/** tokens per model run (a few windows) */
const TOKENS_PER_RUN = 4096;
/** most memory the shuffle buffer takes */
const BUFFER_BYTES = 256 * 1024 * 1024;
/** the buffer holds at least this many runs' worth of rows, so a batch mixes many windows */
const RUNS_MIXED = 8;

export interface ModelSourceSpec {
  modelId: string;
  tokenizationId: string;
  hook: string;
}

export interface ModelSourceOptions {
  tokensPerRun?: number;
  bufferBytes?: number;
}

export async function openModelSource(spec: ModelSourceSpec, deps: ActivationSourceDeps, options: ModelSourceOptions = {}): Promise<ActivationSource> {
  if (!deps.ort) throw new ActivationSourceError('Training on a model needs ONNX Runtime, which this worker did not load.', 'Reload the page.');
  const model = await modelRepo.get(spec.modelId);
  if (!model || model.status !== 'ready') throw new ActivationSourceError('The model this training reads is missing or not ready.', 'Add the model again on the Models page.');
  const tokenization = await tokenizationRepo.get(spec.tokenizationId);
  if (!tokenization) throw new ActivationSourceError('The tokenized dataset this training reads was deleted.', 'Tokenize the dataset again.');
  if (tokenization.modelId !== model.id) throw new ActivationSourceError('The tokenized dataset was made for another model.', 'Tokenize the dataset for this model.');
  const analysis = await readModelAnalysis(model, deps.blobs);
  if (!analysis) throw new ActivationSourceError(`The model "${model.name}" has not been analysed.`, 'Delete the model and add it again.');
  const tensor = hookTensor(analysis, spec.hook);
  const windows = await openStoredWindows(tokenization, deps.blobs);
  if (windows.count === 0) throw new ActivationSourceError('The tokenized dataset has no windows.', 'Tokenize a dataset with some text.');
  const runner = await HookRunner.open(await readModelBytes(model, deps.blobs), [tensor], {
    ort: deps.ort,
    ...(deps.device ? { device: deps.device, outputsOnGpu: true } : {}),
  });
  const source = new ModelSource(runner, windows, spec.hook, deps, options);
  try {
    await source.prime();
  } catch (err) {
    await source.destroy();
    throw err;
  }
  return source;
}

type Store = { kind: 'gpu'; buffer: GpuShuffleBuffer } | { kind: 'cpu'; buffer: CpuShuffleBuffer };

class ModelSource implements ActivationSource {
  dIn = 0;
  private store: Store | undefined;
  private readonly windowsPerRun: number;
  private cursor = 0;
  private epoch = 0;
  /** rows one run can add at most */
  private readonly maxRunRows: number;

  constructor(
    private readonly runner: HookRunner,
    private readonly windows: StoredTokenWindows,
    private readonly hook: string,
    private readonly deps: ActivationSourceDeps,
    private readonly options: ModelSourceOptions,
  ) {
    this.windowsPerRun = Math.max(1, Math.min(windows.count, Math.floor((options.tokensPerRun ?? TOKENS_PER_RUN) / windows.contextLength)));
    this.maxRunRows = this.windowsPerRun * windows.contextLength;
  }

  /** Runs the model once to learn the width, then sizes the shuffle buffer. */
  async prime(): Promise<void> {
    const { outputs, keep, width } = await this.runOnce();
    this.dIn = width;
    const bytesPerRow = width * 4;
    const limit = Math.min(this.options.bufferBytes ?? BUFFER_BYTES, this.deps.device?.limits.maxStorageBufferBindingSize ?? Infinity);
    const wanted = Math.max(RUNS_MIXED * this.maxRunRows, 4 * this.deps.batchSize);
    const capacity = Math.max(this.deps.batchSize + this.maxRunRows, Math.min(wanted, Math.floor(limit / bytesPerRow)));
    if (capacity * bytesPerRow > limit && this.deps.device) {
      throw new ActivationSourceError(`A batch of ${this.deps.batchSize} rows of width ${width} does not fit the GPU's buffer limit.`, 'Use a smaller batch size.');
    }
    const seed = this.deps.seed;
    this.store = this.deps.device
      ? { kind: 'gpu', buffer: new GpuShuffleBuffer(this.deps.device, { width, capacity, batch: this.deps.batchSize, maxPush: this.maxRunRows, seed }) }
      : { kind: 'cpu', buffer: new CpuShuffleBuffer(width, capacity, seed) };
    this.push(outputs, keep);
    outputs.dispose();
  }

  async nextBatch(B: number, scale = 1): Promise<GPUBuffer | Float32Array> {
    const store = this.requireStore();
    if (B > this.deps.batchSize) throw new ActivationSourceError(`A batch of ${B} rows is larger than this source was opened for.`, 'Use the batch size the training was created with.');
    while (store.buffer.free >= this.maxRunRows || store.buffer.count < B) {
      const { outputs, keep } = await this.runOnce();
      this.push(outputs, keep);
      outputs.dispose();
    }
    return store.kind === 'gpu' ? store.buffer.take(B, scale) : store.buffer.take(B, scale);
  }

  async sample(rows: number): Promise<Float32Array> {
    const out = new Float32Array(rows * this.dIn);
    for (let done = 0; done < rows; ) {
      const n = Math.min(this.deps.batchSize, rows - done);
      const batch = await this.nextBatch(n);
      out.set(batch instanceof Float32Array ? batch : await readF32(this.deps.device as GPUDevice, batch, n * this.dIn), done * this.dIn);
      done += n;
    }
    return out;
  }

  getState(): number[] {
    const plan = this.requireStore().buffer.plan;
    return [this.epoch, this.cursor, ...plan.getState()];
  }

  setState(state: readonly number[]): void {
    const [epoch, cursor, ...rng] = state;
    if (epoch === undefined || cursor === undefined || cursor > this.windows.count) {
      throw new ActivationSourceError('The saved position in the tokenized dataset does not fit it.', 'Start the training again.');
    }
    const store = this.requireStore();
    this.epoch = epoch;
    this.cursor = cursor;
    store.buffer.plan.setState(rng);
    store.buffer.clear();
  }

  async destroy(): Promise<void> {
    if (this.store?.kind === 'gpu') this.store.buffer.destroy();
    await this.runner.release();
  }

  private requireStore(): Store {
    if (!this.store) throw new ActivationSourceError('The model source was used before it was ready.', 'Start the training again.');
    return this.store;
  }

  /** The next windows (wrapping around into a new epoch) through the model. */
  private async runOnce(): Promise<{ outputs: OrtTensor; keep: Uint32Array; width: number }> {
    if (this.cursor >= this.windows.count) {
      this.cursor = 0;
      this.epoch++;
    }
    const end = Math.min(this.windows.count, this.cursor + this.windowsPerRun);
    const range = await this.windows.read(this.cursor, end);
    const run = await this.runner.run({ tokens: range.tokens as TokenArray, lengths: range.lengths, rows: end - this.cursor, contextLength: this.windows.contextLength });
    this.cursor = end;
    const outputs = run.outputs[0] as OrtTensor;
    const width = activationWidth(outputs, this.hook, run.batch);
    if (this.dIn !== 0 && width !== this.dIn) throw new ActivationSourceError(`"${this.hook}" changed width from ${this.dIn} to ${width}.`, 'Start the training again.');
    return { outputs, keep: run.batch.keep, width };
  }

  private push(outputs: OrtTensor, keep: Uint32Array): void {
    const store = this.requireStore();
    const rows = keep.subarray(0, Math.min(keep.length, store.buffer.free));
    if (store.kind === 'gpu') {
      if (outputs.location !== 'gpu-buffer') throw new ActivationSourceError('ONNX Runtime returned the activations on the CPU instead of the GPU.', 'Reload the page and start the training again.');
      store.buffer.push(outputs.gpuBuffer, rows);
    } else {
      store.buffer.push(outputs.data as Float32Array, rows);
    }
  }
}
