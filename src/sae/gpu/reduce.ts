// Reductions to scalars (shaders/sae_reduce.wgsl): gradient-norm clipping, column variance, metrics.
import type { Dispatch } from '../../gpu/dispatches';
import type { GpuScope } from '../../gpu/scope';
import { UniformWriter } from '../../gpu/uniforms';
import type { Architecture } from '../config';
import { ARCH_CODE } from './layout';
import { grid, makeDispatch, WG } from './op';

const ITEMS = 8;
const spec = (entry: string, defines: Record<string, number> = {}) => ({ shader: 'sae_reduce.wgsl', entry, defines: { ITEMS, ...defines } });

function reduceParams(scope: GpuScope, label: string, n: number, outOffset: number, rows: number): GPUBuffer {
  return scope.uniform(`${label} params`, new UniformWriter().u32(n).u32(outOffset).u32(rows).u32(0).finish());
}

/** Partials needed to hold the squared sums of tensors with these lengths. */
export function clipPartialsLength(lengths: readonly number[]): number {
  return lengths.reduce((s, n) => s + Math.ceil(n / (WG * ITEMS)), 0);
}

/** Global gradient norm over `grads` → scalars.clip_scale = min(1, grad_clip / norm). */
export function clipDispatches(
  scope: GpuScope,
  grads: readonly { buffer: GPUBuffer; length: number }[],
  b: { dims: GPUBuffer; step_info: GPUBuffer; scalars: GPUBuffer; partials: GPUBuffer },
): Dispatch[] {
  const out: Dispatch[] = [];
  let offset = 0;
  for (const g of grads) {
    const groups = Math.ceil(g.length / (WG * ITEMS));
    out.push(makeDispatch(scope, 'grad sumsq', spec('sumsq_partials'), { params: reduceParams(scope, 'grad sumsq', g.length, offset, 0), src: g.buffer, partials: b.partials }, grid(scope, groups)));
    offset += groups;
  }
  out.push(
    makeDispatch(
      scope,
      'clip scale',
      spec('clip_scale'),
      { params: reduceParams(scope, 'clip scale', offset, 0, 0), dims: b.dims, step_info: b.step_info, scalars: b.scalars, partials_view: b.partials },
      [1, 1, 1],
    ),
  );
  return out;
}

/** Rows per split of column_moments (its ROWS_PER_SPLIT). */
const MOMENT_ROWS = 256;

/** Floats of the column-moments scratch for `rows` rows of d_in columns. */
export function columnMomentsLength(rows: number, dIn: number): number {
  return 2 * Math.ceil(rows / MOMENT_ROWS) * dIn;
}

/** colvar[d] = Σ_b (x_bd − mean_b x_bd)², via per-split moments merged per column. */
export function columnVarianceDispatches(scope: GpuScope, rows: number, dIn: number, b: { dims: GPUBuffer; x: GPUBuffer; moments: GPUBuffer; colvar: GPUBuffer }): Dispatch[] {
  const params = reduceParams(scope, 'column variance', 0, 0, rows);
  const splits = Math.ceil(rows / MOMENT_ROWS);
  if (splits > scope.device.limits.maxComputeWorkgroupsPerDimension) throw new RangeError(`column variance: too many rows (${rows}).`);
  const defines = { ROWS_PER_SPLIT: MOMENT_ROWS };
  return [
    makeDispatch(scope, 'column moments', spec('column_moments', defines), { params, dims: b.dims, x: b.x, moments: b.moments }, [Math.ceil(dIn / WG), splits, 1]),
    makeDispatch(scope, 'column variance', spec('column_variance', defines), { params, dims: b.dims, moments_view: b.moments, colvar: b.colvar }, [Math.ceil(dIn / WG), 1, 1]),
  ];
}

export interface FinalizeBuffers {
  dims: GPUBuffer;
  step_info: GPUBuffer;
  row_stats: GPUBuffer;
  colvar: GPUBuffer;
  ssf: GPUBuffer;
  scalars: GPUBuffer;
  metrics: GPUBuffer;
}

export function finalizeMetricsDispatch(scope: GpuScope, arch: Architecture, rows: number, b: FinalizeBuffers): Dispatch {
  const { colvar, ...rest } = b;
  return makeDispatch(
    scope,
    'finalize metrics',
    spec('finalize_metrics', { ARCH: ARCH_CODE[arch] }),
    { params: reduceParams(scope, 'finalize metrics', 0, 0, rows), colvar_view: colvar, ...rest },
    [1, 1, 1],
  );
}
