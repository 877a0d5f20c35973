// What a training reads its activations from: batches of rows [B, d_in], on the GPU where the source can
// keep them there (a model run through WebGPU) or as arrays (stored caches, synthetic data), with a state
// to save in checkpoints.
import type { Ort } from '../../lm/runner/lm-session';
import type { BlobStore } from '../../store/blob-store';

export interface ActivationSource {
  /** width of each row */
  readonly dIn: number;
  /**
   * B rows [B, dIn] row-major f32, multiplied by `scale` (input scaling): a GPUBuffer on the device the
   * source was opened with (valid until the next call; later GPU work in queue order reads it safely), or
   * a Float32Array.
   */
  nextBatch(B: number, scale?: number): Promise<GPUBuffer | Float32Array>;
  /** `rows` rows copied to the CPU (for initialisation: input scale, b_dec); they are consumed like a batch */
  sample(rows: number): Promise<Float32Array>;
  /** where the source is (small numbers, e.g. TrainerState.rngState); rows held in a shuffle buffer are not part of it */
  getState(): number[];
  setState(state: readonly number[]): void;
  destroy(): Promise<void>;
}

export interface ActivationSourceDeps {
  blobs: BlobStore;
  /** the GPU device batches should live on (the trainer's); required for model sources */
  device?: GPUDevice;
  /** ONNX Runtime (onnxruntime-web/webgpu in the app); required for model sources */
  ort?: Ort;
  /** the training's seed: shuffling and epoch order derive from it */
  seed: number;
  /** the training's batch size (sizes the shuffle buffers) */
  batchSize: number;
}

export class ActivationSourceError extends Error {
  override readonly name = 'ActivationSourceError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}
