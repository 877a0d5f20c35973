// The per-latent (CSC) view of the active pairs, by counting sort over the bitmasks
// (shaders/counting_sort.wgsl); also updates steps_since_fired.
import type { Dispatch } from '../../gpu/dispatches';
import type { GpuScope } from '../../gpu/scope';
import { UniformWriter } from '../../gpu/uniforms';
import { grid, makeDispatch, WG } from './op';

export interface CscBuffers {
  dims: GPUBuffer;
  mask_main: GPUBuffer;
  mask_aux: GPUBuffer;
  pre: GPUBuffer;
  ssf: GPUBuffer;
  /** [cols] */
  lat_count: GPUBuffer;
  /** [cols + 1] */
  lat_offset: GPUBuffer;
  /** (row | flags, bits of z) */
  csc: GPUBuffer;
}

function sortParams(scope: GpuScope, label: string, rows: number, cols: number): GPUBuffer {
  return scope.uniform(`${label} params`, new UniformWriter().u32(rows).u32(cols).u32(0).u32(0).finish());
}

/** offsets[i] = Σ_{i' < i} counts[i'] for i ≤ n, in one workgroup. */
export function scanDispatch(scope: GpuScope, label: string, n: number, counts: GPUBuffer, offsets: GPUBuffer, dims: GPUBuffer): Dispatch {
  const params = sortParams(scope, label, 0, n);
  return makeDispatch(scope, label, { shader: 'counting_sort.wgsl', entry: 'scan_exclusive' }, { params, dims, counts, offsets }, [1, 1, 1]);
}

export function cscDispatches(scope: GpuScope, label: string, rows: number, cols: number, b: CscBuffers): Dispatch[] {
  const params = sortParams(scope, label, rows, cols);
  const latentGroups = grid(scope, Math.ceil(cols / WG));
  const res = { params, dims: b.dims, mask_main: b.mask_main, mask_aux: b.mask_aux };
  return [
    makeDispatch(scope, `${label} count`, { shader: 'counting_sort.wgsl', entry: 'csc_count' }, { ...res, lat_count: b.lat_count, ssf: b.ssf }, latentGroups),
    scanDispatch(scope, `${label} scan`, cols, b.lat_count, b.lat_offset, b.dims),
    makeDispatch(scope, `${label} fill`, { shader: 'counting_sort.wgsl', entry: 'csc_fill' }, { ...res, lat_offset: b.lat_offset, pre: b.pre, csc: b.csc }, latentGroups),
  ];
}
