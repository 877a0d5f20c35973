// Owns the buffers created for one purpose (a trainer, a test) so they are destroyed together.
import { createBuffer, uniformBuffer, uploadBuffer, type TypedData } from './buffers';

export class GpuScope {
  private readonly buffers: GPUBuffer[] = [];

  constructor(readonly device: GPUDevice) {}

  /** A zeroed storage buffer (COPY_SRC | COPY_DST too). */
  storage(label: string, bytes: number): GPUBuffer {
    return this.track(createBuffer(this.device, label, bytes));
  }

  upload(label: string, data: TypedData): GPUBuffer {
    return this.track(uploadBuffer(this.device, label, data));
  }

  uniform(label: string, bytes: ArrayBuffer): GPUBuffer {
    return this.track(uniformBuffer(this.device, label, bytes));
  }

  track(buffer: GPUBuffer): GPUBuffer {
    this.buffers.push(buffer);
    return buffer;
  }

  destroy(): void {
    for (const b of this.buffers.splice(0)) b.destroy();
  }
}
