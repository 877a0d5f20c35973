// Looking at a local file before importing it: its format, and the fields, columns or lines it offers,
// read from its first records only (so a large file answers at once).
import { DatasetImportError, sniffFile, type FileSniff, type ImportSpec, type MalformedPolicy } from '../../data/importers';

export type { FileSniff } from '../../data/importers';

export async function inspectLocalFile(file: Blob, fileName: string): Promise<FileSniff> {
  if (file.size === 0) throw new DatasetImportError('empty', 'The file is empty.', 'Choose a file that contains text.');
  return sniffFile(file, fileName, { maxRecords: 50 });
}

/** Text fields a sniff offers (JSON fields and CSV/parquet columns that held text in the sampled records). */
export function textFieldsOf(sniff: FileSniff): string[] {
  switch (sniff.format) {
    case 'txt':
      return [];
    case 'parquet':
      return sniff.columns.filter((c) => c.isText).map((c) => c.name);
    case 'jsonl':
    case 'csv':
      return sniff.fields.filter((f) => f.textCount > 0).map((f) => f.name);
  }
}

export interface SpecChoices {
  /** the field or column with the text (not for .txt) */
  field?: string;
  split?: 'line' | 'paragraph';
  onMalformed?: MalformedPolicy;
  limit?: number;
}

/** The import spec for a sniffed file and the user's choices (defaults from the sniff). */
export function importSpecFor(sniff: FileSniff, choices: SpecChoices): ImportSpec {
  const limit = choices.limit === undefined ? {} : { limit: choices.limit };
  const field = choices.field ?? (sniff.format === 'txt' ? '' : (sniff.suggested ?? ''));
  switch (sniff.format) {
    case 'txt':
      return { format: 'txt', split: choices.split ?? sniff.suggestedSplit, ...limit };
    case 'jsonl':
      return { format: 'jsonl', field, onMalformed: choices.onMalformed ?? 'skip', ...limit };
    case 'csv':
      return { format: 'csv', column: field, delimiter: sniff.delimiter, onMalformed: choices.onMalformed ?? 'skip', ...limit };
    case 'parquet':
      return { format: 'parquet', column: field, ...limit };
  }
}
