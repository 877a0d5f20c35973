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
  /** [cols, cscChunks(rows)] */
  chunk_count: GPUBuffer;
  /** [cols] */
  lat_count: GPUBuffer;
  /** [cols + 1] */
  lat_offset: GPUBuffer;
  /** (row | flags, bits of z) */
  csc: GPUBuffer;
}

/** Rows per chunk of csc_count / csc_fill (their ROW_CHUNK). */
const ROW_CHUNK = 256;

export function cscChunks(rows: number): number {
  return Math.max(1, Math.ceil(rows / ROW_CHUNK));
}

function sortParams(scope: GpuScope, label: string, rows: number, cols: number): GPUBuffer {
  return scope.uniform(`${label} params`, new UniformWriter().u32(rows).u32(cols).u32(cscChunks(rows)).u32(0).finish());
}

/** offsets[i] = Σ_{i' < i} counts[i'] for i ≤ n, in one workgroup. */
export function scanDispatch(scope: GpuScope, label: string, n: number, counts: GPUBuffer, offsets: GPUBuffer, dims: GPUBuffer): Dispatch {
  const params = sortParams(scope, label, 0, n);
  return makeDispatch(scope, label, { shader: 'counting_sort.wgsl', entry: 'scan_exclusive' }, { params, dims, counts, offsets }, [1, 1, 1]);
}

export function cscDispatches(scope: GpuScope, label: string, rows: number, cols: number, b: CscBuffers): Dispatch[] {
  const params = sortParams(scope, label, rows, cols);
  const chunks = cscChunks(rows);
  const blocks = Math.ceil(cols / WG);
  const max = scope.device.limits.maxComputeWorkgroupsPerDimension;
  if (blocks > max || chunks > max) throw new RangeError(`${label}: ${rows} rows × ${cols} latents exceed one dispatch.`);
  const spec = (entry: string) => ({ shader: 'counting_sort.wgsl', entry, defines: { ROW_CHUNK } });
  const res = { params, dims: b.dims, mask_main: b.mask_main, mask_aux: b.mask_aux };
  return [
    makeDispatch(scope, `${label} count`, spec('csc_count'), { ...res, chunk_count: b.chunk_count }, [blocks, chunks, 1]),
    makeDispatch(scope, `${label} total`, spec('csc_total'), { params, chunk_count_view: b.chunk_count, lat_count: b.lat_count, ssf: b.ssf }, grid(scope, blocks)),
    scanDispatch(scope, `${label} scan`, cols, b.lat_count, b.lat_offset, b.dims),
    makeDispatch(scope, `${label} fill`, spec('csc_fill'), { ...res, chunk_count_view: b.chunk_count, lat_offset: b.lat_offset, pre: b.pre, csc: b.csc }, [blocks, chunks, 1]),
  ];
}
