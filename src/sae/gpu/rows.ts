// Row-wise kernels around the decoder (shaders/sae_decode.wgsl).
import type { Dispatch } from '../../gpu/dispatches';
import type { GpuScope } from '../../gpu/scope';
import { UniformWriter } from '../../gpu/uniforms';
import { grid, makeDispatch, ROW_WG, WG } from './op';

function rowParams(scope: GpuScope, label: string, rows: number): GPUBuffer {
  return scope.uniform(`${label} params`, new UniformWriter().u32(rows).u32(0).u32(0).u32(0).finish());
}

const spec = (entry: string, wg = WG) => ({ shader: 'sae_decode.wgsl', entry, defines: { WG: wg } });

/** x_in = x − b_dec (or a copy of x when apply_b_dec_to_input is off). */
export function inputMinusBiasDispatch(scope: GpuScope, rows: number, dIn: number, b: { dims: GPUBuffer; x: GPUBuffer; b_dec: GPUBuffer; x_in: GPUBuffer }): Dispatch {
  const params = rowParams(scope, 'x_in', rows);
  return makeDispatch(scope, 'x_in', spec('input_minus_bias'), { params, ...b }, grid(scope, Math.ceil((rows * dIn) / WG)));
}

/** x = f32 of an f16 batch (two halves per u32 word, little-endian). */
export function unpackF16Dispatch(scope: GpuScope, rows: number, dIn: number, b: { dims: GPUBuffer; x_f16: GPUBuffer; x_out: GPUBuffer }): Dispatch {
  const params = rowParams(scope, 'unpack f16', rows);
  return makeDispatch(scope, 'unpack f16', spec('unpack_f16'), { params, ...b }, grid(scope, Math.ceil((rows * dIn) / WG)));
}

export interface SparseDecodeBuffers {
  dims: GPUBuffer;
  x: GPUBuffer;
  b_dec: GPUBuffer;
  w_dec: GPUBuffer;
  row_ptr: GPUBuffer;
  ent: GPUBuffer;
  x_hat: GPUBuffer;
  gx: GPUBuffer;
  row_stats: GPUBuffer;
}

/** x_hat from the kept lists, dL/dx_hat, and row stats (Σ(x_hat − x)², l0, smallest kept z). */
export function sparseDecodeDispatch(scope: GpuScope, rows: number, b: SparseDecodeBuffers): Dispatch {
  return makeDispatch(scope, 'sparse decode', spec('sparse_decode', ROW_WG), { params: rowParams(scope, 'sparse decode', rows), ...b }, grid(scope, rows));
}

export interface AuxDecodeBuffers {
  dims: GPUBuffer;
  x: GPUBuffer;
  x_hat: GPUBuffer;
  w_dec: GPUBuffer;
  row_ptr: GPUBuffer;
  ent: GPUBuffer;
  scalars: GPUBuffer;
  gx: GPUBuffer;
  row_stats: GPUBuffer;
}

/** AuxK: e_hat from the aux lists, dAux/de_hat into the second half of gx, row stat Σ(e_hat − e)². */
export function auxDecodeDispatch(scope: GpuScope, rows: number, b: AuxDecodeBuffers): Dispatch {
  const { x_hat, ...rest } = b;
  return makeDispatch(scope, 'aux decode', spec('aux_decode', ROW_WG), { params: rowParams(scope, 'aux decode', rows), x_hat_view: x_hat, ...rest }, grid(scope, rows));
}

export interface DenseRowsBuffers {
  dims: GPUBuffer;
  x: GPUBuffer;
  x_hat: GPUBuffer;
  z: GPUBuffer;
  norms: GPUBuffer;
  gx: GPUBuffer;
  row_stats: GPUBuffer;
}

/** Dense path: dL/dx_hat and row stats from x_hat and z. */
export function denseRowsDispatch(scope: GpuScope, rows: number, b: DenseRowsBuffers): Dispatch {
  const { x_hat, ...rest } = b;
  return makeDispatch(scope, 'dense rows', spec('dense_rows', ROW_WG), { params: rowParams(scope, 'dense rows', rows), x_hat_view: x_hat, ...rest }, grid(scope, rows));
}
