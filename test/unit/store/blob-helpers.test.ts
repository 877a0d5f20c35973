import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it } from 'vitest';
import { blobKey, sanitizeKeySegment, validateBlobKey, validateKeyPrefix } from '../../../src/store/blob-key';
import { chunksOf, limitChunkSize, rechunk } from '../../../src/store/blob-source';
import { InvalidBlobKeyError, isQuotaExceeded } from '../../../src/store/errors';
import { openBlobStore, opfsWorks } from '../../../src/store/open-blob-store';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('blob keys', () => {
  it('accepts path-like keys and returns their segments', () => {
    expect(validateBlobKey('models/3f2a/onnx/model_q4.onnx')).toEqual(['models', '3f2a', 'onnx', 'model_q4.onnx']);
    expect(validateBlobKey('a')).toEqual(['a']);
  });

  it.each(['', '/a', 'a/', 'a//b', '.tmp/x', 'a/..', 'a/./b', '-x', 'a b', 'a\\b', 'é', 'x'.repeat(201), `${'ab/'.repeat(400)}c`])(
    'rejects %j with a reason',
    (key) => {
      expect(() => validateBlobKey(key)).toThrow(InvalidBlobKeyError);
    },
  );

  it('sanitises names into valid segments', () => {
    expect(sanitizeKeySegment('My Data (v2).jsonl')).toBe('My_Data_v2_.jsonl');
    expect(sanitizeKeySegment('../etc/passwd')).toBe('__etc_passwd');
    expect(sanitizeKeySegment('café.txt')).toBe('cafe_.txt');
    expect(sanitizeKeySegment('')).toBe('_');
    expect(sanitizeKeySegment('.hidden')).toBe('_hidden');
    expect(blobKey('datasets', 'id-1', 'raw data.csv')).toBe('datasets/id-1/raw_data.csv');
    for (const name of ['a b', '...', 'x/y', '-', 'ü'.repeat(300)]) expect(() => validateBlobKey(sanitizeKeySegment(name))).not.toThrow();
  });

  it('accepts prefixes ending in a slash', () => {
    expect(() => validateKeyPrefix('')).not.toThrow();
    expect(() => validateKeyPrefix('models/')).not.toThrow();
    expect(() => validateKeyPrefix('models//')).toThrow(InvalidBlobKeyError);
  });
});

describe('blob sources', () => {
  it('regroups chunks into fixed pieces without aliasing the input', async () => {
    const input = [new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array([5, 6, 7, 8, 9])];
    const out = await all(rechunk(chunksOf((async function* () { yield* input; })()), 4));
    expect(out.map((p) => Array.from(p))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    input[0]![0] = 99;
    expect(out[0]![0]).toBe(1);
    expect(await all(rechunk(chunksOf(new Uint8Array(0)), 4))).toEqual([]);
  });

  it('splits large chunks into views', async () => {
    const out = await all(limitChunkSize(chunksOf(new Uint8Array(10)), 4));
    expect(out.map((p) => p.length)).toEqual([4, 4, 2]);
  });

  it('cancels a stream source when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(1)),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const _chunk of chunksOf(stream)) break;
    expect(cancelled).toBe(true);
  });
});

describe('quota errors', () => {
  it('recognises a quota failure however it is wrapped', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(isQuotaExceeded(quota)).toBe(true);
    expect(isQuotaExceeded({ name: 'AbortError', inner: quota })).toBe(true);
    expect(isQuotaExceeded(new Error('x', { cause: quota }))).toBe(true);
    expect(isQuotaExceeded(new Error('x'))).toBe(false);
    expect(isQuotaExceeded(undefined)).toBe(false);
  });
});

describe('openBlobStore', () => {
  it('falls back to IndexedDB where OPFS is missing (Node)', async () => {
    expect(await opfsWorks()).toBe(false);
    const store = await openBlobStore();
    expect(store.kind).toBe('idb');
    expect(await openBlobStore()).toBe(store);
  });
});
