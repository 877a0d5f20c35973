// Adam (+ decoder renormalisation) and decoder row norms (shaders/sae_adam.wgsl).
import type { Dispatch } from '../../gpu/dispatches';
import type { GpuScope } from '../../gpu/scope';
import { UniformWriter } from '../../gpu/uniforms';
import { grid, makeDispatch, ROW_WG, WG } from './op';

export interface AdamBuffers {
  dims: GPUBuffer;
  step_info: GPUBuffer;
  scalars: GPUBuffer;
  param: GPUBuffer;
  moment1: GPUBuffer;
  moment2: GPUBuffer;
  grad: GPUBuffer;
}

function adamParams(scope: GpuScope, label: string, n: number, rows: number, cols: number): GPUBuffer {
  return scope.uniform(`${label} params`, new UniformWriter().u32(n).u32(rows).u32(cols).u32(0).finish());
}

export function adamDispatch(scope: GpuScope, label: string, n: number, b: AdamBuffers): Dispatch {
  return makeDispatch(scope, label, { shader: 'sae_adam.wgsl', entry: 'adam' }, { params: adamParams(scope, label, n, 0, 0), ...b }, grid(scope, Math.ceil(n / WG)));
}

/** Adam on a [rows, cols] matrix followed by dividing each row by its norm. */
export function adamRowsRenormDispatch(scope: GpuScope, label: string, rows: number, cols: number, b: AdamBuffers): Dispatch {
  return makeDispatch(
    scope,
    label,
    { shader: 'sae_adam.wgsl', entry: 'adam_rows_renorm', defines: { WG: ROW_WG } },
    { params: adamParams(scope, label, rows * cols, rows, cols), ...b },
    grid(scope, rows),
  );
}

export function decoderNormsDispatch(scope: GpuScope, rows: number, cols: number, b: { rows_in: GPUBuffer; norms: GPUBuffer }): Dispatch {
  return makeDispatch(scope, 'decoder norms', { shader: 'sae_adam.wgsl', entry: 'decoder_norms', defines: { WG: ROW_WG } }, { params: adamParams(scope, 'decoder norms', 0, rows, cols), ...b }, grid(scope, rows));
}
