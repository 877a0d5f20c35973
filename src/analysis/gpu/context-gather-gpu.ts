// Gathers the context activations a ContextPlan asks of a batch out of its z on the GPU
// (shaders/feature_gather.wgsl), so only those few values come back.
import { createBuffer, readF32, uniformBuffer, writeData } from '../../gpu/buffers';
import { ceilDiv, dispatch1D } from '../../gpu/dispatch';
import { kernel, type Kernel } from '../../gpu/kernels';
import { UniformWriter } from '../../gpu/uniforms';
import type { GatherList } from '../context';

const WG = 64;

export class GpuContextGather {
  private readonly kernel: Kernel;
  private readonly uniforms: GPUBuffer;
  private requests: GPUBuffer | null = null;
  private out: GPUBuffer | null = null;
  private capacity = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly dSae: number,
  ) {
    this.kernel = kernel(device, { shader: 'feature_gather.wgsl' });
    this.uniforms = uniformBuffer(device, 'feature gather params', new ArrayBuffer(16));
  }

  /** z[rows[i], latents[i]] for every request of `list` (z [≥ max row + 1, d_sae] on the GPU). */
  async gather(z: GPUBuffer, list: GatherList): Promise<Float32Array> {
    const count = list.latents.length;
    if (count === 0) return new Float32Array(0);
    if (count > this.capacity) {
      this.requests?.destroy();
      this.out?.destroy();
      this.capacity = Math.max(count, 2 * this.capacity);
      this.requests = createBuffer(this.device, 'feature gather requests', this.capacity * 8);
      this.out = createBuffer(this.device, 'feature gather out', this.capacity * 4);
    }
    const pairs = new Uint32Array(2 * count);
    for (let i = 0; i < count; i++) {
      pairs[2 * i] = list.latents[i]!;
      pairs[2 * i + 1] = list.rows[i]!;
    }
    writeData(this.device, this.requests!, pairs);
    this.device.queue.writeBuffer(this.uniforms, 0, new UniformWriter().u32(count).u32(this.dSae).u32(0).u32(0).finish());
    const group = this.kernel.bind({ params: this.uniforms, z, requests: this.requests!, out: this.out! }, 'feature gather');
    const encoder = this.device.createCommandEncoder({ label: 'feature gather' });
    const pass = encoder.beginComputePass({ label: 'feature gather' });
    pass.setPipeline(this.kernel.pipeline);
    pass.setBindGroup(0, group);
    dispatch1D(pass, this.device, ceilDiv(count, WG));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    return readF32(this.device, this.out!, count);
  }

  destroy(): void {
    this.requests?.destroy();
    this.out?.destroy();
    this.uniforms.destroy();
  }
}
