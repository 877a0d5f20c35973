// The trainer's GPU buffers. Persistent ones (parameters, gradients, Adam moments, counters, scalars,
// metrics) live as long as the trainer; batch-sized scratch is sized for the largest batch seen so far.
// W_enc is kept transposed on the GPU ([d_sae, d_in], like W_dec): the per-latent backward then writes
// gradient rows contiguously and Adam runs elementwise on matching layouts.
import { GpuScope } from '../../gpu/scope';
import type { SaeConfig } from '../config';
import { splitsFor } from './backward';
import { cscChunks } from './counting-sort';
import { METRICS_WIDTH, ROW_STATS, SCALARS_WORDS, isSparse } from './layout';
import { clipPartialsLength, columnMomentsLength } from './reduce';

export interface ParamBuffers {
  w_enc_t: GPUBuffer;
  b_enc: GPUBuffer;
  w_dec: GPUBuffer;
  b_dec: GPUBuffer;
  log_thr?: GPUBuffer;
}

export type ParamKey = keyof ParamBuffers;

export function paramLengths(cfg: SaeConfig): Record<ParamKey, number> {
  return { w_enc_t: cfg.d_sae * cfg.d_in, b_enc: cfg.d_sae, w_dec: cfg.d_sae * cfg.d_in, b_dec: cfg.d_in, log_thr: cfg.architecture === 'jumprelu' ? cfg.d_sae : 0 };
}

export function paramKeys(cfg: SaeConfig): ParamKey[] {
  const keys: ParamKey[] = ['w_enc_t', 'b_enc', 'w_dec', 'b_dec'];
  if (cfg.architecture === 'jumprelu') keys.push('log_thr');
  return keys;
}

function paramSet(scope: GpuScope, cfg: SaeConfig, what: string): ParamBuffers {
  const n = paramLengths(cfg);
  const set: ParamBuffers = {
    w_enc_t: scope.storage(`${what} W_enc`, n.w_enc_t * 4),
    b_enc: scope.storage(`${what} b_enc`, n.b_enc * 4),
    w_dec: scope.storage(`${what} W_dec`, n.w_dec * 4),
    b_dec: scope.storage(`${what} b_dec`, n.b_dec * 4),
  };
  if (n.log_thr) set.log_thr = scope.storage(`${what} log_threshold`, n.log_thr * 4);
  return set;
}

export interface PersistentBuffers {
  params: ParamBuffers;
  grads: ParamBuffers;
  adamM: ParamBuffers;
  adamV: ParamBuffers;
  /** steps since fired, u32 [d_sae] */
  ssf: GPUBuffer;
  scalars: GPUBuffer;
  /** [metricsSlots, METRICS_WIDTH] */
  metrics: GPUBuffer;
  /** uniform SaeDims */
  dims: GPUBuffer;
  /** uniform StepInfo, rewritten every step */
  stepInfo: GPUBuffer;
  /** ‖W_dec[j]‖ (relu) */
  norms: GPUBuffer;
  /** Σ_b z (relu) */
  zColsum: GPUBuffer;
  clipPartials: GPUBuffer;
}

export function allocatePersistent(scope: GpuScope, cfg: SaeConfig, metricsSlots: number, dimsBlock: ArrayBuffer): PersistentBuffers {
  const n = paramLengths(cfg);
  return {
    params: paramSet(scope, cfg, 'param'),
    grads: paramSet(scope, cfg, 'grad'),
    adamM: paramSet(scope, cfg, 'adam m'),
    adamV: paramSet(scope, cfg, 'adam v'),
    ssf: scope.storage('steps since fired', cfg.d_sae * 4),
    scalars: scope.storage('scalars', SCALARS_WORDS * 4),
    metrics: scope.storage('metrics', metricsSlots * METRICS_WIDTH * 4),
    dims: scope.uniform('dims', dimsBlock),
    stepInfo: scope.uniform('step info', new ArrayBuffer(32)),
    norms: scope.storage('decoder norms', cfg.d_sae * 4),
    zColsum: scope.storage('z column sums', cfg.d_sae * 4),
    clipPartials: scope.storage('clip partials', Math.max(1, clipPartialsLength(paramKeys(cfg).map((k) => n[k]))) * 4),
  };
}

