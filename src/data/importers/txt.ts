// Plain text: one document per line, or one per paragraph (lines separated by blank lines).
import { byteChunks, type ByteSource } from './byte-source';
import { documentStream, type Document, type DocumentStream } from './document-stream';
import { decodeUtf8, splitLines } from './utf8-text';

export type TxtSplit = 'line' | 'paragraph';

export interface TxtImportOptions {
  /** 'line' (default): every non-blank line is a document; 'paragraph': blank lines separate documents */
  split?: TxtSplit;
  /** stop after this many documents */
  limit?: number;
  chunkBytes?: number;
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

export function importTxt(source: ByteSource, options: TxtImportOptions = {}): DocumentStream {
  const split = options.split ?? 'line';
  return documentStream(async function* (report): AsyncGenerator<Document> {
    const lines = splitLines(decodeUtf8(byteChunks(source, options.chunkBytes), report.addBytes));
    if (split === 'line') {
      for await (const { text, line } of lines) {
        if (isBlank(text)) {
          report.empty();
          continue;
        }
        yield { text, row: line - 1, line };
      }
      return;
    }
    let paragraph: string[] = [];
    let firstLine = 0;
    let row = 0;
    for await (const { text, line } of lines) {
      if (isBlank(text)) {
        if (paragraph.length > 0) {
          yield { text: paragraph.join('\n'), row: row++, line: firstLine };
          paragraph = [];
        }
        continue;
      }
      if (paragraph.length === 0) firstLine = line;
      paragraph.push(text);
    }
    if (paragraph.length > 0) yield { text: paragraph.join('\n'), row, line: firstLine };
  }, options);
}
