// The stored token-windows file: a 32-byte header, then the windows, then (optionally) their lengths.
//
//   offset  size  field
//   0       4     magic "MITW"
//   4       2     version (1)
//   6       1     dtype: 1 = uint16, 2 = uint32
//   7       1     flags: bit 0 = has lengths, bit 1 = complete (set last, by finish())
//   8       4     context length (tokens per window)
//   12      4     vocabulary size
//   16      8     window count (u64; < 2^53)
//   24      8     reserved, zero
//   32      …     count × contextLength ids (row-major)
//   …       …     count × u32 lengths (tokens before padding), when flag bit 0 is set
// All numbers little-endian; ids are written as the platform's typed arrays, so the writer checks the
// platform is little-endian (every browser platform is).
import type { TokenDtype } from '../tokenize/token-dtype';
import { bytesPerToken } from '../tokenize/token-dtype';

export const TOKEN_WINDOWS_MAGIC = 'MITW';
export const TOKEN_WINDOWS_VERSION = 1;
export const TOKEN_WINDOWS_HEADER_BYTES = 32;

const FLAG_LENGTHS = 1;
const FLAG_COMPLETE = 2;

export interface TokenWindowsHeader {
  version: number;
  dtype: TokenDtype;
  contextLength: number;
  vocabSize: number;
  count: number;
  hasLengths: boolean;
  complete: boolean;
}

export type TokenWindowsErrorCode = 'not-token-windows' | 'unsupported-version' | 'incomplete' | 'truncated' | 'out-of-range' | 'mismatch';

export class TokenWindowsFormatError extends Error {
  override readonly name = 'TokenWindowsFormatError';
  readonly code: TokenWindowsErrorCode;
  readonly action: string;

  constructor(code: TokenWindowsErrorCode, message: string, action: string) {
    super(message);
    this.code = code;
    this.action = action;
  }
}

export const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeHeader(header: Omit<TokenWindowsHeader, 'version'>): Uint8Array {
  const bytes = new Uint8Array(TOKEN_WINDOWS_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = TOKEN_WINDOWS_MAGIC.charCodeAt(i);
  view.setUint16(4, TOKEN_WINDOWS_VERSION, true);
  view.setUint8(6, header.dtype === 'uint16' ? 1 : 2);
  view.setUint8(7, (header.hasLengths ? FLAG_LENGTHS : 0) | (header.complete ? FLAG_COMPLETE : 0));
  view.setUint32(8, header.contextLength, true);
  view.setUint32(12, header.vocabSize, true);
  view.setBigUint64(16, BigInt(header.count), true);
  return bytes;
}

export function decodeHeader(bytes: Uint8Array): TokenWindowsHeader {
  const notOurs = (): TokenWindowsFormatError =>
    new TokenWindowsFormatError('not-token-windows', 'This is not a stored token-windows file.', 'Tokenize the dataset again.');
  if (bytes.byteLength < TOKEN_WINDOWS_HEADER_BYTES) throw notOurs();
  if (String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!) !== TOKEN_WINDOWS_MAGIC) throw notOurs();
  const view = new DataView(bytes.buffer, bytes.byteOffset, TOKEN_WINDOWS_HEADER_BYTES);
  const version = view.getUint16(4, true);
  if (version !== TOKEN_WINDOWS_VERSION) {
    throw new TokenWindowsFormatError('unsupported-version', `The token windows were stored by a newer version (format ${version}).`, 'Update the app, or tokenize the dataset again.');
  }
  const dtypeCode = view.getUint8(6);
  if (dtypeCode !== 1 && dtypeCode !== 2) throw notOurs();
  const flags = view.getUint8(7);
  return {
    version,
    dtype: dtypeCode === 1 ? 'uint16' : 'uint32',
    contextLength: view.getUint32(8, true),
    vocabSize: view.getUint32(12, true),
    count: Number(view.getBigUint64(16, true)),
    hasLengths: (flags & FLAG_LENGTHS) !== 0,
    complete: (flags & FLAG_COMPLETE) !== 0,
  };
}

export function windowBytes(header: Pick<TokenWindowsHeader, 'dtype' | 'contextLength'>): number {
  return header.contextLength * bytesPerToken(header.dtype);
}

/** byte offset of window i's first id */
export function windowOffset(header: Pick<TokenWindowsHeader, 'dtype' | 'contextLength'>, index: number): number {
  return TOKEN_WINDOWS_HEADER_BYTES + index * windowBytes(header);
}

/** byte offset of the lengths section */
export function lengthsOffset(header: Pick<TokenWindowsHeader, 'dtype' | 'contextLength' | 'count'>): number {
  return windowOffset(header, header.count);
}

export function fileBytes(header: Pick<TokenWindowsHeader, 'dtype' | 'contextLength' | 'count' | 'hasLengths'>): number {
  return lengthsOffset(header) + (header.hasLengths ? header.count * 4 : 0);
}
