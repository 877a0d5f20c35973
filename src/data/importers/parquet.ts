// Parquet via hyparquet, read one row group (and one column) at a time: memory stays bounded by a row
// group's text column, and over HTTP only those byte ranges are fetched.
import { parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData, type SchemaElement } from 'hyparquet';
import { countingAsyncBuffer, type AsyncBuffer } from './byte-source';
import { documentStream, type Document, type DocumentStream } from './document-stream';
import { DatasetImportError, missingFieldError } from './errors';
import { suggestTextField, type FieldInfo } from './field-sniff';

/** A parquet file, or a function that opens one when it is reached (e.g. an HTTP range buffer). */
export type ParquetSource = AsyncBuffer | (() => Promise<AsyncBuffer>);

export interface ParquetImportOptions {
  /** the column that holds the text */
  column: string;
  /** stop after this many documents (over all files) */
  limit?: number;
  /** bytes fetched from the end of each file for the footer; default 512 KiB (hyparquet's) */
  footerFetchBytes?: number;
}

export interface ParquetColumnInfo {
  name: string;
  /** physical type with its annotation, e.g. 'BYTE_ARRAY (UTF8)', 'INT64', 'group' */
  type: string;
  isText: boolean;
}

export interface ParquetSniff {
  rows: number;
  rowGroups: number;
  columns: ParquetColumnInfo[];
  /** text columns only, with samples when asked for */
  fields: FieldInfo[];
  suggested: string | null;
}

const DEFAULT_FOOTER_BYTES = 512 * 1024;

function isTextColumn(element: SchemaElement, children: number): boolean {
  if (children > 0 || element.type !== 'BYTE_ARRAY') return false;
  const logical = element.logical_type?.type;
  if (logical !== undefined) return logical === 'STRING' || logical === 'ENUM';
  const converted = element.converted_type;
  // hyparquet decodes un-annotated byte arrays as UTF-8, as most writers mean them
  return converted === undefined || converted === 'UTF8' || converted === 'ENUM';
}

function describeColumn(element: SchemaElement, children: number): string {
  if (children > 0) return 'group';
  const annotation = element.logical_type?.type ?? element.converted_type;
  return annotation ? `${element.type ?? '?'} (${annotation})` : (element.type ?? '?');
}

function columnsOf(metadata: FileMetaData): ParquetColumnInfo[] {
  return parquetSchema(metadata).children.map((child) => ({
    name: child.element.name,
    type: describeColumn(child.element, child.children.length),
    isText: isTextColumn(child.element, child.children.length),
  }));
}

function asImportError(error: unknown, make: () => DatasetImportError): DatasetImportError {
  return error instanceof DatasetImportError ? error : make();
}

/** Reads and validates the footer; maps failures to 'empty', 'not-parquet' or 'truncated'. */
export async function readParquetMetadata(file: AsyncBuffer, footerFetchBytes = DEFAULT_FOOTER_BYTES): Promise<FileMetaData> {
  if (file.byteLength === 0) {
    throw new DatasetImportError('empty', 'The parquet file is empty.', 'Choose a parquet file that contains data.');
  }
  const notParquet = (): DatasetImportError =>
    new DatasetImportError('not-parquet', 'This is not a parquet file (it does not start with "PAR1").', 'Choose a .parquet file, or import the file as text, JSON or CSV.');
  const truncated = (cause?: unknown): DatasetImportError =>
    new DatasetImportError(
      'truncated',
      'The parquet file is incomplete: its footer is missing or cut short, so the download or copy probably stopped early.',
      'Download or copy the file again, then import it.',
      {},
      { cause },
    );
  const head = new Uint8Array(await file.slice(0, Math.min(4, file.byteLength)));
  const magic = String.fromCharCode(...head);
  if (magic !== 'PAR1') throw notParquet();
  if (file.byteLength < 12) throw truncated();
  try {
    return await parquetMetadataAsync(file, { initialFetchSize: footerFetchBytes });
  } catch (cause) {
    throw asImportError(cause, () => truncated(cause));
  }
}

