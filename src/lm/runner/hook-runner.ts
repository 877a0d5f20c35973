// Runs a language model on batches of token windows and returns the activations at chosen tensors: the
// graph cut down to those tensors (hook-model.ts), fed ids, mask and positions (lm-inputs.ts). On WebGPU
// the outputs can stay on the device (gpu-buffer) for our kernels; otherwise they come back as arrays.
import { decodeModel } from '../graph';
import { hookModel } from './hook-model';
import { buildLmBatch, type LmBatch, type LmBatchOptions, type TokenWindowBatch } from './lm-inputs';
import { LmSession, LmSessionError, type ExternalDataFile, type LmBackend, type Ort, type OrtTensor } from './lm-session';

export interface HookRunnerModel {
  graph: Uint8Array;
  externalData: readonly ExternalDataFile[];
}

export interface HookRunnerOptions extends LmBatchOptions {
  ort: Ort;
  /** WebGPU on this device; CPU (WebAssembly) without one */
  device?: GPUDevice;
  /** leave outputs on the GPU (WebGPU only) */
  outputsOnGpu?: boolean;
}

export interface HookRun {
  batch: LmBatch;
  /** one [batch, seq, width] tensor per hook tensor, in the order asked for; dispose() each when done */
  outputs: OrtTensor[];
}

export class HookShapeError extends Error {
  override readonly name = 'HookShapeError';
  readonly action = 'Pick a residual-stream, attention-output or MLP-output tensor: activations must be [batch, sequence, width].';
}

export class HookRunner {
  private constructor(
    private readonly session: LmSession,
    readonly tensors: readonly string[],
    private readonly batchOptions: LmBatchOptions,
  ) {}

  static async open(model: HookRunnerModel, tensors: readonly string[], options: HookRunnerOptions): Promise<HookRunner> {
    const cut = hookModel(decodeModel(model.graph), tensors);
    const session = await LmSession.create(options.ort, cut.bytes, {
      ...(options.device ? { device: options.device } : {}),
      externalData: model.externalData,
      outputsOnGpu: options.outputsOnGpu ?? false,
    });
    const batchOptions: LmBatchOptions = {};
    if (options.prependBos !== undefined) batchOptions.prependBos = options.prependBos;
    if (options.padId !== undefined) batchOptions.padId = options.padId;
    return new HookRunner(session, cut.outputs, batchOptions);
  }

  get backend(): LmBackend {
    return this.session.backend;
  }

  async run(windows: TokenWindowBatch): Promise<HookRun> {
    const batch = buildLmBatch(windows, this.batchOptions);
    const results = await this.session.run(batch, this.tensors);
    const outputs = this.tensors.map((name) => {
      const tensor = results[name];
      if (!tensor) throw new LmSessionError(`The model returned no "${name}".`, 'Pick another tensor.');
      return tensor;
    });
    return { batch, outputs };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The width of a [batch, seq, width] activation, checking it against the batch. */
export function activationWidth(tensor: Pick<OrtTensor, 'dims' | 'type'>, name: string, batch: Pick<LmBatch, 'batch' | 'seq'>): number {
  const dims = tensor.dims;
  if (dims.length !== 3 || dims[0] !== batch.batch || dims[1] !== batch.seq || tensor.type !== 'float32') {
    throw new HookShapeError(`"${name}" is a ${tensor.type} tensor of shape [${dims.join(', ')}], not float32 activations of shape [${batch.batch}, ${batch.seq}, width].`);
  }
  return dims[2] as number;
}

/** The kept positions' rows of a [batch·seq, width] array, compacted (at most `limit` rows). */
export function keptRows(data: Float32Array, keep: Uint32Array, width: number, limit = keep.length): Float32Array {
  const rows = Math.min(limit, keep.length);
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const at = (keep[r] as number) * width;
    out.set(data.subarray(at, at + width), r * width);
  }
  return out;
}
