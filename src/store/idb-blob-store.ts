// BlobStore over IndexedDB, for browsers without a usable OPFS. A blob is a row in `blobs` pointing at
// fixed-size chunk rows in `blobChunks`. A write puts its chunks under a fresh data id registered in
// `pendingWrites`; one transaction at the end points the key at them and drops the old data, so readers
// only ever see complete blobs.
import Dexie, { type Table } from 'dexie';
import { checkRange, type BlobStore, type BlobWriteOptions, type BlobWriteResult } from './blob-store';
import { validateBlobKey, validateKeyPrefix } from './blob-key';
import { chunksOf, rechunk, type BlobSource } from './blob-source';
import { BlobNotFoundError, isQuotaExceeded, StorageFullError } from './errors';
import { TemporaryWrites } from './temp-locks';

export const DEFAULT_BLOB_DATABASE_NAME = 'mistudio-blobs';
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

interface BlobRow {
  key: string;
  dataId: string;
  bytes: number;
  chunkBytes: number;
  chunks: number;
  createdAt: number;
}

interface ChunkRow {
  dataId: string;
  index: number;
  data: ArrayBuffer;
}

interface PendingWriteRow {
  dataId: string;
  key: string;
  startedAt: number;
}

export class BlobDatabase extends Dexie {
  declare blobs: Table<BlobRow, string>;
  declare blobChunks: Table<ChunkRow, [string, number]>;
  declare pendingWrites: Table<PendingWriteRow, string>;

  constructor(name: string) {
    super(name);
    // chunk data is never indexed: only its [dataId+index] key and dataId
    this.version(1).stores({ blobs: 'key, dataId', blobChunks: '[dataId+index], dataId', pendingWrites: 'dataId' });
  }
}

export class WriteSupersededError extends Error {
  override name = 'WriteSupersededError';
  constructor(readonly key: string) {
    super(`Saving ${key} was interrupted: its temporary data was cleaned up before it finished. Try again.`);
  }
}

export class IdbBlobStore implements BlobStore {
  readonly kind = 'idb';
  readonly database: BlobDatabase;
  private readonly writes = new TemporaryWrites();

  constructor(
    name = DEFAULT_BLOB_DATABASE_NAME,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.database = new BlobDatabase(name);
  }

  async write(key: string, source: BlobSource, options: BlobWriteOptions = {}): Promise<BlobWriteResult> {
    validateBlobKey(key);
    const d = this.database;
    const dataId = `tmp-${crypto.randomUUID()}`;
    return this.writes.hold(dataId, async () => {
      let bytes = 0;
      let chunks = 0;
      try {
        options.signal?.throwIfAborted();
        await d.pendingWrites.put({ dataId, key, startedAt: Date.now() });
        for await (const piece of rechunk(chunksOf(source), this.chunkBytes)) {
          options.signal?.throwIfAborted();
          await d.blobChunks.put({ dataId, index: chunks, data: piece.buffer });
          chunks += 1;
          bytes += piece.length;
          options.onProgress?.(bytes);
        }
        options.signal?.throwIfAborted();
        await d.transaction('rw', [d.blobs, d.blobChunks, d.pendingWrites], async () => {
          if (!(await d.pendingWrites.get(dataId))) throw new WriteSupersededError(key);
          const previous = await d.blobs.get(key);
          await d.blobs.put({ key, dataId, bytes, chunkBytes: this.chunkBytes, chunks, createdAt: Date.now() });
          await d.pendingWrites.delete(dataId);
          if (previous) await d.blobChunks.where('dataId').equals(previous.dataId).delete();
        });
        return { key, bytes };
      } catch (err) {
        await this.discard(dataId);
        throw isQuotaExceeded(err) ? new StorageFullError(key, { cause: err }) : err;
      }
    });
  }

  async read(key: string): Promise<Blob> {
    const row = await this.row(key);
    const parts: ArrayBuffer[] = [];
    for (let i = 0; i < row.chunks; i++) parts.push(await this.chunk(row, i));
    return new Blob(parts);
  }