/** Schema, row count and text columns of one file; with `samples`, the first values of each text column. */
export async function sniffParquet(file: AsyncBuffer, options: { samples?: number; footerFetchBytes?: number } = {}): Promise<ParquetSniff> {
  const metadata = await readParquetMetadata(file, options.footerFetchBytes);
  const columns = columnsOf(metadata);
  const rows = Number(metadata.num_rows);
  const textColumns = columns.filter((c) => c.isText).map((c) => c.name);
  const fields: FieldInfo[] = textColumns.map((name) => ({ name, textCount: 0, otherCount: 0, meanChars: 0, sample: '' }));
  const samples = Math.min(options.samples ?? 0, rows);
  if (samples > 0 && textColumns.length > 0) {
    let sampleRows: unknown[][] = [];
    await parquetRead({ file, metadata, columns: textColumns, rowStart: 0, rowEnd: samples, onComplete: (r) => (sampleRows = r) });
    fields.forEach((f, i) => {
      let chars = 0;
      for (const r of sampleRows) {
        const v = r[i];
        if (typeof v === 'string' && v.trim().length > 0) {
          f.textCount++;
          chars += v.length;
          if (f.sample === '') f.sample = v.slice(0, 120);
        } else {
          f.otherCount++;
        }
      }
      f.meanChars = f.textCount === 0 ? 0 : chars / f.textCount;
    });
  }
  // without samples every text column ties, so the name decides
  return { rows, rowGroups: metadata.row_groups.length, columns, fields, suggested: suggestTextField(samples > 0 ? fields : fields.map((f) => ({ ...f, textCount: 1 }))) };
}

/** Documents from one or more parquet files (rows numbered on across files), one row group at a time. */
export function importParquet(sources: ParquetSource | ParquetSource[], options: ParquetImportOptions): DocumentStream {
  const list = Array.isArray(sources) ? sources : [sources];
  const { column, limit } = options;
  return documentStream(async function* (report): AsyncGenerator<Document> {
    let rowBase = 0;
    let produced = 0;
    for (const source of list) {
      const opened = typeof source === 'function' ? await source() : source;
      const file = countingAsyncBuffer(opened, report.addBytes);
      const metadata = await readParquetMetadata(file, options.footerFetchBytes);
      const columns = columnsOf(metadata);
      const info = columns.find((c) => c.name === column);
      if (!info) throw missingFieldError('column', column, columns.map((c) => c.name));
      if (!info.isText) {
        const textNames = columns.filter((c) => c.isText).map((c) => `"${c.name}"`);
        throw new DatasetImportError(
          'missing-field',
          `The column "${column}" holds ${info.type} values, not text.${textNames.length > 0 ? ` Text columns: ${textNames.join(', ')}.` : ' The file has no text column.'}`,
          'Choose a column that holds text.',
          { available: columns.filter((c) => c.isText).map((c) => c.name) },
        );
      }
      let groupStart = 0;
      for (let g = 0; g < metadata.row_groups.length; g++) {
        const groupEnd = groupStart + Number(metadata.row_groups[g]!.num_rows);
        let cursor = groupStart;
        while (cursor < groupEnd) {
          // with a limit, read no more rows than could still be needed
          const end = limit === undefined ? groupEnd : Math.min(groupEnd, cursor + Math.max(1, limit - produced));
          let values: unknown[][] = [];
          try {
            await parquetRead({ file, metadata, columns: [column], rowStart: cursor, rowEnd: end, onComplete: (rows) => (values = rows) });
          } catch (cause) {
            throw asImportError(
              cause,
              () =>
                new DatasetImportError(
                  'corrupt',
                  `Row group ${g + 1} of the parquet file cannot be read (${cause instanceof Error ? cause.message : String(cause)}).`,
                  'The file may be damaged or use an unsupported compression codec; try another copy, or export it again with Snappy or no compression.',
                  {},
                  { cause },
                ),
            );
          }
          for (let i = 0; i < values.length; i++) {
            const text = values[i]![0];
            if (typeof text !== 'string' || text.trim().length === 0) {
              report.empty();
              continue;
            }
            produced++;
            yield { text, row: rowBase + cursor + i };
          }
          cursor = end;
          if (limit !== undefined && produced >= limit) return;
        }
        groupStart = groupEnd;
      }
      rowBase += Number(metadata.num_rows);
    }
  }, { limit });
}
