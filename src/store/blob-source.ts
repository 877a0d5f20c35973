// Every kind of input a BlobStore accepts, read as one sequence of byte chunks.

export type BlobSource = ReadableStream<Uint8Array> | Blob | ArrayBuffer | Uint8Array | AsyncIterable<Uint8Array>;

/** Yields the source's bytes in order. A stream source is cancelled if the consumer stops early. */
export async function* chunksOf(source: BlobSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (source instanceof Uint8Array) {
    yield source;
  } else if (source instanceof ArrayBuffer) {
    yield new Uint8Array(source);
  } else if (source instanceof Blob) {
    yield* readStream(source.stream());
  } else if (source instanceof ReadableStream) {
    yield* readStream(source);
  } else {
    for await (const chunk of source) yield chunk;
  }
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Regroups chunks into pieces of exactly `size` bytes (the last may be shorter), copying so that a
 * piece never aliases the caller's buffers.
 */
export async function* rechunk(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array<ArrayBuffer>, void, undefined> {
  let piece = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      piece.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === size) {
        yield piece;
        piece = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield piece.slice(0, filled);
}

/** Splits chunks larger than `max` bytes into views of at most `max` (no copying), for steady progress. */
export async function* limitChunkSize(chunks: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of chunks) {
    if (chunk.length <= max) yield chunk;
    else for (let i = 0; i < chunk.length; i += max) yield chunk.subarray(i, i + max);
  }
}
