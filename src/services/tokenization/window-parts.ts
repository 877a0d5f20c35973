// Stored token windows of a tokenization, read back without tokenizing again. The windows are kept in
// parts (each a complete token-windows file, src/data/token-windows); this reads any range across them,
// fetching only the bytes of the windows asked for.
import type { AsyncBuffer } from '../../data/importers';
import { fileBytes, openTokenWindows, TokenWindowsWriter, type TokenWindowRange, type TokenWindowsReader, type TokenWindowsSpec } from '../../data/token-windows';
import { allocTokens, type TokenDtype, type WindowChunk } from '../../data/tokenize';
import type { TokenizationRecord } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';

export class TokenWindowsUnavailableError extends Error {
  override readonly name = 'TokenWindowsUnavailableError';
  readonly action = 'Wait for the tokenization to finish, or tokenize the dataset again.';
}

export interface StoredTokenWindows {
  readonly contextLength: number;
  readonly dtype: TokenDtype;
  readonly vocabSize: number;
  /** windows stored */
  readonly count: number;
  /** windows can hold padding; read() then gives each window's length */
  readonly hasLengths: boolean;
  /** windows [start, end): (end − start) × contextLength ids */
  read(start: number, end: number): Promise<TokenWindowRange>;
}

/** The bytes of one chunk of windows as a complete token-windows file (header, ids, lengths). */
export async function encodeWindowPart(chunk: WindowChunk, spec: TokenWindowsSpec): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(fileBytes({ ...spec, count: chunk.count }));
  const writer = new TokenWindowsWriter({ write: (position, data) => out.set(data, position) }, spec);
  await writer.append(chunk);
  await writer.finish();
  return out;
}

function blobBuffer(blobs: BlobStore, key: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice: async (start, end) => {
      const bytes = await blobs.readRange(key, start, end ?? size);
      return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    },
  };
}

export async function openStoredWindows(tokenization: Pick<TokenizationRecord, 'status' | 'parts' | 'contextLength' | 'dtype' | 'vocabSize'>, blobs: BlobStore): Promise<StoredTokenWindows> {
  const parts = tokenization.parts;
  if (tokenization.status !== 'ready' || !parts || !tokenization.dtype) {
    throw new TokenWindowsUnavailableError('This tokenization has no stored windows yet.');
  }
  const { contextLength, dtype } = tokenization;
  const starts: number[] = [];
  let count = 0;
  for (const part of parts) {
    starts.push(count);
    count += part.windows;
  }
  const readers = new Map<number, Promise<TokenWindowsReader>>();
  const reader = (i: number): Promise<TokenWindowsReader> => {
    let r = readers.get(i);
    if (!r) {
      const part = parts[i]!;
      r = openTokenWindows(blobBuffer(blobs, part.blobKey, part.bytes));
      readers.set(i, r);
    }
    return r;
  };
  const hasLengths = parts.length > 0 && (await reader(0)).header.hasLengths;
  return {
    contextLength,
    dtype,
    vocabSize: tokenization.vocabSize ?? 0,
    count,
    hasLengths,
    async read(start, end) {
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > count || start > end) {
        throw new RangeError(`Windows ${start}–${end} are outside the ${count} stored.`);
      }
      const tokens = allocTokens(dtype, (end - start) * contextLength);
      const lengths = hasLengths ? new Uint32Array(end - start) : null;
      for (let i = 0; i < parts.length; i++) {
        const from = Math.max(start, starts[i]!);
        const to = Math.min(end, starts[i]! + parts[i]!.windows);
        if (from >= to) continue;
        const range = await (await reader(i)).read(from - starts[i]!, to - starts[i]!);
        tokens.set(range.tokens, (from - start) * contextLength);
        if (lengths && range.lengths) lengths.set(range.lengths, from - start);
      }
      return { tokens, lengths };
    },
  };
}
