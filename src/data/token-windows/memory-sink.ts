// A RandomAccessSink in memory: for small datasets, previews and tests. Its bytes read back as an AsyncBuffer.
import type { AsyncBuffer } from '../importers/byte-source';
import type { RandomAccessSink } from './writer';

export class MemorySink implements RandomAccessSink {
  private data = new Uint8Array(4096);
  private size = 0;

  write(position: number, bytes: Uint8Array): void {
    const end = position + bytes.byteLength;
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    }
    this.data.set(bytes, position);
    if (end > this.size) this.size = end;
  }

  /** the bytes written so far (a view; copy before writing more) */
  bytes(): Uint8Array {
    return this.data.subarray(0, this.size);
  }

  asyncBuffer(): AsyncBuffer {
    const bytes = this.bytes().slice();
    return { byteLength: bytes.byteLength, slice: (start, end) => bytes.slice(start, end).buffer };
  }
}
