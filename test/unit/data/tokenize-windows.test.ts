// Window semantics on plain id lists (no tokenizer): packing, truncation, stride, BOS/EOS, padding, chunking.
import { describe, expect, it } from 'vitest';
import { TokenizeError, WindowBuilder, dtypeForVocab, resolveWindowLayout, type WindowChunk, type WindowOptions } from '../../../src/data/tokenize';

const BOS = 100;
const EOS = 101;
const SPECIALS = { bosId: BOS, eosId: EOS, padId: null };

function run(docs: number[][], options: WindowOptions, windowsPerChunk = 1000): { windows: number[][]; lengths: number[] | null; chunks: WindowChunk[]; builder: WindowBuilder } {
  const layout = resolveWindowLayout(options, SPECIALS);
  const builder = new WindowBuilder(layout, 'uint16', windowsPerChunk);
  const chunks: WindowChunk[] = [];
  for (const doc of docs) {
    builder.addDocument(doc);
    chunks.push(...builder.takeReady());
  }
  builder.finish();
  chunks.push(...builder.takeReady());
  const windows: number[][] = [];
  const lengths: number[] = [];
  for (const chunk of chunks) {
    for (let w = 0; w < chunk.count; w++) {
      windows.push([...chunk.tokens.subarray(w * layout.contextLength, (w + 1) * layout.contextLength)]);
      if (chunk.lengths) lengths.push(chunk.lengths[w]!);
    }
  }
  return { windows, lengths: layout.hasLengths ? lengths : null, chunks, builder };
}

/** The semantics restated without streaming: build whole streams, then cut. */
function reference(docs: number[][], options: WindowOptions): { windows: number[][]; lengths: number[] } {
  const layout = resolveWindowLayout(options, SPECIALS);
  const { contextLength, body, stride } = layout;
  const streamOf = (doc: number[]): number[] => [...(layout.bos === 'document' ? [BOS] : []), ...doc, ...(layout.eosId !== null ? [EOS] : [])];
  const windows: number[][] = [];
  const lengths: number[] = [];
  const cut = (stream: number[], start: number, n: number): void => {
    const w = [...(layout.bos === 'window' ? [BOS] : []), ...stream.slice(start, start + n)];
    lengths.push(w.length);
    while (w.length < contextLength) w.push(layout.padId);
    windows.push(w);
  };
  const nonEmpty = docs.filter((d) => d.length > 0);
  if (layout.mode === 'pack') {
    const stream = nonEmpty.flatMap(streamOf);
    let start = 0;
    let covered = 0;
    for (; start + body <= stream.length; start += stride) {
      cut(stream, start, body);
      covered = start + body;
    }
    if (layout.remainder === 'pad' && covered < stream.length) cut(stream, start, stream.length - start);
  } else {
    for (const doc of nonEmpty) {
      const stream = streamOf(doc);
      for (let start = 0; ; start += stride) {
        cut(stream, start, Math.min(body, stream.length - start));
        if (!layout.overflow || start + body >= stream.length) break;
      }
    }
  }
  return { windows, lengths };
}

describe('packing', () => {
  const docs = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9]];

  it('packs documents with EOS separators and BOS first in every window', () => {
    const { windows, lengths, builder } = run(docs, { contextLength: 4, mode: 'pack', bos: 'window' });
    // stream: 1 2 3 EOS 4 5 EOS 6 7 8 9 EOS, 3 stream tokens per window
    expect(windows).toEqual([
      [BOS, 1, 2, 3],
      [BOS, EOS, 4, 5],
      [BOS, EOS, 6, 7],
      [BOS, 8, 9, EOS],
    ]);
    expect(lengths).toBeNull();
    expect(builder.counts()).toEqual({ windows: 4, specialTokens: 3 + 4, paddingTokens: 0, droppedTokens: 0 });
  });

  it('puts BOS before every document instead, and can leave out EOS', () => {
    const { windows, builder } = run(docs, { contextLength: 4, mode: 'pack', bos: 'document', appendEos: false });
    // stream: BOS 1 2 3 BOS 4 5 BOS 6 7 8 9
    expect(windows).toEqual([
      [BOS, 1, 2, 3],
      [BOS, 4, 5, BOS],
      [6, 7, 8, 9],
    ]);
    expect(builder.counts().droppedTokens).toBe(0);
  });

  it('drops the partial last window by default, or pads it and records lengths', () => {
    const dropped = run([[1, 2, 3, 4, 5]], { contextLength: 3, bos: 'none', appendEos: false });
    expect(dropped.windows).toEqual([[1, 2, 3]]);
    expect(dropped.builder.counts().droppedTokens).toBe(2);
    const padded = run([[1, 2, 3, 4, 5]], { contextLength: 3, bos: 'none', appendEos: false, remainder: 'pad', padId: 0 });
    expect(padded.windows).toEqual([
      [1, 2, 3],
      [4, 5, 0],
    ]);
    expect(padded.lengths).toEqual([3, 2]);
    expect(padded.builder.counts()).toMatchObject({ paddingTokens: 1, droppedTokens: 0 });
  });

  it('makes overlapping windows with a stride', () => {
    const { windows } = run([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]], { contextLength: 4, bos: 'none', appendEos: false, stride: 2 });
    expect(windows).toEqual([
      [1, 2, 3, 4],
      [3, 4, 5, 6],
      [5, 6, 7, 8],
      [7, 8, 9, 10],
    ]);
    const withBos = run([[1, 2, 3, 4, 5, 6]], { contextLength: 4, bos: 'window', appendEos: false, stride: 1 });
    expect(withBos.windows).toEqual([
      [BOS, 1, 2, 3],
      [BOS, 2, 3, 4],
      [BOS, 3, 4, 5],
      [BOS, 4, 5, 6],
    ]);
  });
});

