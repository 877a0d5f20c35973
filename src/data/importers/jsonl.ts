// JSON Lines, or a JSON array of objects: each record is an object and one of its fields holds the text.
import { byteChunks, type ByteSource } from './byte-source';
import { documentStream, handleMalformed, type Document, type DocumentStream } from './document-stream';
import { malformedError, missingFieldError, type MalformedPolicy } from './errors';
import { FieldTally, suggestTextField, type FieldInfo } from './field-sniff';
import { jsonRecords, type JsonLayout } from './json-records';
import { decodeUtf8 } from './utf8-text';

export interface JsonImportOptions {
  /** the field that holds the text (top-level key of each object) */
  field: string;
  /** what to do with a malformed record; default 'skip' */
  onMalformed?: MalformedPolicy;
  limit?: number;
  chunkBytes?: number;
}

export interface JsonSniff {
  layout: JsonLayout;
  /** records read (up to maxRecords) */
  records: number;
  malformed: number;
  fields: FieldInfo[];
  suggested: string | null;
}

/** Without the chosen field in this many objects, the choice is surely wrong: stop instead of skipping everything. */
const FIELD_EVIDENCE_RECORDS = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function importJson(source: ByteSource, options: JsonImportOptions): DocumentStream {
  const policy = options.onMalformed ?? 'skip';
  const { field } = options;
  return documentStream(async function* (report): AsyncGenerator<Document> {
    let objects = 0;
    let withField = 0;
    const keysSeen = new Set<string>();
    const records = jsonRecords(decodeUtf8(byteChunks(source, options.chunkBytes), report.addBytes));
    for await (const record of records) {
      const { row, line } = record;
      if (!record.ok) {
        handleMalformed(report, policy, { row, line, message: record.message }, malformedError);
        if (record.fatal) break; // a broken array ends the data; under 'skip' keep what was read
        continue;
      }
      const value = record.value;
      if (!isObject(value)) {
        handleMalformed(report, policy, { row, line, message: `expected an object, found ${describe(value)}` }, malformedError);
        continue;
      }
      objects++;
      if (!(field in value)) {
        for (const key of Object.keys(value)) keysSeen.add(key);
        // with no object holding the field yet, the field name is the likelier mistake than the data
        if (withField === 0 && (policy === 'stop' || objects >= FIELD_EVIDENCE_RECORDS)) throw missingFieldError('field', field, [...keysSeen]);
        handleMalformed(report, policy, { row, line, message: `no field "${field}"` }, malformedError);
        continue;
      }
      withField++;
      const text = value[field];
      if (text === null || (typeof text === 'string' && text.trim().length === 0)) {
        report.empty();
        continue;
      }
      if (typeof text !== 'string') {
        handleMalformed(report, policy, { row, line, message: `field "${field}" is ${describe(text)}, not text` }, malformedError);
        continue;
      }
      yield { text, row, line };
    }
    if (objects > 0 && withField === 0) throw missingFieldError('field', field, [...keysSeen]);
  }, options);
}

/** Reads the first records to offer the fields found and suggest the text field. */
export async function sniffJson(source: ByteSource, options: { maxRecords?: number } = {}): Promise<JsonSniff> {
  const maxRecords = options.maxRecords ?? 50;
  let layout: JsonLayout = 'jsonl';
  let records = 0;
  let malformed = 0;
  const tally = new FieldTally();
  for await (const record of jsonRecords(decodeUtf8(byteChunks(source, 64 * 1024)), (l) => (layout = l))) {
    records++;
    if (record.ok && isObject(record.value)) tally.add(record.value);
    else malformed++;
    if (records >= maxRecords || (!record.ok && record.fatal)) break;
  }
  const fields = tally.fields();
  return { layout, records, malformed, fields, suggested: suggestTextField(fields) };
}
