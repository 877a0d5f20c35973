// Streaming UTF-8 decoding with validation. The decoder runs in stream mode, so a multi-byte character
// split across two chunks decodes correctly; `fatal: true` turns invalid bytes into an error instead of
// silently writing U+FFFD into the dataset.
import { DatasetImportError } from './errors';

export function emptyFileError(): DatasetImportError {
  return new DatasetImportError('empty', 'The file is empty.', 'Choose a file that contains text.');
}

function binaryError(byteOffset: number): DatasetImportError {
  return new DatasetImportError(
    'binary',
    `This looks like a binary file, not text: it contains a NUL byte (at byte ${byteOffset}).`,
    'Choose a plain-text file (.txt, .jsonl, .json, .csv) saved as UTF-8, or a .parquet file.',
    { byteOffset },
  );
}

function notUtf8Error(byteOffset: number, hint = ''): DatasetImportError {
  return new DatasetImportError(
    'not-utf8',
    `The file is not UTF-8 text: invalid bytes near byte ${byteOffset}.${hint}`,
    'Save the file as UTF-8 (most editors offer this under "Save as" / "Encoding") and import it again.',
    { byteOffset },
  );
}

/**
 * Decodes byte chunks into text chunks. Throws DatasetImportError 'empty' (no bytes), 'binary' (a NUL
 * byte) or 'not-utf8' (invalid or truncated UTF-8, or a UTF-16 byte-order mark). A UTF-8 BOM is dropped.
 */
export async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>, onBytes: (n: number) => void = () => undefined): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of chunks) {
    if (offset === 0 && chunk.byteLength >= 2) {
      const b0 = chunk[0];
      const b1 = chunk[1];
      if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
        throw notUtf8Error(0, ' It starts with a UTF-16 byte-order mark.');
      }
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw binaryError(offset + nul);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw notUtf8Error(offset);
    }
    offset += chunk.byteLength;
    onBytes(chunk.byteLength);
    if (text.length > 0) yield text;
  }
  if (offset === 0) throw emptyFileError();
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw notUtf8Error(offset, ' The file ends in the middle of a character.');
  }
  if (tail.length > 0) yield tail;
}

export interface TextLine {
  text: string;
  /** 1-based */
  line: number;
}

/** Splits text chunks into lines (LF or CRLF), across chunk boundaries. The last line may lack a newline. */
export async function* splitLines(textChunks: AsyncIterable<string>): AsyncGenerator<TextLine> {
  // parts of the current line seen so far: an array, so a very long line is joined once, not re-copied per chunk
  let parts: string[] = [];
  let line = 1;
  const take = (last: string): string => {
    const whole = parts.length === 0 ? last : parts.join('') + last;
    parts = [];
    return whole.endsWith('\r') ? whole.slice(0, -1) : whole;
  };
  for await (const chunk of textChunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      yield { text: take(chunk.slice(start, nl)), line };
      line++;
      start = nl + 1;
    }
    if (start < chunk.length) parts.push(chunk.slice(start));
  }
  if (parts.length > 0) yield { text: take(''), line };
}
