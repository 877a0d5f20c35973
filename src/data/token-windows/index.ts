// Stored token windows: a small binary container (header + ids + optional lengths), a streaming writer
// over a random-access sink, and a reader of window ranges.
export {
  TOKEN_WINDOWS_HEADER_BYTES,
  TOKEN_WINDOWS_MAGIC,
  TOKEN_WINDOWS_VERSION,
  TokenWindowsFormatError,
  decodeHeader,
  encodeHeader,
  fileBytes,
  type TokenWindowsErrorCode,
  type TokenWindowsHeader,
} from './format';
export { MemorySink } from './memory-sink';
export { openTokenWindows, type TokenWindowRange, type TokenWindowsReader } from './reader';
export { TokenWindowsWriter, tokenWindowsSpecOf, writeTokenWindows, type RandomAccessSink, type TokenWindowsSpec } from './writer';
