// A recorded dispatch (pipeline + bind group + grid), so a step is built once and replayed every time
// with almost no CPU work; recorded into one compute pass, or one timed pass each when profiling.
import type { Kernel } from './kernels';
import type { GpuProfiler } from './profiler';

export interface Dispatch {
  label: string;
  kernel: Kernel;
  bindGroup: GPUBindGroup;
  /** workgroups in x, y, z */
  grid: readonly [number, number, number];
}

export function recordDispatches(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[], profiler?: GpuProfiler | null): void {
  if (profiler) {
    for (const d of dispatches) {
      const pass = profiler.beginPass(encoder, d.label);
      encodeOne(pass, d);
      pass.end();
    }
    return;
  }
  const pass = encoder.beginComputePass();
  for (const d of dispatches) encodeOne(pass, d);
  pass.end();
}

function encodeOne(pass: GPUComputePassEncoder, d: Dispatch): void {
  if (d.grid[0] === 0 || d.grid[1] === 0 || d.grid[2] === 0) return;
  pass.setPipeline(d.kernel.pipeline);
  pass.setBindGroup(0, d.bindGroup);
  pass.dispatchWorkgroups(d.grid[0], d.grid[1], d.grid[2]);
}
