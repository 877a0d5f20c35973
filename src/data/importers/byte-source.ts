// Byte sources an importer reads from, each turned into a stream of chunks so no file is ever held whole.
// Also the AsyncBuffer shape (random access) that parquet and the token-window reader use.

/** A whole file (Blob/File), a stream, or any async sequence of byte chunks. */
export type ByteSource = Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Random access to bytes: hyparquet's AsyncBuffer. Backed by a Blob, an ArrayBuffer or HTTP range requests. */
export interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}

export const DEFAULT_CHUNK_BYTES = 1 << 20;

function isBlob(source: ByteSource): source is Blob {
  return typeof Blob !== 'undefined' && source instanceof Blob;
}

function isReadableStream(source: ByteSource): source is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && source instanceof ReadableStream;
}

/** Reads a source chunk by chunk. Breaking out of the loop releases the source (cancels a stream). */
export async function* byteChunks(source: ByteSource, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  if (isBlob(source)) {
    // slice + arrayBuffer keeps one chunk in memory and works for File in workers and Node alike
    for (let offset = 0; offset < source.size; offset += chunkBytes) {
      const end = Math.min(source.size, offset + chunkBytes);
      yield new Uint8Array(await source.slice(offset, end).arrayBuffer());
    }
    return;
  }
  if (isReadableStream(source)) {
    const reader = source.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          return;
        }
        if (next.value.byteLength > 0) yield next.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  for await (const chunk of source) {
    if (chunk.byteLength > 0) yield chunk;
  }
}

/** An AsyncBuffer over a Blob/File: each slice reads only its range. */
export function asyncBufferFromBlob(blob: Blob): AsyncBuffer {
  return {
    byteLength: blob.size,
    slice: (start, end) => blob.slice(start, end ?? blob.size).arrayBuffer(),
  };
}

/** Wraps an AsyncBuffer to count the bytes actually fetched through it. */
export function countingAsyncBuffer(file: AsyncBuffer, onBytes: (n: number) => void): AsyncBuffer {
  return {
    byteLength: file.byteLength,
    async slice(start, end) {
      const bytes = await file.slice(start, end);
      onBytes(bytes.byteLength);
      return bytes;
    },
  };
}