  stream(key: string): ReadableStream<Uint8Array> {
    let row: BlobRow | undefined;
    let next = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        row ??= await this.row(key);
        if (next >= row.chunks) {
          controller.close();
          return;
        }
        controller.enqueue(new Uint8Array(await this.chunk(row, next)));
        next += 1;
      },
    });
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    checkRange(start, end);
    const row = await this.row(key);
    const stop = Math.min(end, row.bytes);
    if (start >= stop) return new Uint8Array(0);
    const first = Math.floor(start / row.chunkBytes);
    const last = Math.floor((stop - 1) / row.chunkBytes);
    const chunks = await this.database.blobChunks.where('[dataId+index]').between([row.dataId, first], [row.dataId, last], true, true).toArray();
    if (chunks.length !== last - first + 1) throw new BlobNotFoundError(key);
    const out = new Uint8Array(stop - start);
    for (const c of chunks) {
      const chunkStart = c.index * row.chunkBytes;
      const from = Math.max(start, chunkStart) - chunkStart;
      const to = Math.min(stop, chunkStart + c.data.byteLength) - chunkStart;
      out.set(new Uint8Array(c.data, from, to - from), chunkStart + from - start);
    }
    return out;
  }

  async size(key: string): Promise<number> {
    return (await this.row(key)).bytes;
  }

  async has(key: string): Promise<boolean> {
    validateBlobKey(key);
    return (await this.database.blobs.get(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    validateBlobKey(key);
    const d = this.database;
    await d.transaction('rw', [d.blobs, d.blobChunks], async () => {
      const row = await d.blobs.get(key);
      if (!row) return;
      await d.blobChunks.where('dataId').equals(row.dataId).delete();
      await d.blobs.delete(key);
    });
  }

  async list(prefix = ''): Promise<string[]> {
    validateKeyPrefix(prefix);
    const keys = await this.database.blobs.where('key').startsWith(prefix).primaryKeys();
    return keys.sort();
  }

  async cleanupTemporaries(): Promise<number> {
    const d = this.database;
    const inUse = await this.writes.inUse();
    return d.transaction('rw', [d.blobs, d.blobChunks, d.pendingWrites], async () => {
      const referenced = new Set((await d.blobs.toArray()).map((b) => b.dataId));
      const pending = (await d.pendingWrites.toCollection().primaryKeys()).filter((id) => !inUse.has(id));
      // chunks whose data id nobody references: crashed writes, and chunks a cut-off writer added late
      const chunkIds = (await d.blobChunks.orderBy('dataId').uniqueKeys()).map(String);
      const orphans = new Set([...pending, ...chunkIds.filter((id) => !referenced.has(id) && !inUse.has(id))]);
      for (const id of orphans) await d.blobChunks.where('dataId').equals(id).delete();
      await d.pendingWrites.bulkDelete(pending);
      return orphans.size;
    });
  }

  /** Removes a write's temporary data (after a failure), keeping the error that caused it. */
  private async discard(dataId: string): Promise<void> {
    const d = this.database;
    await d
      .transaction('rw', [d.blobChunks, d.pendingWrites], async () => {
        await d.blobChunks.where('dataId').equals(dataId).delete();
        await d.pendingWrites.delete(dataId);
      })
      .catch(() => undefined);
  }

  private async row(key: string): Promise<BlobRow> {
    validateBlobKey(key);
    const row = await this.database.blobs.get(key);
    if (!row) throw new BlobNotFoundError(key);
    return row;
  }

  private async chunk(row: BlobRow, index: number): Promise<ArrayBuffer> {
    const c = await this.database.blobChunks.get([row.dataId, index]);
    // a concurrent overwrite or delete removed the data mid-read
    if (!c) throw new BlobNotFoundError(row.key);
    return c.data;
  }
}
