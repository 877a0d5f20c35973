import { describe, expect, it } from 'vitest';
import { acquireGpu, GpuUnavailableError } from '../../src/gpu/device';
import { nodeGpu } from '../../src/gpu/node-gpu';

describe('acquireGpu', () => {
  it('finds an adapter in Node (SwiftShader when no GPU) and requests its maximum limits', async () => {
    const { device, info } = await acquireGpu(await nodeGpu());
    expect(info.vendor.length + info.description.length).toBeGreaterThan(0);
    expect(device.limits.maxStorageBufferBindingSize).toBe(info.limits.maxStorageBufferBindingSize);
    device.destroy();
  });

  it('explains plainly when WebGPU is missing', async () => {
    await expect(acquireGpu(undefined)).rejects.toBeInstanceOf(GpuUnavailableError);
    await expect(acquireGpu(undefined)).rejects.toThrow(/does not expose WebGPU/);
  });
});
