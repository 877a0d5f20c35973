// Context activations gathered on the GPU against the CPU path of ContextPlan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextPlan, wholeWindowBatch, type ExampleRef } from '../../src/analysis';
import { GpuContextGather } from '../../src/analysis/gpu';
import { uploadBuffer } from '../../src/gpu/buffers';
import { acquireGpu } from '../../src/gpu/device';
import { nodeGpu } from '../../src/gpu/node-gpu';
import { Prng } from '../../src/sae/prng';

let device: GPUDevice;

beforeAll(async () => {
  device = (await acquireGpu(await nodeGpu())).device;
});

afterAll(() => device?.destroy());

describe('GPU context gather', () => {
  it('fills a plan exactly as the CPU does', async () => {
    const rng = new Prng(61);
    const [dSae, ctx, windows] = [11, 8, 5];
    const refs: ExampleRef[] = Array.from({ length: 70 }, (_, i) => ({
      latent: rng.nextUint32() % dSae,
      kind: 'top',
      rank: i,
      act: 1,
      window: rng.nextUint32() % windows,
      pos: rng.nextUint32() % ctx,
    }));
    const spec = { prefix: 3, suffix: 2 };
    const cpu = new ContextPlan(refs, () => ctx, spec);
    const gpuPlan = new ContextPlan(refs, () => ctx, spec);
    const gather = new GpuContextGather(device, dSae);
    // two batches: windows 0-2 and 3-4
    for (const [first, count] of [[0, 3], [3, 2]]) {
      const batch = wholeWindowBatch(first!, count!, ctx);
      const z = Float32Array.from({ length: count! * ctx * dSae }, () => rng.normal());
      cpu.fillFromActivations(z, dSae, batch);
      const list = gpuPlan.gatherList(batch);
      gpuPlan.fill(list.targets, await gather.gather(uploadBuffer(device, 'z', z), list));
    }
    gather.destroy();
    expect(gpuPlan.remaining).toBe(0);
    expect(Array.from(gpuPlan.values)).toEqual(Array.from(cpu.values));
  });
});
