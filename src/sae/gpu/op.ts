// Building one recorded dispatch of a kernel from shaders/ (shared by the SAE kernel families).
import { grid1D } from '../../gpu/dispatch';
import type { Dispatch } from '../../gpu/dispatches';
import { kernel, type BindingResource, type KernelSpec } from '../../gpu/kernels';
import type { GpuScope } from '../../gpu/scope';

export type Resources = Readonly<Record<string, BindingResource | undefined>>;

export function makeDispatch(scope: GpuScope, label: string, spec: KernelSpec, resources: Resources, grid: readonly [number, number, number]): Dispatch {
  const k = kernel(scope.device, spec);
  return { label, kernel: k, bindGroup: k.bind(resources, label), grid };
}

/** The grid for `workgroups` workgroups of a 1-D kernel (2-D when over the per-dimension limit). */
export function grid(scope: GpuScope, workgroups: number): [number, number, number] {
  const [x, y] = grid1D(workgroups, scope.device.limits.maxComputeWorkgroupsPerDimension);
  return [x, y, 1];
}

/** Workgroup size of the 1-D and single-workgroup SAE kernels: WebGPU guarantees 256 invocations. */
export const WG = 256;

/**
 * Workgroup size of the kernels that give one workgroup to a row (select, decode, per-latent backward, row
 * renormalisation): one warp/wave. Rows are plentiful (B or d_sae of them), so a small workgroup loses no
 * parallelism on a GPU, and its barriers are the cheapest there are: on CPU implementations (SwiftShader)
 * a barrier switches between every 4-wide slice of the workgroup, and 32 instead of 256 made these kernels
 * 3–7× faster (measured with `npm run sae:profile`).
 */
export const ROW_WG = 32;
