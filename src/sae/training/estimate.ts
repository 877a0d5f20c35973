// Rough GPU memory and time estimates for a training run, and the device limits they must fit in. They
// size the buffers the trainer needs (parameters, gradients, Adam moments, per-batch activations); the
// exact figures depend on the kernels, so these are meant to warn early, not to account to the byte.
import type { Architecture } from '../config';

export interface TrainingShape {
  architecture: Architecture;
  d_in: number;
  d_sae: number;
  /** topk / batchtopk */
  k?: number;
  batchSize: number;
  totalSteps: number;
}

export interface MemoryEstimate {
  /** W_enc, W_dec, biases (and log_threshold) */
  paramsBytes: number;
  gradientBytes: number;
  /** Adam first and second moments */
  adamBytes: number;
  /** per batch: input, pre-activations, codes, reconstruction and their gradients */
  activationBytes: number;
  totalBytes: number;
  /** the biggest single buffer: it must fit one storage binding */
  largestBuffer: { name: string; bytes: number };
}

const F32 = 4;

export function parameterCount(shape: Pick<TrainingShape, 'architecture' | 'd_in' | 'd_sae'>): number {
  const { d_in: dIn, d_sae: dSae } = shape;
  return 2 * dIn * dSae + dSae + dIn + (shape.architecture === 'jumprelu' ? dSae : 0);
}

export function estimateMemory(shape: TrainingShape): MemoryEstimate {
  const { d_in: dIn, d_sae: dSae, batchSize: B } = shape;
  const params = parameterCount(shape) * F32;
  const sparse = shape.architecture === 'topk' || shape.architecture === 'batchtopk';
  const k = sparse ? Math.min(shape.k ?? dSae, dSae) : 0;
  // x, x̂ and ∂x̂ [B, d_in]; pre, z and ∂pre [B, d_sae]; top-k indices and values [B, k]; counters [d_sae]
  const activations = (3 * B * dIn + 3 * B * dSae + 2 * B * k + dSae) * F32;
  const candidates: { name: string; bytes: number }[] = [
    { name: 'W_enc / W_dec', bytes: dIn * dSae * F32 },
    { name: 'pre-activations [batch, d_sae]', bytes: B * dSae * F32 },
  ];
  const largestBuffer = candidates.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    paramsBytes: params,
    gradientBytes: params,
    adamBytes: 2 * params,
    activationBytes: activations,
    totalBytes: 4 * params + activations,
    largestBuffer,
  };
}

/** Floating-point operations of one training step (forward, backward, Adam). */
export function flopsPerStep(shape: TrainingShape): number {
  const { d_in: dIn, d_sae: dSae, batchSize: B } = shape;
  const sparse = shape.architecture === 'topk' || shape.architecture === 'batchtopk';
  const active = sparse ? Math.min(shape.k ?? dSae, dSae) : dSae;
  const encode = 2 * B * dIn * dSae;
  // decode, ∂z, ∂W_dec and ∂W_enc each cost ∝ the active latents per row (sparse gathers for top-k)
  const sparseWork = 4 * 2 * B * dIn * active;
  const adam = 12 * parameterCount(shape);
  return encode + sparseWork + adam;
}

export interface ThroughputAssumption {
  /** sustained floating-point operations per second of the trainer's kernels */
  flopsPerSecond: number;
  /** fixed cost per step: kernel launches, batch upload, sampling the batch on the CPU */
  overheadSecondsPerStep: number;
}

/** A discrete laptop/desktop GPU with our kernels (conservative), and a software (CPU) adapter. */
export const GPU_THROUGHPUT: ThroughputAssumption = { flopsPerSecond: 5e11, overheadSecondsPerStep: 0.0015 };
export const SOFTWARE_ADAPTER_THROUGHPUT: ThroughputAssumption = { flopsPerSecond: 3e8, overheadSecondsPerStep: 0.25 };

export function estimateSeconds(shape: TrainingShape, assumption: ThroughputAssumption): number {
  const perStep = flopsPerStep(shape) / assumption.flopsPerSecond + assumption.overheadSecondsPerStep;
  return perStep * shape.totalSteps;
}

/** A measured speed (e.g. of a finished run on this device) as a throughput assumption for other shapes. */
export function throughputFromRun(shape: TrainingShape, stepsPerSecond: number, base: ThroughputAssumption): ThroughputAssumption {
  if (!(stepsPerSecond > 0)) return base;
  const secondsPerStep = 1 / stepsPerSecond;
  const compute = secondsPerStep - base.overheadSecondsPerStep;
  // a step that cost no more than the overhead tells nothing about compute speed
  if (compute <= 0) return { ...base, overheadSecondsPerStep: secondsPerStep };
  return { flopsPerSecond: flopsPerStep(shape) / compute, overheadSecondsPerStep: base.overheadSecondsPerStep };
}

export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface LimitProblem {
  message: string;
}

/** Buffers that the device cannot hold, as messages that say what to reduce. */
export function checkDeviceLimits(memory: MemoryEstimate, limits: DeviceLimits): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const { name, bytes } = memory.largestBuffer;
  if (bytes > cap) {
    problems.push({
      message: `${name} needs ${formatMiB(bytes)} in one buffer, but this GPU allows at most ${formatMiB(cap)} per buffer. Reduce d_sae${name.startsWith('pre') ? ' or the batch size' : ' or use a smaller d_in'}.`,
    });
  }
  return problems;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;
}
