// One entry point for a local file: detect its format, sniff it (fields, columns, samples), import it.
import { asyncBufferFromBlob, byteChunks } from './byte-source';
import { importCsv, sniffCsv, type CsvSniff } from './csv';
import type { DocumentStream } from './document-stream';
import { DatasetImportError, type MalformedPolicy } from './errors';
import { importJson, sniffJson, type JsonSniff } from './jsonl';
import { importParquet, sniffParquet, type ParquetSniff } from './parquet';
import { importTxt, type TxtSplit } from './txt';
import { decodeUtf8, splitLines } from './utf8-text';

/** 'jsonl' covers JSON Lines and a JSON array of objects alike. */
export type DatasetFormat = 'txt' | 'jsonl' | 'csv' | 'parquet';

export type ImportSpec =
  | { format: 'txt'; split?: TxtSplit; limit?: number }
  | { format: 'jsonl'; field: string; onMalformed?: MalformedPolicy; limit?: number }
  | { format: 'csv'; column: string; delimiter?: string; onMalformed?: MalformedPolicy; limit?: number }
  | { format: 'parquet'; column: string; limit?: number };

export interface TxtSniff {
  /** the first non-blank lines, cut to 120 characters */
  lines: string[];
  /** 'paragraph' when blank lines separate multi-line blocks */
  suggestedSplit: TxtSplit;
}

export type FileSniff =
  | ({ format: 'txt' } & TxtSniff)
  | ({ format: 'jsonl' } & JsonSniff)
  | ({ format: 'csv' } & CsvSniff)
  | ({ format: 'parquet' } & ParquetSniff);

const EXTENSIONS: Record<string, DatasetFormat> = {
  txt: 'txt',
  text: 'txt',
  md: 'txt',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'jsonl',
  csv: 'csv',
  tsv: 'csv',
  parquet: 'parquet',
};

/** Format from the file name, else from the first bytes (PAR1 → parquet, '{' or '[' → JSON); null if unknown. */
export function detectFormat(fileName: string, head?: Uint8Array): DatasetFormat | null {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext !== undefined && ext in EXTENSIONS) return EXTENSIONS[ext]!;
  if (!head) return null;
  if (head.length >= 4 && String.fromCharCode(head[0]!, head[1]!, head[2]!, head[3]!) === 'PAR1') return 'parquet';
  for (const b of head) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b || b === 0x5b ? 'jsonl' : 'txt';
  }
  return null;
}

function unsupported(fileName: string): DatasetImportError {
  return new DatasetImportError('unsupported-format', `Cannot tell the format of "${fileName}".`, 'Use a .txt, .jsonl, .json, .csv, .tsv or .parquet file.');
}

async function sniffTxt(file: Blob): Promise<TxtSniff> {
  const lines: string[] = [];
  let seen = 0;
  let blanks = 0;
  let blocks = 0;
  let inBlock = false;
  for await (const { text } of splitLines(decodeUtf8(byteChunks(file, 64 * 1024)))) {
    seen++;
    const blank = text.trim().length === 0;
    if (blank) blanks++;
    else {
      if (!inBlock) blocks++;
      if (lines.length < 10) lines.push(text.slice(0, 120));
    }
    inBlock = !blank;
    if (seen >= 200) break;
  }
  // paragraphs: blank lines are common and blocks span several lines on average
  const suggestedSplit: TxtSplit = blanks >= 2 && (seen - blanks) / Math.max(1, blocks) >= 2 ? 'paragraph' : 'line';
  return { lines, suggestedSplit };
}

export async function sniffFile(file: Blob, fileName: string, options: { maxRecords?: number } = {}): Promise<FileSniff> {
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const format = detectFormat(fileName, head);
  switch (format) {
    case 'txt':
      return { format, ...(await sniffTxt(file)) };
    case 'jsonl':
      return { format, ...(await sniffJson(file, options)) };
    case 'csv':
      return { format, ...(await sniffCsv(file, { ...options, delimiter: fileName.toLowerCase().endsWith('.tsv') ? '\t' : undefined })) };
    case 'parquet':
      return { format, ...(await sniffParquet(asyncBufferFromBlob(file), { samples: 5 })) };
    case null:
      throw unsupported(fileName);
  }
}

export function importFile(file: Blob, spec: ImportSpec): DocumentStream {
  switch (spec.format) {
    case 'txt':
      return importTxt(file, spec);
    case 'jsonl':
      return importJson(file, spec);
    case 'csv':
      return importCsv(file, spec);
    case 'parquet':
      return importParquet(asyncBufferFromBlob(file), spec);
  }
}