describe('truncation', () => {
  it('makes one padded window per document, with lengths', () => {
    const { windows, lengths, builder } = run([[1, 2, 3, 4, 5], [6], []], { contextLength: 4, mode: 'truncate', bos: 'window', padId: 0 });
    expect(windows).toEqual([
      [BOS, 1, 2, 3],
      [BOS, 6, 0, 0],
    ]);
    expect(lengths).toEqual([4, 2]);
    expect(builder.counts()).toEqual({ windows: 2, specialTokens: 2, paddingTokens: 2, droppedTokens: 2 });
  });

  it('pads with the EOS id by default and appends EOS when asked', () => {
    const { windows, lengths } = run([[1], [2, 3, 4, 5]], { contextLength: 4, mode: 'truncate', bos: 'document', appendEos: true });
    expect(windows).toEqual([
      [BOS, 1, EOS, EOS],
      [BOS, 2, 3, 4],
    ]);
    expect(lengths).toEqual([3, 4]);
  });

  it('continues long documents into further windows with overflow, at a stride', () => {
    expect(run([[1, 2, 3, 4, 5], [6]], { contextLength: 4, mode: 'truncate', bos: 'window', overflow: true, padId: 0 }).windows).toEqual([
      [BOS, 1, 2, 3],
      [BOS, 4, 5, 0],
      [BOS, 6, 0, 0],
    ]);
    expect(run([[1, 2, 3, 4, 5]], { contextLength: 4, mode: 'truncate', bos: 'window', overflow: true, stride: 2 }).windows).toEqual([
      [BOS, 1, 2, 3],
      [BOS, 3, 4, 5],
    ]);
  });
});

describe('chunks and dtype', () => {
  it('fills chunks of windowsPerChunk, numbering their first windows', () => {
    const docs = [Array.from({ length: 20 }, (_, i) => i + 1)];
    const { chunks } = run(docs, { contextLength: 4, bos: 'none', appendEos: false }, 2);
    expect(chunks.map((c) => [c.count, c.firstWindow, c.tokens.length])).toEqual([
      [2, 0, 8],
      [2, 2, 8],
      [1, 4, 4],
    ]);
  });

  it('agrees with the non-streaming reference on random documents and settings', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 300; trial++) {
      const docs = Array.from({ length: 1 + rand(8) }, () => Array.from({ length: rand(12) }, () => 1 + rand(90)));
      const contextLength = 2 + rand(7);
      const bos = (['none', 'window', 'document'] as const)[rand(3)]!;
      const body = contextLength - (bos === 'window' ? 1 : 0);
      const options: WindowOptions = {
        contextLength,
        mode: rand(2) === 0 ? 'pack' : 'truncate',
        bos,
        appendEos: rand(2) === 0,
        stride: 1 + rand(body),
        overflow: rand(2) === 0,
        remainder: rand(2) === 0 ? 'drop' : 'pad',
        padId: 0,
      };
      const got = run(docs, options, 1 + rand(4));
      const want = reference(docs, options);
      expect(got.windows, JSON.stringify(options)).toEqual(want.windows);
      if (got.lengths) expect(got.lengths).toEqual(want.lengths);
    }
  });

  it('streams a long run through the compacting buffer', () => {
    const docs = Array.from({ length: 3000 }, (_, d) => Array.from({ length: 1 + (d % 50) }, (_, i) => ((d * 7 + i) % 90) + 1));
    const options: WindowOptions = { contextLength: 33, bos: 'window', stride: 20 };
    const got = run(docs, options, 64);
    expect(got.windows).toEqual(reference(docs, options).windows);
  });

  it('chooses uint16 while every id fits, else uint32', () => {
    expect(dtypeForVocab(50257)).toBe('uint16');
    expect(dtypeForVocab(65536)).toBe('uint16'); // ids 0..65535
    expect(dtypeForVocab(65537)).toBe('uint32');
    expect(dtypeForVocab(151936)).toBe('uint32');
    expect(dtypeForVocab(300, 70000)).toBe('uint32'); // a special id outside the vocabulary
  });
});

describe('layout validation', () => {
  it('rejects settings that cannot work, with an action', () => {
    const bad: WindowOptions[] = [
      { contextLength: 1, bos: 'window' },
      { contextLength: 0, bos: 'none' },
      { contextLength: 2.5 },
      { contextLength: 8, stride: 8 }, // body is 7 with BOS first
      { contextLength: 8, stride: 0 },
    ];
    for (const options of bad) expect(() => resolveWindowLayout(options, SPECIALS), JSON.stringify(options)).toThrow(TokenizeError);
    expect(() => resolveWindowLayout({ contextLength: 8 }, { bosId: null, eosId: EOS, padId: null })).toThrow(/no beginning-of-sequence/);
    expect(() => resolveWindowLayout({ contextLength: 8, bos: 'none' }, { bosId: null, eosId: null, padId: null })).toThrow(/no end-of-sequence/);
    expect(resolveWindowLayout({ contextLength: 8, bos: 'none', appendEos: false }, { bosId: null, eosId: null, padId: null })).toMatchObject({ body: 8, stride: 8, padId: 0 });
  });
});