export interface DenseBuffers {
  z: GPUBuffer;
  dpre: GPUBuffer;
  /** jumprelu: dL/dz */
  dz: GPUBuffer;
}

export interface SparseBuffers {
  entMain: GPUBuffer;
  rowPtrMain: GPUBuffer;
  maskMain: GPUBuffer;
  entAux: GPUBuffer;
  rowPtrAux: GPUBuffer;
  maskAux: GPUBuffer;
  chunkCount: GPUBuffer;
  latCount: GPUBuffer;
  latOffset: GPUBuffer;
  csc: GPUBuffer;
  selState: GPUBuffer;
  hist: GPUBuffer;
  rowTmp: GPUBuffer;
}

export interface BatchBuffers {
  scope: GpuScope;
  /** rows the buffers hold */
  capacity: number;
  x: GPUBuffer;
  /** an f16 batch before unpacking into x */
  xF16: GPUBuffer;
  xIn: GPUBuffer;
  xHat: GPUBuffer;
  /** [2, B, d_in]: dL/dx_hat, then dAux/de_hat */
  gx: GPUBuffer;
  rowStats: GPUBuffer;
  /** per-split column moments of x [splits, d_in, 2] */
  colMoments: GPUBuffer;
  colvar: GPUBuffer;
  pre: GPUBuffer;
  partialsA: GPUBuffer;
  partialsB: GPUBuffer;
  dense?: DenseBuffers;
  sparse?: SparseBuffers;
}

/** Bytes of the largest single batch-sized buffer (pre-activations [B, d_sae]). */
export function largestBatchBuffer(cfg: SaeConfig, rows: number): number {
  return rows * cfg.d_sae * 4;
}

export function allocateBatch(device: GPUDevice, cfg: SaeConfig, capacity: number): BatchBuffers {
  const scope = new GpuScope(device);
  const B = capacity;
  const f = (label: string, n: number) => scope.storage(label, n * 4);
  const buffers: BatchBuffers = {
    scope,
    capacity,
    x: f('x', B * cfg.d_in),
    xF16: f('x (f16)', Math.ceil((B * cfg.d_in) / 2)),
    xIn: f('x_in', B * cfg.d_in),
    xHat: f('x_hat', B * cfg.d_in),
    gx: f('dL/dx_hat', 2 * B * cfg.d_in),
    rowStats: f('row stats', B * ROW_STATS),
    colMoments: f('column moments', columnMomentsLength(B, cfg.d_in)),
    colvar: f('column variance', cfg.d_in),
    pre: f('hidden_pre', B * cfg.d_sae),
    partialsA: f('bdec partials a', splitsFor(B) * cfg.d_in),
    partialsB: f('bdec partials b', splitsFor(cfg.d_sae) * cfg.d_in),
  };
  if (isSparse(cfg.architecture)) {
    const k = cfg.k ?? 1;
    const kAux = cfg.k_aux ?? 1;
    const words = Math.ceil(cfg.d_sae / 32);
    buffers.sparse = {
      entMain: f('kept list', 2 * B * k),
      rowPtrMain: f('kept rows', 2 * B),
      maskMain: f('kept mask', B * words),
      entAux: f('aux list', 2 * B * kAux),
      rowPtrAux: f('aux rows', 2 * B),
      maskAux: f('aux mask', B * words),
      chunkCount: f('latent counts per row chunk', cfg.d_sae * cscChunks(B)),
      latCount: f('latent counts', cfg.d_sae),
      latOffset: f('latent offsets', cfg.d_sae + 1),
      csc: f('per-latent list', 2 * B * (k + kAux)),
      selState: f('batch select state', 4),
      hist: f('batch select histogram', 256),
      rowTmp: f('batch select rows', 2 * B),
    };
  } else {
    buffers.dense = {
      z: f('feature_acts', B * cfg.d_sae),
      dpre: f('dL/dpre', B * cfg.d_sae),
      dz: cfg.architecture === 'jumprelu' ? f('dL/dz', B * cfg.d_sae) : f('dL/dz (unused)', 1),
    };
  }
  return buffers;
}
