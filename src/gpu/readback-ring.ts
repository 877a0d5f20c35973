// Asynchronous readback without stalling the queue: each read copies into a MAP_READ buffer and maps it
// later; the returned promise resolves once the GPU has got there. Staging buffers are pooled and reused.
import { roundUp } from './buffers';

export class ReadbackRing {
  private readonly free: GPUBuffer[] = [];
  private readonly all = new Set<GPUBuffer>();
  private pending = 0;
  private destroyed = false;

  constructor(
    private readonly device: GPUDevice,
    /** staging buffers kept for reuse; more may exist briefly while many reads are in flight */
    private readonly keep = 4,
  ) {}

  /** Reads in flight. */
  get inFlight(): number {
    return this.pending;
  }

  /**
   * Copies src[byteOffset, byteOffset + bytes) after all work submitted so far and resolves with those bytes.
   * Returns at once; nothing waits for the GPU.
   */
  read(src: GPUBuffer, byteOffset: number, bytes: number): Promise<ArrayBuffer> {
    if (this.destroyed) return Promise.reject(new Error('ReadbackRing used after destroy().'));
    const size = Math.max(16, roundUp(bytes, 16));
    const staging = this.take(size);
    const encoder = this.device.createCommandEncoder({ label: 'readback ring copy' });
    encoder.copyBufferToBuffer(src, byteOffset, staging, 0, roundUp(bytes, 4));
    this.device.queue.submit([encoder.finish()]);
    this.pending++;
    return staging.mapAsync(GPUMapMode.READ, 0, size).then(
      () => {
        const out = staging.getMappedRange(0, size).slice(0, bytes);
        staging.unmap();
        this.give(staging);
        return out;
      },
      (err: unknown) => {
        this.give(staging);
        throw err;
      },
    ).finally(() => {
      this.pending--;
    });
  }

  destroy(): void {
    this.destroyed = true;
    for (const b of this.all) b.destroy();
    this.all.clear();
    this.free.length = 0;
  }

  private take(size: number): GPUBuffer {
    const i = this.free.findIndex((b) => b.size >= size);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    const buffer = this.device.createBuffer({
      label: 'readback ring',
      size: Math.max(size, 256),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.all.add(buffer);
    return buffer;
  }

  private give(buffer: GPUBuffer): void {
    if (this.destroyed) return;
    if (this.free.length < this.keep) this.free.push(buffer);
    else {
      this.all.delete(buffer);
      buffer.destroy();
    }
  }
}
