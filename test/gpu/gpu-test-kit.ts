// Shared set-up for the GPU tests: one device per test file (SwiftShader is slow to start and to run),
// seeded data, running recorded dispatches, and tolerant comparisons with helpful messages.
import { afterAll, beforeAll, expect } from 'vitest';
import { acquireGpu } from '../../src/gpu/device';
import { recordDispatches, type Dispatch } from '../../src/gpu/dispatches';
import { nodeGpu } from '../../src/gpu/node-gpu';
import { GpuScope } from '../../src/gpu/scope';
import { Prng } from '../../src/sae/prng';

export interface GpuTestContext {
  device: GPUDevice;
  scope: GpuScope;
}

/** A device (and a buffer scope) for the whole file; fails the file on any uncaptured WebGPU error. */
export function useGpu(): GpuTestContext {
  const ctx = {} as GpuTestContext;
  const errors: string[] = [];
  beforeAll(async () => {
    const { device } = await acquireGpu(await nodeGpu());
    device.addEventListener('uncapturederror', (e) => errors.push((e as GPUUncapturedErrorEvent).error.message));
    ctx.device = device;
    ctx.scope = new GpuScope(device);
  });
  afterAll(() => {
    ctx.scope?.destroy();
    ctx.device?.destroy();
    expect(errors, 'uncaptured WebGPU errors').toEqual([]);
  });
  return ctx;
}

/** Submits the dispatches and waits until the GPU has run them (and reports validation errors). */
export async function run(device: GPUDevice, dispatches: readonly Dispatch[]): Promise<void> {
  device.pushErrorScope('validation');
  const encoder = device.createCommandEncoder();
  recordDispatches(encoder, dispatches);
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
  const err = await device.popErrorScope();
  if (err) throw new Error(`WebGPU validation error: ${err.message}`);
}

export function randomF32(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Prng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.range(lo, hi);
  return out;
}

/** Largest |a − b| over the arrays, and where. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; at: number } {
  expect(a.length, 'lengths').toBe(b.length);
  let diff = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= diff)) {
      diff = d;
      at = i;
    }
  }
  return { diff, at };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  const { diff, at } = maxAbsDiff(actual, expected);
  if (process.env.GPU_TEST_VERBOSE) console.log(`${what}: max |Δ| = ${diff.toExponential(2)} (tolerance ${tol})`);
  expect(diff, `${what}: max |Δ| = ${diff} at ${at} (got ${actual[at]}, want ${expected[at]})`).toBeLessThanOrEqual(tol);
}
