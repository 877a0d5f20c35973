import { describe, expect, it } from 'vitest';
import { OpfsBlobStore } from '../../../src/store/opfs-blob-store';
import { selfTestBlobStore } from '../../../src/store/blob-self-test';
import { BlobNotFoundError, InvalidBlobKeyError, StorageFullError } from '../../../src/store/errors';
import { asDirectoryHandle, FakeDirectoryHandle, type FakeOpfsOptions } from './fake-opfs';

// The OPFS store against an in-memory model of the File System API; the real API is exercised in
// Chromium by the e2e tests through selfTestBlobStore.
function setup(options: FakeOpfsOptions = {}): { root: FakeDirectoryHandle; store: OpfsBlobStore } {
  const root = new FakeDirectoryHandle('mistudio-blobs', options);
  return { root, store: new OpfsBlobStore(asDirectoryHandle(root)) };
}

function bytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

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

describe.each([
  ['with move()', {}],
  ['without move() (copy fallback)', { withoutMove: true }],
] as const)('OpfsBlobStore %s', (_name, options) => {
  it('writes to nested folders and reads back whole, streamed and in ranges', async () => {
    const { root, store } = setup(options);
    const data = bytes(10_000);
    const progress: number[] = [];
    expect(await store.write('models/m1/onnx/model.onnx', pieces(data, 3000), { onProgress: (b) => progress.push(b) })).toEqual({
      key: 'models/m1/onnx/model.onnx',
      bytes: 10_000,
    });
    expect(progress).toEqual([3000, 6000, 9000, 10_000]);
    expect(root.paths()).toEqual(['models/m1/onnx/model.onnx']); // the temporary is gone
    expect(new Uint8Array(await (await store.read('models/m1/onnx/model.onnx')).arrayBuffer())).toEqual(data);
    expect(new Uint8Array(await new Response(store.stream('models/m1/onnx/model.onnx')).arrayBuffer())).toEqual(data);
    expect(await store.readRange('models/m1/onnx/model.onnx', 9990, 20_000)).toEqual(data.slice(9990));
    expect(await store.readRange('models/m1/onnx/model.onnx', 20_000, 20_001)).toEqual(new Uint8Array(0));
    expect(await store.size('models/m1/onnx/model.onnx')).toBe(10_000);
  });

  it('replaces an existing blob', async () => {
    const { store } = setup(options);
    await store.write('a/x', bytes(50, 1));
    await store.write('a/x', new Blob([bytes(20, 2)]));
    expect(new Uint8Array(await (await store.read('a/x')).arrayBuffer())).toEqual(bytes(20, 2));
  });

  it('lists by prefix, skipping temporaries, and deletes', async () => {
    const { store } = setup(options);
    for (const k of ['models/b/x', 'models/a/y', 'datasets/d/z', 'modelsX/q', 'top']) await store.write(k, bytes(3));
    const { source, started, fail } = stalledSource(bytes(5));
    const pending = store.write('models/c/partial', source);
    await started;
    expect(await store.list()).toEqual(['datasets/d/z', 'models/a/y', 'models/b/x', 'modelsX/q', 'top']);
    expect(await store.list('models/')).toEqual(['models/a/y', 'models/b/x']);
    expect(await store.list('models')).toEqual(['models/a/y', 'models/b/x', 'modelsX/q']);
    fail();
    await expect(pending).rejects.toThrow('connection lost');
    await store.delete('models/a/y');
    await store.delete('models/a/y');
    await store.delete('nothing/here');
    expect(await store.has('models/a/y')).toBe(false);
    expect(await store.has('models/b/x')).toBe(true);
  });

  it('reports missing blobs and bad keys with typed errors', async () => {
    const { store } = setup(options);
    await store.write('f/file', bytes(1));
    await expect(store.read('no/such')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.read('f/file/inside')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.read('f')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(new Response(store.stream('no/such')).arrayBuffer()).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.write('.tmp/x', bytes(1))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.write('f/file/inside', bytes(1))).rejects.toBeInstanceOf(InvalidBlobKeyError);
  });

  it('never shows an interrupted write; cleanup after a restart removes the temporary', async () => {
    const { root, store } = setup(options);
    const { source, started, fail } = stalledSource(bytes(5000));
    const writing = store.write('m/partial', source);
    await started;
    expect(root.paths().filter((p) => p.startsWith('.tmp/'))).toHaveLength(1);
    expect(await store.has('m/partial')).toBe(false);
    expect(await store.cleanupTemporaries()).toBe(0); // its own live write is kept

    const afterReload = new OpfsBlobStore(asDirectoryHandle(root));
    expect(await afterReload.cleanupTemporaries()).toBe(1);
    expect(root.paths()).toEqual([]);
    fail();
    await expect(writing).rejects.toThrow();
    expect(await afterReload.has('m/partial')).toBe(false);
  });

  it('removes the temporary when the source fails', async () => {
    const { root, store } = setup(options);
    const { source, started, fail } = stalledSource(bytes(5000));
    const writing = store.write('m/broken', source);
    await started;
    fail();
    await expect(writing).rejects.toThrow('connection lost');
    expect(root.paths()).toEqual([]);
  });

  it('turns a full disk into StorageFullError and removes the temporary', async () => {
    const { root, store } = setup({ ...options, quotaBytes: 4000 });
    await store.write('ok/small', bytes(1000));
    const err: unknown = await store.write('big/file', pieces(bytes(5000), 1000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect(err).toMatchObject({ key: 'big/file', action: expect.stringContaining('Free space') });
    expect(root.paths()).toEqual(['ok/small']);
  });

  it('stops and cleans up when aborted', async () => {
    const { root, store } = setup(options);
    const controller = new AbortController();
    const err = await store
      .write('a/b', pieces(bytes(5000), 500), { signal: controller.signal, onProgress: (b) => b >= 1000 && controller.abort() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(root.paths()).toEqual([]);
  });

  it('passes its own self-test', async () => {
    const { root, store } = setup(options);
    const report = await selfTestBlobStore(store);
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report).toMatchObject({ kind: 'opfs', ok: true, bytes: 3 * 1024 * 1024 });
    expect(root.paths()).toEqual([]);
  });
});
