// TopK, AuxK and BatchTopK selection with compaction into per-row (latent, z) lists (shaders/sae_topk.wgsl).
import type { Dispatch } from '../../gpu/dispatches';
import type { GpuScope } from '../../gpu/scope';
import { UniformWriter } from '../../gpu/uniforms';
import { grid, makeDispatch, ROW_WG, WG } from './op';

export interface SelectBuffers {
  dims: GPUBuffer;
  scalars: GPUBuffer;
  pre: GPUBuffer;
  ssf: GPUBuffer;
  /** (latent, bits of z) list entries */
  ent: GPUBuffer;
  /** (start, count) per row */
  row_ptr: GPUBuffer;
  /** kept bits [rows, ceil(d_sae/32)] */
  mask: GPUBuffer;
}

export interface BatchSelectScratch {
  /** 4 u32 */
  sel_state: GPUBuffer;
  /** 256 u32 */
  hist: GPUBuffer;
  /** 2 u32 per row */
  row_tmp: GPUBuffer;
}

const BATCH_ITEMS = 16;

function selectParams(scope: GpuScope, label: string, rows: number, cap: number): GPUBuffer {
  return scope.uniform(`${label} params`, new UniformWriter().u32(rows).u32(cap).u32(0).u32(0).finish());
}

/** TopK (k per row) or AuxK (min(k_aux, n_dead) per row, dead latents only); row r's list starts at r·cap. */
export function topkRowsDispatch(scope: GpuScope, label: string, rows: number, cap: number, aux: boolean, b: SelectBuffers): Dispatch {
  const params = selectParams(scope, label, rows, cap);
  return makeDispatch(
    scope,
    label,
    { shader: 'sae_topk.wgsl', entry: 'topk_rows', defines: { AUX: aux, WG: ROW_WG } },
    { params, dims: b.dims, scalars: b.scalars, pre: b.pre, ssf: b.ssf, ent: b.ent, row_ptr: b.row_ptr, mask: b.mask },
    grid(scope, rows),
  );
}

/** BatchTopK over rows·d_sae pre-activations: radix select of the k·rows largest, then row compaction. */
export function batchTopkDispatches(scope: GpuScope, label: string, rows: number, dSae: number, b: SelectBuffers, s: BatchSelectScratch): Dispatch[] {
  const params = selectParams(scope, label, rows, 0);
  const res = {
    params,
    dims: b.dims,
    scalars: b.scalars,
    pre: b.pre,
    ssf: b.ssf,
    ent: b.ent,
    mask: b.mask,
    sel_state: s.sel_state,
    hist_global: s.hist,
    row_tmp: s.row_tmp,
  };
  // row kernels size their workgroups to d_sae; the whole-batch ones use the full WG
  const spec = (entry: string, wg = WG) => ({ shader: 'sae_topk.wgsl', entry, defines: { ITEMS: BATCH_ITEMS, WG: wg } });
  const one: [number, number, number] = [1, 1, 1];
  const histGroups = Math.ceil((rows * dSae) / (WG * BATCH_ITEMS));
  const out: Dispatch[] = [makeDispatch(scope, `${label} reset`, spec('batch_reset'), res, one)];
  for (let pass = 0; pass < 4; pass++) {
    out.push(makeDispatch(scope, `${label} hist ${pass}`, spec('batch_hist'), { ...res, sel_view: s.sel_state, sel_state: undefined }, grid(scope, histGroups)));
    out.push(makeDispatch(scope, `${label} choose ${pass}`, spec('batch_choose'), res, one));
  }
  const view = { ...res, sel_state: undefined, sel_view: s.sel_state };
  out.push(makeDispatch(scope, `${label} count`, spec('batch_count_rows', ROW_WG), view, grid(scope, rows)));
  out.push(makeDispatch(scope, `${label} offsets`, spec('batch_offsets'), { ...view, row_ptr: b.row_ptr }, one));
  out.push(
    makeDispatch(
      scope,
      `${label} compact`,
      spec('batch_compact_rows', ROW_WG),
      { ...view, row_tmp: undefined, row_tmp_view: s.row_tmp, row_ptr_view: b.row_ptr },
      grid(scope, rows),
    ),
  );
  return out;
}
