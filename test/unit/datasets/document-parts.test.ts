import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  decodeDocumentPart,
  DocumentPartBuilder,
  DocumentPartError,
  readDocuments,
  readPartDocuments,
  streamDocuments,
} from '../../../src/services/datasets/document-parts';
import { useStores } from './kit';

const TEXTS = ['first line', 'Ça va — ünïcödé ✓ 🚀', 'x', 'a much longer document\nwith a second line', 'last'];

describe('document parts', () => {
  const { blobs } = useStores();

  it('round-trips texts and origins, multi-byte characters included', () => {
    const builder = new DocumentPartBuilder();
    TEXTS.forEach((t, i) => builder.add(t, i === 2 ? null : i * 10 + 1));
    expect(builder.documents).toBe(5);
    const bytes = builder.take();
    expect(builder.documents).toBe(0);
    const docs = [...decodeDocumentPart(bytes, 100)];
    expect(docs.map((d) => d.text)).toEqual(TEXTS);
    expect(docs.map((d) => d.origin)).toEqual([1, 11, null, 31, 41]);
    expect(docs.map((d) => d.index)).toEqual([100, 101, 102, 103, 104]);
  });

  it('is full at its byte or document limit', () => {
    const bySize = new DocumentPartBuilder({ targetBytes: 10 });
    bySize.add('123456789', 1);
    expect(bySize.full).toBe(false);
    bySize.add('0', 2);
    expect(bySize.full).toBe(true);
    const byCount = new DocumentPartBuilder({ maxDocuments: 2 });
    byCount.add('a', 1);
    byCount.add('b', 2);
    expect(byCount.full).toBe(true);
  });

  it('reads any range of documents across parts with range reads', async () => {
    const store = blobs();
    const parts: { blobKey: string; documents: number }[] = [];
    const all: string[] = [];
    for (let p = 0; p < 3; p++) {
      const builder = new DocumentPartBuilder();
      for (let i = 0; i < 4 + p; i++) {
        const text = `part ${p} doc ${i} ${'é'.repeat(i)}`;
        builder.add(text, all.length + 1);
        all.push(text);
      }
      const key = `datasets/t/docs/${p}.midp`;
      await store.write(key, builder.take());
      parts.push({ blobKey: key, documents: 4 + p });
    }
    expect((await readDocuments(store, parts, 0, all.length)).map((d) => d.text)).toEqual(all);
    const middle = await readDocuments(store, parts, 3, 10);
    expect(middle.map((d) => d.text)).toEqual(all.slice(3, 10));
    expect(middle.map((d) => d.index)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(middle.map((d) => d.origin)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(await readPartDocuments(store, parts[1]!, 5, 9)).toEqual([]);
    const streamed: string[] = [];
    for await (const d of streamDocuments(store, parts)) streamed.push(d.text);
    expect(streamed).toEqual(all);
  });

  it('refuses damaged parts with a clear error', () => {
    expect(() => [...decodeDocumentPart(new TextEncoder().encode('not a part at all'))]).toThrow(DocumentPartError);
    const builder = new DocumentPartBuilder();
    builder.add('hello world', 1);
    const bytes = builder.take();
    expect(() => [...decodeDocumentPart(bytes.subarray(0, bytes.length - 3))]).toThrow(/cut short/);
  });
});
