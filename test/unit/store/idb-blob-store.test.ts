import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { afterEach, describe, expect, it, vi } from 'vitest';
import Dexie from 'dexie';
import { IdbBlobStore } from '../../../src/store/idb-blob-store';
import { selfTestBlobStore } from '../../../src/store/blob-self-test';
import { BlobNotFoundError, InvalidBlobKeyError, StorageFullError } from '../../../src/store/errors';

const CHUNK = 1000;
const stores: IdbBlobStore[] = [];

function newStore(name = `blobs-${crypto.randomUUID()}`): IdbBlobStore {
  const s = new IdbBlobStore(name, CHUNK);
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.database.delete();
});

function bytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A source that yields `first` and then waits until released (to fail) — a write cut off mid-way. */
function stalledSource(first: Uint8Array): { source: AsyncIterable<Uint8Array>; fail: () => void; started: Promise<void> } {
  let release: (() => void) | undefined;
  let signalStarted: (() => void) | undefined;
  const started = new Promise<void>((r) => (signalStarted = r));
  const gate = new Promise<void>((r) => (release = r));
  async function* source(): AsyncGenerator<Uint8Array> {
    yield first;
    signalStarted?.();
    await gate;
    throw new Error('connection lost');
  }
  return { source: source(), fail: () => release?.(), started };
}

