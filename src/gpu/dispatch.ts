// Workgroup grids. A 1-D problem larger than maxComputeWorkgroupsPerDimension (65535) is laid out on a 2-D
// grid; shaders rebuild the linear index as `wg.x + wg.y * num_workgroups.x` and skip the overhang.

export class DispatchTooLargeError extends Error {
  override name = 'DispatchTooLargeError';
}

/** [x, y] with x·y ≥ workgroups, x ≤ maxPerDim, y ≤ maxPerDim (and as little overhang as the limit allows). */
export function grid1D(workgroups: number, maxPerDim: number): [number, number] {
  if (!Number.isInteger(workgroups) || workgroups < 0) throw new RangeError(`Invalid workgroup count ${workgroups}.`);
  if (workgroups <= maxPerDim) return [Math.max(workgroups, 1), 1];
  const y = Math.ceil(workgroups / maxPerDim);
  if (y > maxPerDim) throw new DispatchTooLargeError(`${workgroups} workgroups exceed what one dispatch can hold (${maxPerDim}² ).`);
  return [Math.ceil(workgroups / y), y];
}

/** Dispatches `workgroups` workgroups of a 1-D kernel, splitting over two dimensions when needed. */
export function dispatch1D(pass: GPUComputePassEncoder, device: GPUDevice, workgroups: number): void {
  if (workgroups === 0) return;
  const [x, y] = grid1D(workgroups, device.limits.maxComputeWorkgroupsPerDimension);
  pass.dispatchWorkgroups(x, y);
}

export function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}
