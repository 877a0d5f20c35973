// One training step as a list of recorded dispatches, built once per batch size and replayed every step.
// The order is SAE_SPEC.md's: forward, losses and gradients (1), decoder projection (2), firing counters (6)
// and metrics — before the update, so a diverged step can leave the parameters alone —, then clipping (3),
// Adam (4) with renormalisation (5); BatchTopK's threshold (7) is folded into the metrics kernel.
import type { Dispatch } from '../../gpu/dispatches';
import { GpuScope } from '../../gpu/scope';
import type { SaeConfig } from '../config';
import { adamDispatch, adamRowsRenormDispatch, decoderNormsDispatch } from './adam';
import { bdecGradDispatches, colReduceJumpReluDispatch, colReduceReluDispatch, latentBackwardDispatch, projectRowsDispatch } from './backward';
import { cscDispatches } from './counting-sort';
import { matmulDispatch, type MatmulTiling } from './matmul';
import { clipDispatches, columnVarianceDispatches, finalizeMetricsDispatch } from './reduce';
import { auxDecodeDispatch, denseRowsDispatch, inputMinusBiasDispatch, sparseDecodeDispatch, unpackF16Dispatch } from './rows';
import { batchTopkDispatches, topkRowsDispatch } from './select';
import { paramKeys, paramLengths, type BatchBuffers, type PersistentBuffers } from './workspace';

export interface StepPlan {
  rows: number;
  dispatches: Dispatch[];
  /** run first when the batch arrives as f16 (into BatchBuffers.xF16) */
  unpackF16: Dispatch;
  /** the plan's own uniform buffers */
  scope: GpuScope;
}

