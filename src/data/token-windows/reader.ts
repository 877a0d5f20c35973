// Reads ranges of stored token windows through an AsyncBuffer (a Blob/File slice, an OPFS file, or bytes),
// fetching only the bytes of the windows asked for.
import type { AsyncBuffer } from '../importers/byte-source';
import type { TokenArray } from '../tokenize/token-dtype';
import { TOKEN_WINDOWS_HEADER_BYTES, TokenWindowsFormatError, decodeHeader, fileBytes, lengthsOffset, windowOffset, type TokenWindowsHeader } from './format';

export interface TokenWindowRange {
  /** (end − start) × contextLength ids */
  tokens: TokenArray;
  /** per-window lengths, when stored */
  lengths: Uint32Array | null;
}

export interface TokenWindowsReader {
  readonly header: TokenWindowsHeader;
  /** windows [start, end) */
  read(start: number, end: number): Promise<TokenWindowRange>;
}

export async function openTokenWindows(file: AsyncBuffer): Promise<TokenWindowsReader> {
  const header = decodeHeader(new Uint8Array(await file.slice(0, Math.min(TOKEN_WINDOWS_HEADER_BYTES, file.byteLength))));
  if (!header.complete) {
    throw new TokenWindowsFormatError('incomplete', 'The stored token windows are incomplete: tokenization did not finish.', 'Tokenize the dataset again.');
  }
  const expected = fileBytes(header);
  if (file.byteLength < expected) {
    throw new TokenWindowsFormatError('truncated', `The stored token windows are cut short (${file.byteLength} of ${expected} bytes).`, 'Tokenize the dataset again.');
  }
  return {
    header,
    async read(start, end) {
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > header.count || start > end) {
        throw new TokenWindowsFormatError('out-of-range', `Windows ${start}–${end} are outside the ${header.count} stored.`, 'Ask for windows within the stored count.');
      }
      const bytes = await file.slice(windowOffset(header, start), windowOffset(header, end));
      const tokens = header.dtype === 'uint16' ? new Uint16Array(bytes) : new Uint32Array(bytes);
      let lengths: Uint32Array | null = null;
      if (header.hasLengths) {
        const at = lengthsOffset(header);
        lengths = new Uint32Array(await file.slice(at + start * 4, at + end * 4));
      }
      return { tokens, lengths };
    },
  };
}
