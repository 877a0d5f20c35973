// The per-row token references of a batch on the GPU: one vec4u (window, position, excluded, 0) per row.
import { createBuffer, writeData } from '../../gpu/buffers';
import { checkTokenBatch, type TokenBatch } from '../token-batch';

export class TokenRowsBuffer {
  readonly buffer: GPUBuffer;
  private readonly packed: Uint32Array;

  constructor(
    private readonly device: GPUDevice,
    readonly maxRows: number,
  ) {
    this.buffer = createBuffer(device, 'feature tokens', maxRows * 16);
    this.packed = new Uint32Array(maxRows * 4);
  }

  /** Writes the batch's references (queue order: before any work submitted after this call). */
  write(batch: TokenBatch, rows: number): void {
    checkTokenBatch(batch, rows);
    const p = this.packed;
    for (let i = 0; i < rows; i++) {
      p[4 * i] = batch.windows[i]!;
      p[4 * i + 1] = batch.positions[i]!;
      p[4 * i + 2] = batch.excluded && batch.excluded[i] !== 0 ? 1 : 0;
      p[4 * i + 3] = 0;
    }
    writeData(this.device, this.buffer, p.subarray(0, rows * 4));
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
