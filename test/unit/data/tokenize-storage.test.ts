// The stored token-windows container: round trips, range reads, and damaged files.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asyncBufferFromBlob, type AsyncBuffer } from '../../../src/data/importers';
import { WindowBuilder, resolveWindowLayout, tokenizeDocuments, tokenizerFromJson, type WindowChunk } from '../../../src/data/tokenize';
import {
  MemorySink,
  TOKEN_WINDOWS_HEADER_BYTES,
  TokenWindowsFormatError,
  TokenWindowsWriter,
  decodeHeader,
  encodeHeader,
  fileBytes,
  openTokenWindows,
  tokenWindowsSpecOf,
  writeTokenWindows,
} from '../../../src/data/token-windows';

const LM = resolve(import.meta.dirname, '../../fixtures/lm/tiny-gpt2');
const tokenizer = tokenizerFromJson(
  JSON.parse(readFileSync(resolve(LM, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(resolve(LM, 'tokenizer_config.json'), 'utf8')),
);
const DOCS = readFileSync(resolve(import.meta.dirname, '../../fixtures/datasets/tiny.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim().length > 0)
  .map((text) => ({ text }));

async function collectChunks(chunks: AsyncIterable<WindowChunk>): Promise<WindowChunk[]> {
  const out: WindowChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

function concat(chunks: WindowChunk[]): number[] {
  return chunks.flatMap((c) => [...c.tokens]);
}

function recording(file: AsyncBuffer): AsyncBuffer & { slices: [number, number][] } {
  const slices: [number, number][] = [];
  return {
    byteLength: file.byteLength,
    slices,
    slice(start, end) {
      slices.push([start, end ?? file.byteLength]);
      return file.slice(start, end);
    },
  };
}

async function formatError(promise: Promise<unknown>): Promise<TokenWindowsFormatError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof TokenWindowsFormatError) return e;
    throw e;
  }
  throw new Error('expected a TokenWindowsFormatError');
}

describe('token windows container', () => {
  it('round-trips a packed run and reads any range of windows', async () => {
    const ctx = 16;
    const stream = tokenizeDocuments(DOCS, tokenizer, { contextLength: ctx, windowsPerChunk: 9 });
    const chunks: WindowChunk[] = [];
    async function* tee(): AsyncGenerator<WindowChunk> {
      for await (const chunk of stream) {
        chunks.push({ ...chunk, tokens: chunk.tokens.slice() });
        yield chunk;
      }
    }
    const sink = new MemorySink();
    const header = await writeTokenWindows(tee(), sink, tokenWindowsSpecOf(stream));
    const count = stream.stats().windows;
    expect(header).toEqual({ version: 1, dtype: 'uint16', contextLength: ctx, vocabSize: 300, count, hasLengths: false, complete: true });
    expect(sink.bytes().byteLength).toBe(TOKEN_WINDOWS_HEADER_BYTES + count * ctx * 2);
    expect(fileBytes(header)).toBe(sink.bytes().byteLength);

    const reader = await openTokenWindows(asyncBufferFromBlob(new Blob([sink.bytes().slice()])));
    expect(reader.header).toEqual(header);
    const all = await reader.read(0, count);
    expect(all.tokens).toBeInstanceOf(Uint16Array);
    expect([...all.tokens]).toEqual(concat(chunks));
    expect(all.lengths).toBeNull();
    const some = await reader.read(5, 12);
    expect([...some.tokens]).toEqual(concat(chunks).slice(5 * ctx, 12 * ctx));
    expect((await reader.read(3, 3)).tokens.length).toBe(0);
  });

  it('fetches only the bytes of the windows asked for', async () => {
    const sink = new MemorySink();
    await writeTokenWindows(tokenizeDocuments(DOCS, tokenizer, { contextLength: 8 }), sink, { dtype: 'uint16', contextLength: 8, vocabSize: 300, hasLengths: false });
    const file = recording(sink.asyncBuffer());
    const reader = await openTokenWindows(file);
    await reader.read(10, 12);
    expect(file.slices).toEqual([
      [0, TOKEN_WINDOWS_HEADER_BYTES],
      [TOKEN_WINDOWS_HEADER_BYTES + 10 * 16, TOKEN_WINDOWS_HEADER_BYTES + 12 * 16],
    ]);
  });

  it('stores per-window lengths of truncated runs', async () => {
    const ctx = 12;
    const stream = tokenizeDocuments(DOCS.slice(0, 40), tokenizer, { contextLength: ctx, mode: 'truncate', windowsPerChunk: 16 });
    const chunks: WindowChunk[] = [];
    const sink = new MemorySink();
    const writer = new TokenWindowsWriter(sink, tokenWindowsSpecOf(stream));
    expect(tokenWindowsSpecOf(stream).hasLengths).toBe(true);
    for await (const chunk of stream) {
      chunks.push({ ...chunk, tokens: chunk.tokens.slice(), lengths: chunk.lengths!.slice() });
      await writer.append(chunk);
    }
    const header = await writer.finish();
    expect(header).toMatchObject({ count: 40, hasLengths: true });
    const reader = await openTokenWindows(sink.asyncBuffer());
    const range = await reader.read(14, 20);
    expect([...range.lengths!]).toEqual(chunks.flatMap((c) => [...c.lengths!]).slice(14, 20));
    expect([...range.tokens]).toEqual(concat(chunks).slice(14 * ctx, 20 * ctx));
  });

  it('round-trips uint32 windows', async () => {
    const layout = resolveWindowLayout({ contextLength: 3, bos: 'none', appendEos: false }, { bosId: null, eosId: null, padId: null });
    const builder = new WindowBuilder(layout, 'uint32', 2);
    builder.addDocument([70000, 1, 200000, 65536, 5, 4294967295]);
    builder.finish();
    const sink = new MemorySink();
    const writer = new TokenWindowsWriter(sink, { dtype: 'uint32', contextLength: 3, vocabSize: 300000, hasLengths: false });
    for (const chunk of builder.takeReady()) await writer.append(chunk);
    await writer.finish();
    const reader = await openTokenWindows(sink.asyncBuffer());
    const { tokens } = await reader.read(0, 2);
    expect(tokens).toBeInstanceOf(Uint32Array);
    expect([...tokens]).toEqual([70000, 1, 200000, 65536, 5, 4294967295]);
  });

  it('rejects unfinished, truncated and foreign files, and out-of-range reads', async () => {
    const sink = new MemorySink();
    const writer = new TokenWindowsWriter(sink, { dtype: 'uint16', contextLength: 8, vocabSize: 300, hasLengths: false });
    const chunks = await collectChunks(tokenizeDocuments(DOCS.slice(0, 30), tokenizer, { contextLength: 8 }));
    for (const chunk of chunks) await writer.append(chunk);
    expect((await formatError(openTokenWindows(sink.asyncBuffer()))).code).toBe('incomplete');
    const header = await writer.finish();

    const bytes = sink.bytes().slice();
    const cut = bytes.slice(0, bytes.length - 1);
    expect((await formatError(openTokenWindows({ byteLength: cut.length, slice: (s, e) => cut.slice(s, e).buffer }))).code).toBe('truncated');
    const foreign = new TextEncoder().encode('PAR1 this is not ours, but it is long enough');
    expect((await formatError(openTokenWindows({ byteLength: foreign.length, slice: (s, e) => foreign.slice(s, e).buffer }))).code).toBe('not-token-windows');
    const newer = encodeHeader({ ...header, complete: true });
    newer[4] = 9;
    expect(() => decodeHeader(newer)).toThrow(/newer version/);

    const reader = await openTokenWindows(sink.asyncBuffer());
    expect((await formatError(reader.read(0, header.count + 1))).code).toBe('out-of-range');
    expect((await formatError(reader.read(2, 1))).code).toBe('out-of-range');
  });

  it('refuses a chunk that does not match the file', async () => {
    const writer = new TokenWindowsWriter(new MemorySink(), { dtype: 'uint32', contextLength: 8, vocabSize: 300, hasLengths: false });
    const [chunk] = await collectChunks(tokenizeDocuments(DOCS.slice(0, 30), tokenizer, { contextLength: 8 }));
    await expect(writer.append(chunk!)).rejects.toMatchObject({ code: 'mismatch' });
  });
});
