// Parameter gradients (shaders/sae_backward.wgsl).
import type { Dispatch } from '../../gpu/dispatches';
import type { GpuScope } from '../../gpu/scope';
import { UniformWriter } from '../../gpu/uniforms';
import { grid, makeDispatch, ROW_WG, WG } from './op';

const spec = (entry: string, defines: Record<string, number | boolean> = {}) => ({ shader: 'sae_backward.wgsl', entry, defines });

export interface LatentBackwardBuffers {
  dims: GPUBuffer;
  step_info: GPUBuffer;
  lat_offset: GPUBuffer;
  csc: GPUBuffer;
  gx: GPUBuffer;
  x_in: GPUBuffer;
  w_dec: GPUBuffer;
  g_wdec: GPUBuffer;
  g_wenc: GPUBuffer;
  g_benc: GPUBuffer;
}

/** Sparse path: one workgroup per latent over its CSC list. */
export function latentBackwardDispatch(scope: GpuScope, dIn: number, dSae: number, b: LatentBackwardBuffers): Dispatch {
  // LANES: invocations per entry's dot product; 4 keeps 8 entries in flight per workgroup (fastest measured)
  const defines = { WG: ROW_WG, DPT: Math.max(1, Math.ceil(dIn / ROW_WG)), LANES: 4 };
  return makeDispatch(scope, 'latent backward', spec('latent_backward', defines), { ...b }, grid(scope, dSae));
}

export interface ColReduceBuffers {
  dims: GPUBuffer;
  step_info: GPUBuffer;
  dpre: GPUBuffer;
  g_benc: GPUBuffer;
  ssf: GPUBuffer;
}

export function colReduceReluDispatch(scope: GpuScope, dSae: number, b: ColReduceBuffers & { z: GPUBuffer; z_colsum: GPUBuffer }): Dispatch {
  return makeDispatch(scope, 'col reduce', spec('col_reduce_relu'), { ...b }, grid(scope, Math.ceil(dSae / WG)));
}

export function colReduceJumpReluDispatch(
  scope: GpuScope,
  dSae: number,
  b: ColReduceBuffers & { pre: GPUBuffer; dz: GPUBuffer; log_threshold: GPUBuffer; g_logthr: GPUBuffer },
): Dispatch {
  return makeDispatch(scope, 'col reduce', spec('col_reduce_jumprelu'), { ...b }, grid(scope, Math.ceil(dSae / WG)));
}

/** Dense path, normalize_decoder: removes from each decoder-row gradient its component along the row. */
export function projectRowsDispatch(scope: GpuScope, dSae: number, b: { dims: GPUBuffer; w_dec: GPUBuffer; g_wdec: GPUBuffer }): Dispatch {
  return makeDispatch(scope, 'project rows', spec('project_rows', { WG: ROW_WG }), { ...b }, grid(scope, dSae));
}

export const ROWS_PER_SPLIT = 256;

export function splitsFor(rows: number): number {
  return Math.max(1, Math.ceil(rows / ROWS_PER_SPLIT));
}

function colParams(scope: GpuScope, label: string, rows: number, cols: number, splits: number, splitsB: number): GPUBuffer {
  return scope.uniform(`${label} params`, new UniformWriter().u32(rows).u32(cols).u32(splits).u32(splitsB).finish());
}

function colPartials(scope: GpuScope, label: string, rows: number, cols: number, mat: GPUBuffer, partials: GPUBuffer, weights?: GPUBuffer): Dispatch {
  const splits = splitsFor(rows);
  if (splits > scope.device.limits.maxComputeWorkgroupsPerDimension) throw new RangeError(`${label}: too many rows (${rows}).`);
  return makeDispatch(
    scope,
    label,
    spec('col_partials', { ROWS_PER_SPLIT, WEIGHTED: weights !== undefined }),
    { col_params: colParams(scope, label, rows, cols, splits, 0), mat, weights: weights ?? mat, partials },
    [Math.ceil(cols / WG), splits, 1],
  );
}

export interface BdecBuffers {
  dims: GPUBuffer;
  gx: GPUBuffer;
  w_enc_t: GPUBuffer;
  g_benc: GPUBuffer;
  /** [splitsFor(B), d_in] */
  partials_a: GPUBuffer;
  /** [splitsFor(d_sae), d_in] */
  partials_b: GPUBuffer;
  g_bdec: GPUBuffer;
}

/** dL/db_dec = Σ_b dL/dx_hat − [apply_b_dec_to_input]·W_enc·db_enc (the x_in = x − b_dec path). */
export function bdecGradDispatches(scope: GpuScope, rows: number, dIn: number, dSae: number, b: BdecBuffers): Dispatch[] {
  return [
    colPartials(scope, 'bdec Σg', rows, dIn, b.gx, b.partials_a),
    colPartials(scope, 'bdec W_enc·db_enc', dSae, dIn, b.w_enc_t, b.partials_b, b.g_benc),
    makeDispatch(
      scope,
      'bdec finish',
      spec('bdec_finish'),
      { dims: b.dims, col_params: colParams(scope, 'bdec finish', 0, dIn, splitsFor(rows), splitsFor(dSae)), partials_a: b.partials_a, partials_b: b.partials_b, g_bdec: b.g_bdec },
      [Math.ceil(dIn / WG), 1, 1],
    ),
  ];
}
