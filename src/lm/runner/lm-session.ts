// An ONNX language model session: WebGPU on the studio's own device when there is one (so activations can
// stay on that device and flow into our kernels without a copy), WebAssembly otherwise. ORT is passed in,
// so the app uses onnxruntime-web/webgpu and Node tests the wasm build.
import type * as OrtModule from 'onnxruntime-web';
import type { LmBatch } from './lm-inputs';

export type Ort = typeof OrtModule;
export type OrtTensor = OrtModule.Tensor;
export type LmBackend = 'webgpu' | 'wasm';

export interface ExternalDataFile {
  /** the location the graph names (e.g. model.onnx_data) */
  path: string;
  data: Uint8Array;
}

export interface LmSessionOptions {
  /** run on WebGPU on this device; without one, on the CPU through WebAssembly */
  device?: GPUDevice;
  externalData?: readonly ExternalDataFile[];
  /** keep outputs on the GPU (WebGPU only): read them with our kernels, or getData() to copy them back */
  outputsOnGpu?: boolean;
}

export class LmSessionError extends Error {
  override readonly name = 'LmSessionError';
  constructor(
    message: string,
    readonly action: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// ORT's WebGPU EP refuses to create two sessions at once ("another WebGPU EP inference session is being created").
let creating: Promise<unknown> = Promise.resolve();

function serialized<T>(work: () => Promise<T>): Promise<T> {
  const run = creating.then(work, work);
  creating = run.catch(() => undefined);
  return run;
}

export class LmSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtModule.InferenceSession,
    readonly backend: LmBackend,
  ) {}

  static async create(ort: Ort, model: Uint8Array, options: LmSessionOptions = {}): Promise<LmSession> {
    const backend: LmBackend = options.device ? 'webgpu' : 'wasm';
    const sessionOptions: OrtModule.InferenceSession.SessionOptions = {
      executionProviders: options.device ? [{ name: 'webgpu', device: options.device }] : ['wasm'],
      graphOptimizationLevel: 'all',
      // warnings (e.g. shape ops placed on the CPU) are expected and would read as errors in the console
      logSeverityLevel: 3,
      ...(options.externalData?.length ? { externalData: options.externalData.map((f) => ({ path: f.path, data: f.data })) } : {}),
      ...(options.device && options.outputsOnGpu ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
    };
    try {
      const session = await serialized(() => ort.InferenceSession.create(model, sessionOptions));
      return new LmSession(ort, session, backend);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new LmSessionError(
        `The model could not be loaded by ONNX Runtime (${backend === 'webgpu' ? 'WebGPU' : 'WebAssembly'}): ${reason}`,
        'Check that the model is a complete ONNX export (with its external data file); an fp32 or fp16 export is the most likely to work.',
        { cause },
      );
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /**
   * Feeds for every input the graph declares: ids, mask and positions from the batch; a zero-length KV cache
   * and use_cache_branch = false for decoders exported with one; zero token types.
   */
  feeds(batch: LmBatch): Record<string, OrtTensor> {
    const { Tensor } = this.ort;
    const dims = [batch.batch, batch.seq];
    const feeds: Record<string, OrtTensor> = {};
    for (const meta of this.session.inputMetadata) {
      const name = meta.name;
      if (name === 'input_ids') feeds[name] = new Tensor('int64', batch.inputIds, dims);
      else if (name === 'attention_mask') feeds[name] = new Tensor('int64', batch.attentionMask, dims);
      else if (name === 'position_ids') feeds[name] = new Tensor('int64', batch.positionIds, dims);
      else if (name === 'token_type_ids') feeds[name] = new Tensor('int64', new BigInt64Array(batch.batch * batch.seq), dims);
      else if (name === 'use_cache_branch') feeds[name] = new Tensor('bool', [false], [1]);
      else if (name.startsWith('past_key_values') && meta.isTensor) feeds[name] = emptyCache(this.ort, meta, batch.batch);
      else {
        throw new LmSessionError(
          `The model asks for an input "${name}" that miStudio does not know how to fill.`,
          'Use a decoder-only language model export whose inputs are input_ids, attention_mask and optionally position_ids.',
        );
      }
    }
    return feeds;
  }

  /** Runs the model on a batch and returns the named outputs (all outputs when `fetches` is absent). */
  async run(batch: LmBatch, fetches?: readonly string[]): Promise<Record<string, OrtTensor>> {
    const feeds = this.feeds(batch);
    try {
      return fetches ? await this.session.run(feeds, [...fetches]) : await this.session.run(feeds);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new LmSessionError(`The model failed to run: ${reason}`, 'Try a smaller batch; if it persists, try another export of the model.', { cause });
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** A past key/value input with no past: [batch, heads, 0, head_dim] with its declared head sizes. */
function emptyCache(ort: Ort, meta: OrtModule.InferenceSession.TensorValueMetadata, batch: number): OrtTensor {
  const dims = meta.shape.map((d, i) => (i === 0 ? batch : typeof d === 'number' ? d : 0));
  if (dims.length !== 4 || dims.some((d, i) => i !== 2 && d === 0)) {
    throw new LmSessionError(
      `The model's cache input "${meta.name}" has no fixed head sizes (${JSON.stringify(meta.shape)}).`,
      'Use an export without a KV cache (e.g. decoder_model.onnx) or one that declares its head sizes.',
    );
  }
  const type = meta.type === 'float16' ? 'float16' : 'float32';
  return type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
}
