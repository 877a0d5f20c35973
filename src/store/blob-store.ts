// Large binaries (model files, token arrays, activation shards, checkpoints) by key. Implementations:
// OPFS (opfs-blob-store.ts) and chunked IndexedDB (idb-blob-store.ts); open-blob-store.ts picks one.
// A write becomes visible under its key only when complete: a crash leaves at most a temporary, which
// cleanupTemporaries() removes.
import type { BlobSource } from './blob-source';

export type { BlobSource } from './blob-source';

export interface BlobWriteOptions {
  /** called with the bytes written so far */
  onProgress?: (bytesWritten: number) => void;
  /** aborting stops the write, removes its temporary data and rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface BlobWriteResult {
  key: string;
  bytes: number;
}

export interface BlobStore {
  readonly kind: 'opfs' | 'idb';
  /** Streams `source` to `key`, replacing any blob there once the new one is complete. */
  write(key: string, source: BlobSource, options?: BlobWriteOptions): Promise<BlobWriteResult>;
  /** The whole blob (BlobNotFoundError if absent). */
  read(key: string): Promise<Blob>;
  /** The blob's bytes as a stream (the stream errors with BlobNotFoundError if absent). */
  stream(key: string): ReadableStream<Uint8Array>;
  /** Bytes [start, end) — end is clamped to the size. */
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  size(key: string): Promise<number>;
  has(key: string): Promise<boolean>;
  /** Removes the blob; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix` (all keys without one), sorted. */
  list(prefix?: string): Promise<string[]>;
  /** Removes temporaries no live writer holds (left by crashes); returns how many. */
  cleanupTemporaries(): Promise<number>;
}

export function checkRange(start: number, end: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid byte range [${start}, ${end}): need integers with 0 ≤ start ≤ end.`);
  }
}
