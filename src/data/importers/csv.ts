// CSV / TSV with a header row: one column holds the text.
import { byteChunks, type ByteSource } from './byte-source';
import { csvRecords, detectCsvDelimiter } from './csv-records';
import { documentStream, handleMalformed, type Document, type DocumentStream } from './document-stream';
import { DatasetImportError, malformedError, missingFieldError, type MalformedPolicy } from './errors';
import { FieldTally, suggestTextField, type FieldInfo } from './field-sniff';
import { decodeUtf8 } from './utf8-text';

export interface CsvImportOptions {
  /** the header name of the column that holds the text */
  column: string;
  /** default ',' (sniffCsv detects ',', ';', tab or '|') */
  delimiter?: string;
  /** what to do with a malformed record; default 'skip' */
  onMalformed?: MalformedPolicy;
  limit?: number;
  chunkBytes?: number;
}

export interface CsvSniff {
  delimiter: string;
  columns: string[];
  /** data records read (up to maxRecords) */
  records: number;
  malformed: number;
  fields: FieldInfo[];
  suggested: string | null;
}

function noHeaderError(): DatasetImportError {
  return new DatasetImportError('no-documents', 'The CSV file has no header row.', 'Add a first row that names the columns.');
}

export function importCsv(source: ByteSource, options: CsvImportOptions): DocumentStream {
  const policy = options.onMalformed ?? 'skip';
  return documentStream(async function* (report): AsyncGenerator<Document> {
    let header: string[] | null = null;
    let columnIndex = -1;
    let row = 0;
    for await (const record of csvRecords(decodeUtf8(byteChunks(source, options.chunkBytes), report.addBytes), options.delimiter)) {
      const { line } = record;
      if (header === null) {
        if (record.error !== undefined) throw malformedError({ row: 0, line, message: `the header row is malformed: ${record.error}` });
        header = record.fields;
        columnIndex = header.indexOf(options.column);
        if (columnIndex < 0) throw missingFieldError('column', options.column, header);
        continue;
      }
      const at = row++;
      if (record.error !== undefined) {
        handleMalformed(report, policy, { row: at, line, message: record.error }, malformedError);
        if (record.fatal) break;
        continue;
      }
      if (record.fields.length !== header.length) {
        handleMalformed(report, policy, { row: at, line, message: `expected ${header.length} fields, found ${record.fields.length}` }, malformedError);
        continue;
      }
      const text = record.fields[columnIndex]!;
      if (text.trim().length === 0) {
        report.empty();
        continue;
      }
      yield { text, row: at, line };
    }
    if (header === null) throw noHeaderError();
  }, options);
}

/** Reads the header and the first records: offers the columns, the delimiter and a suggested text column. */
export async function sniffCsv(source: ByteSource, options: { maxRecords?: number; delimiter?: string } = {}): Promise<CsvSniff> {
  const maxRecords = options.maxRecords ?? 50;
  const decoded = decodeUtf8(byteChunks(source, 64 * 1024));
  const first = await decoded.next();
  if (first.done) throw noHeaderError();
  const head = first.value;
  const delimiter = options.delimiter ?? detectCsvDelimiter(head);
  async function* text(): AsyncGenerator<string> {
    yield head;
    yield* decoded;
  }
  let columns: string[] | null = null;
  let records = 0;
  let malformed = 0;
  const tally = new FieldTally();
  for await (const record of csvRecords(text(), delimiter)) {
    if (columns === null) {
      columns = record.fields;
      continue;
    }
    records++;
    if (record.error !== undefined || record.fields.length !== columns.length) malformed++;
    else tally.add(new Map(columns.map((name, i) => [name, record.fields[i]])));
    if (records >= maxRecords || record.fatal) break;
  }
  await decoded.return(undefined);
  if (columns === null) throw noHeaderError();
  const fields = tally.fields();
  return { delimiter, columns, records, malformed, fields, suggested: suggestTextField(fields) };
}