export function buildStepPlan(device: GPUDevice, cfg: SaeConfig, p: PersistentBuffers, bb: BatchBuffers, rows: number, tiling: MatmulTiling): StepPlan {
  const scope = new GpuScope(device);
  const B = rows;
  const { d_in: dIn, d_sae: dSae } = cfg;
  const P = p.params;
  const G = p.grads;
  const dims = p.dims;
  const step_info = p.stepInfo;
  const out: Dispatch[] = [];

  out.push(inputMinusBiasDispatch(scope, B, dIn, { dims, x: bb.x, b_dec: P.b_dec, x_in: bb.xIn }));
  out.push(...columnVarianceDispatches(scope, B, dIn, { dims, x: bb.x, moments: bb.colMoments, colvar: bb.colvar }));

  if (bb.sparse) {
    const s = bb.sparse;
    // forward: pre = x_in·W_enc + b_enc; selection; sparse decode
    out.push(matmulDispatch(scope, 'encode', 'matmul_bias', { M: B, N: dSae, K: dIn, a: 'mk', b: 'nk' }, { a: bb.xIn, b: P.w_enc_t, vec_n: P.b_enc, out0: bb.pre }, tiling));
    const main = { dims, scalars: p.scalars, pre: bb.pre, ssf: p.ssf, ent: s.entMain, row_ptr: s.rowPtrMain, mask: s.maskMain };
    if (cfg.architecture === 'topk') out.push(topkRowsDispatch(scope, 'topk', B, cfg.k ?? 1, false, main));
    else out.push(...batchTopkDispatches(scope, 'batchtopk', B, dSae, main, { sel_state: s.selState, hist: s.hist, row_tmp: s.rowTmp }));
    out.push(topkRowsDispatch(scope, 'auxk', B, cfg.k_aux ?? 1, true, { ...main, ent: s.entAux, row_ptr: s.rowPtrAux, mask: s.maskAux }));
    out.push(sparseDecodeDispatch(scope, B, { dims, x: bb.x, b_dec: P.b_dec, w_dec: P.w_dec, row_ptr: s.rowPtrMain, ent: s.entMain, x_hat: bb.xHat, gx: bb.gx, row_stats: bb.rowStats }));
    out.push(auxDecodeDispatch(scope, B, { dims, x: bb.x, x_hat: bb.xHat, w_dec: P.w_dec, row_ptr: s.rowPtrAux, ent: s.entAux, scalars: p.scalars, gx: bb.gx, row_stats: bb.rowStats }));
    // backward per latent (with the decoder projection) over the counting-sorted lists
    out.push(...cscDispatches(scope, 'csc', B, dSae, { dims, mask_main: s.maskMain, mask_aux: s.maskAux, pre: bb.pre, ssf: p.ssf, chunk_count: s.chunkCount, lat_count: s.latCount, lat_offset: s.latOffset, csc: s.csc }));
    out.push(
      latentBackwardDispatch(scope, dIn, dSae, { dims, step_info, lat_offset: s.latOffset, csc: s.csc, gx: bb.gx, x_in: bb.xIn, w_dec: P.w_dec, g_wdec: G.w_dec, g_wenc: G.w_enc_t, g_benc: G.b_enc }),
    );
  } else {
    const d = bb.dense!;
    const relu = cfg.architecture === 'relu';
    if (relu) out.push(decoderNormsDispatch(scope, dSae, dIn, { rows_in: P.w_dec, norms: p.norms }));
    const encShape = { M: B, N: dSae, K: dIn, a: 'mk', b: 'nk' } as const;
    if (relu) out.push(matmulDispatch(scope, 'encode', 'encode_relu', encShape, { a: bb.xIn, b: P.w_enc_t, vec_n: P.b_enc, out0: bb.pre, out1: d.z }, tiling));
    else out.push(matmulDispatch(scope, 'encode', 'encode_jumprelu', encShape, { a: bb.xIn, b: P.w_enc_t, vec_n: P.b_enc, vec_n2: P.log_thr!, out0: bb.pre, out1: d.z }, tiling));
    out.push(matmulDispatch(scope, 'decode', 'matmul_bias', { M: B, N: dIn, K: dSae, a: 'mk', b: 'kn' }, { a: d.z, b: P.w_dec, vec_n: P.b_dec, out0: bb.xHat }, tiling));
    out.push(denseRowsDispatch(scope, B, { dims, x: bb.x, x_hat: bb.xHat, z: d.z, norms: p.norms, gx: bb.gx, row_stats: bb.rowStats }));
    const dzShape = { M: B, N: dSae, K: dIn, a: 'mk', b: 'nk' } as const;
    if (relu) {
      out.push(matmulDispatch(scope, 'dL/dpre', 'dpre_relu', dzShape, { a: bb.gx, b: P.w_dec, mat_e: d.z, vec_n: p.norms, step_info, out0: d.dpre }, tiling));
      out.push(colReduceReluDispatch(scope, dSae, { dims, step_info, dpre: d.dpre, z: d.z, g_benc: G.b_enc, z_colsum: p.zColsum, ssf: p.ssf }));
    } else {
      out.push(matmulDispatch(scope, 'dL/dpre', 'dpre_jumprelu', dzShape, { a: bb.gx, b: P.w_dec, mat_e: bb.pre, vec_n: P.log_thr!, out0: d.dz, out1: d.dpre }, tiling));
      out.push(
        colReduceJumpReluDispatch(scope, dSae, { dims, step_info, dpre: d.dpre, pre: bb.pre, dz: d.dz, log_threshold: P.log_thr!, g_benc: G.b_enc, g_logthr: G.log_thr!, ssf: p.ssf }),
      );
    }
    const wShape = { M: dSae, N: dIn, K: B, a: 'km', b: 'kn' } as const;
    if (relu) {
      out.push(matmulDispatch(scope, 'dW_dec', 'dwdec_relu', wShape, { a: d.z, b: bb.gx, mat_e: P.w_dec, vec_m: p.zColsum, vec_m2: p.norms, step_info, out0: G.w_dec }, tiling));
    } else {
      out.push(matmulDispatch(scope, 'dW_dec', 'matmul', wShape, { a: d.z, b: bb.gx, out0: G.w_dec }, tiling));
    }
    out.push(matmulDispatch(scope, 'dW_enc', 'matmul', wShape, { a: d.dpre, b: bb.xIn, out0: G.w_enc_t }, tiling));
    if (cfg.normalize_decoder) out.push(projectRowsDispatch(scope, dSae, { dims, w_dec: P.w_dec, g_wdec: G.w_dec }));
  }

  out.push(...bdecGradDispatches(scope, B, dIn, dSae, { dims, gx: bb.gx, w_enc_t: P.w_enc_t, g_benc: G.b_enc, partials_a: bb.partialsA, partials_b: bb.partialsB, g_bdec: G.b_dec }));
  out.push(finalizeMetricsDispatch(scope, cfg.architecture, B, { dims, step_info, row_stats: bb.rowStats, colvar: bb.colvar, ssf: p.ssf, scalars: p.scalars, metrics: p.metrics }));

  const keys = paramKeys(cfg);
  const lengths = paramLengths(cfg);
  if (cfg.grad_clip_norm !== null) {
    out.push(...clipDispatches(scope, keys.map((k) => ({ buffer: G[k]!, length: lengths[k] })), { dims, step_info, scalars: p.scalars, partials: p.clipPartials }));
  }
  for (const k of keys) {
    const b = { dims, step_info, scalars: p.scalars, param: P[k]!, moment1: p.adamM[k]!, moment2: p.adamV[k]!, grad: G[k]! };
    if (k === 'w_dec' && cfg.normalize_decoder) out.push(adamRowsRenormDispatch(scope, 'adam W_dec', dSae, dIn, b));
    else out.push(adamDispatch(scope, `adam ${k}`, lengths[k], b));
  }
  const unpackF16 = unpackF16Dispatch(scope, B, dIn, { dims, x_f16: bb.xF16, x_out: bb.x });
  return { rows, dispatches: out, unpackF16, scope };
}