describe('IdbBlobStore', () => {
  it.each([
    ['Uint8Array', (d: Uint8Array<ArrayBuffer>) => d],
    ['ArrayBuffer', (d: Uint8Array<ArrayBuffer>) => d.slice().buffer],
    ['Blob', (d: Uint8Array<ArrayBuffer>) => new Blob([d])],
    ['ReadableStream', (d: Uint8Array<ArrayBuffer>) => new Blob([d]).stream()],
    ['AsyncIterable', (d: Uint8Array<ArrayBuffer>) => pieces(d, 333)],
  ])('writes from a %s and reads it back whole, streamed and in ranges', async (_kind, toSource) => {
    const store = newStore();
    const data = bytes(3500);
    const progress: number[] = [];
    expect(await store.write('models/a/model.onnx', toSource(data), { onProgress: (b) => progress.push(b) })).toEqual({ key: 'models/a/model.onnx', bytes: 3500 });
    expect(progress).toEqual([1000, 2000, 3000, 3500]);
    expect(new Uint8Array(await (await store.read('models/a/model.onnx')).arrayBuffer())).toEqual(data);
    expect(await collect(store.stream('models/a/model.onnx'))).toEqual(data);
    expect(await store.size('models/a/model.onnx')).toBe(3500);
    for (const [s, e] of [[0, 10], [990, 1010], [999, 3001], [1000, 2000], [3400, 9999], [3500, 3600], [5, 5]] as const) {
      expect(await store.readRange('models/a/model.onnx', s, e)).toEqual(data.slice(s, e));
    }
  });

  it('stores an empty blob', async () => {
    const store = newStore();
    expect(await store.write('e/empty', new Uint8Array(0))).toEqual({ key: 'e/empty', bytes: 0 });
    expect(await store.has('e/empty')).toBe(true);
    expect((await store.read('e/empty')).size).toBe(0);
    expect(await collect(store.stream('e/empty'))).toEqual(new Uint8Array(0));
  });

  it('replaces a blob and frees the old data', async () => {
    const store = newStore();
    await store.write('k/x', bytes(2500, 1));
    await store.write('k/x', bytes(1200, 2));
    expect(new Uint8Array(await (await store.read('k/x')).arrayBuffer())).toEqual(bytes(1200, 2));
    expect(await store.database.blobChunks.count()).toBe(2);
  });

  it('lists, checks and deletes keys', async () => {
    const store = newStore();
    for (const k of ['models/b/x', 'models/a/y', 'datasets/d/z', 'modelsX/q']) await store.write(k, bytes(10));
    expect(await store.list()).toEqual(['datasets/d/z', 'models/a/y', 'models/b/x', 'modelsX/q']);
    expect(await store.list('models/')).toEqual(['models/a/y', 'models/b/x']);
    expect(await store.has('models/a/y')).toBe(true);
    await store.delete('models/a/y');
    await store.delete('models/a/y'); // absent: no error
    expect(await store.has('models/a/y')).toBe(false);
    expect(await store.list('models/')).toEqual(['models/b/x']);
    expect(await store.database.blobChunks.count()).toBe(3);
  });

  it('reports missing blobs and bad keys with typed errors', async () => {
    const store = newStore();
    await expect(store.read('no/such')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.size('no/such')).rejects.toThrow('The stored file no/such does not exist');
    await expect(collect(store.stream('no/such'))).rejects.toBeInstanceOf(BlobNotFoundError);
    for (const bad of ['', '/abs', 'a//b', 'a/../b', '.tmp/x', 'a/b c', 'a/']) {
      await expect(store.write(bad, bytes(1))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
    await expect(store.readRange('no/such', 5, 2)).rejects.toBeInstanceOf(RangeError);
  });

  it('leaves nothing behind when the source fails', async () => {
    const store = newStore();
    const { source, fail, started } = stalledSource(bytes(2500));
    const writing = store.write('m/broken', source);
    await started;
    fail();
    await expect(writing).rejects.toThrow('connection lost');
    expect(await store.has('m/broken')).toBe(false);
    expect(await store.database.blobChunks.count()).toBe(0);
    expect(await store.database.pendingWrites.count()).toBe(0);
  });

  it('never shows an interrupted write; cleanup after a restart removes its temporary data', async () => {
    const name = `blobs-${crypto.randomUUID()}`;
    const before = newStore(name);
    await before.write('m/kept', bytes(1500));
    const { source, fail, started } = stalledSource(bytes(2500));
    const writing = before.write('m/partial', source);
    await started;
    // mid-write: chunks exist under a temporary id, the key does not
    expect(await before.database.blobChunks.count()).toBeGreaterThan(2);
    expect(await before.database.pendingWrites.count()).toBe(1);
    expect(await before.has('m/partial')).toBe(false);
    expect(await before.list()).toEqual(['m/kept']);
    // a live write is not cleaned up by its own store
    expect(await before.cleanupTemporaries()).toBe(0);

    // "after a reload": a new store on the same database knows nothing of that writer
    const after = newStore(name);
    expect(await after.cleanupTemporaries()).toBe(1);
    expect(await after.database.pendingWrites.count()).toBe(0);
    expect(await after.database.blobChunks.count()).toBe(2); // m/kept's chunks only
    expect(new Uint8Array(await (await after.read('m/kept')).arrayBuffer())).toEqual(bytes(1500));

    fail();
    await expect(writing).rejects.toThrow();
    expect(await after.has('m/partial')).toBe(false);
    expect(await after.cleanupTemporaries()).toBe(0);
  });

  it('refuses to commit a write whose temporary data was cleaned up meanwhile', async () => {
    const name = `blobs-${crypto.randomUUID()}`;
    const writer = newStore(name);
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield bytes(1500);
      await gate;
      yield bytes(10);
    }
    const writing = writer.write('m/raced', slow());
    await vi.waitFor(async () => expect(await writer.database.blobChunks.count()).toBe(1));
    await newStore(name).cleanupTemporaries();
    release?.();
    await expect(writing).rejects.toThrow(/interrupted/);
    expect(await writer.has('m/raced')).toBe(false);
    await writer.cleanupTemporaries();
    expect(await writer.database.blobChunks.count()).toBe(0);
  });

  it('turns a full disk into StorageFullError and removes the temporary data', async () => {
    const store = newStore();
    const put = store.database.blobChunks.put.bind(store.database.blobChunks);
    let calls = 0;
    vi.spyOn(store.database.blobChunks, 'put').mockImplementation((row, key) => {
      calls += 1;
      if (calls === 2) return Dexie.Promise.reject(new DOMException('quota', 'QuotaExceededError'));
      return put(row, key);
    });
    const err: unknown = await store.write('big/file', bytes(5000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect(err).toMatchObject({ key: 'big/file', message: expect.stringContaining('storage for this site is full'), action: expect.stringContaining('Free space') });
    expect(await store.has('big/file')).toBe(false);
    expect(await store.database.blobChunks.count()).toBe(0);
    expect(await store.database.pendingWrites.count()).toBe(0);
  });

  it('stops and cleans up when aborted', async () => {
    const store = newStore();
    const controller = new AbortController();
    const err = await store
      .write('a/b', pieces(bytes(5000), 500), { signal: controller.signal, onProgress: (b) => b >= 2000 && controller.abort() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(await store.has('a/b')).toBe(false);
    expect(await store.database.blobChunks.count()).toBe(0);
  });

  it('passes its own self-test with the default 4 MiB chunks', async () => {
    const store = new IdbBlobStore(`blobs-${crypto.randomUUID()}`);
    stores.push(store);
    const report = await selfTestBlobStore(store);
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report).toMatchObject({ kind: 'idb', ok: true });
    expect(await store.database.blobChunks.count()).toBe(0);
  });
});
