// Tiled matrix products with the SAE's fused epilogues (shaders/sae_matmul.wgsl).
import { DispatchTooLargeError } from '../../gpu/dispatch';
import type { Dispatch } from '../../gpu/dispatches';
import type { GpuScope } from '../../gpu/scope';
import { UniformWriter } from '../../gpu/uniforms';
import { makeDispatch } from './op';

export interface MatmulTiling {
  /** output tile rows / columns per workgroup */
  TM: number;
  TN: number;
  /** k values staged per iteration */
  TK: number;
  /** output rows / columns per invocation */
  RM: number;
  RN: number;
}

/**
 * 64×64 tiles of 8×8 outputs per invocation (64 invocations, 8 KiB shared) where the device allows, else
 * 32×32 of 4×4. The larger register block halves shared-memory reads per FMA; on SwiftShader it ran the
 * SAE's three product shapes 1.3–1.8× faster than 4×4 blocks of 256 invocations (scratch sweep of 12 tilings).
 */
export function chooseMatmulTiling(limits: GPUSupportedLimits): MatmulTiling {
  const big: MatmulTiling = { TM: 64, TN: 64, TK: 16, RM: 8, RN: 8 };
  const fits = (t: MatmulTiling) =>
    (t.TM / t.RM) * (t.TN / t.RN) <= limits.maxComputeInvocationsPerWorkgroup &&
    t.TN / t.RN <= limits.maxComputeWorkgroupSizeX &&
    t.TM / t.RM <= limits.maxComputeWorkgroupSizeY &&
    (t.TM + t.TN) * t.TK * 4 <= limits.maxComputeWorkgroupStorageSize;
  return fits(big) ? big : { TM: 32, TN: 32, TK: 8, RM: 4, RN: 4 };
}

export type MatmulEntry = 'matmul' | 'matmul_bias' | 'encode_relu' | 'encode_jumprelu' | 'dpre_relu' | 'dpre_jumprelu' | 'dwdec_relu';

export interface MatmulShape {
  M: number;
  N: number;
  K: number;
  /** how A is stored: [M, K] ('mk') or [K, M] ('km', the product uses its transpose) */
  a: 'mk' | 'km';
  /** how B is stored: [K, N] ('kn') or [N, K] ('nk') */
  b: 'kn' | 'nk';
}

export interface MatmulBuffers {
  a: GPUBuffer;
  b: GPUBuffer;
  out0: GPUBuffer;
  out1?: GPUBuffer;
  mat_e?: GPUBuffer;
  vec_n?: GPUBuffer;
  vec_n2?: GPUBuffer;
  vec_m?: GPUBuffer;
  vec_m2?: GPUBuffer;
  step_info?: GPUBuffer;
}

export function matmulDispatch(scope: GpuScope, label: string, entry: MatmulEntry, shape: MatmulShape, buffers: MatmulBuffers, tiling: MatmulTiling): Dispatch {
  const gx = Math.ceil(shape.N / tiling.TN);
  const gy = Math.ceil(shape.M / tiling.TM);
  const max = scope.device.limits.maxComputeWorkgroupsPerDimension;
  if (gx > max || gy > max) throw new DispatchTooLargeError(`${label}: a ${shape.M}×${shape.N} product needs more tiles than one dispatch holds.`);
  const dims = scope.uniform(`${label} dims`, new UniformWriter().u32(shape.M).u32(shape.N).u32(shape.K).u32(0).finish());
  return makeDispatch(
    scope,
    label,
    {
      shader: 'sae_matmul.wgsl',
      entry,
      defines: { ...tiling, A_LAYOUT: shape.a === 'mk' ? 0 : 1, B_LAYOUT: shape.b === 'kn' ? 0 : 1 },
    },
    { dims, ...buffers },
    [gx, gy, 1],
  );
}
