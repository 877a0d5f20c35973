// The shape every importer returns: an async iterable of documents that also reports statistics and
// the records it left out. It is read once, front to back, so memory stays bounded by one chunk.
import { DatasetImportError, type ImportIssue } from './errors';
import { LengthHistogramBuilder, type LengthHistogram } from './length-histogram';

export interface Document {
  text: string;
  /** 0-based position of the record in the source (gaps where records were left out) */
  row: number;
  /** 1-based line where the record starts, for text formats */
  line?: number;
}

export interface ImportStats {
  /** documents produced */
  rows: number;
  /** UTF-16 code units over all documents (String.length) */
  chars: number;
  /** bytes read from the source (for parquet: bytes fetched) */
  bytes: number;
  /** records left out because they were empty or null */
  empty: number;
  /** records left out because they were malformed (policy 'skip') */
  malformed: number;
  minChars: number;
  maxChars: number;
  meanChars: number;
  /** characters per document */
  lengthHistogram: LengthHistogram;
}

export interface DocumentStream extends AsyncIterable<Document> {
  /** statistics so far; final once iteration has finished */
  stats(): ImportStats;
  /** malformed records left out so far (the first `maxIssues`; `stats().malformed` has the total) */
  readonly issues: readonly ImportIssue[];
}

/** What an importer's generator reports into while it runs. */
export interface ImportReporter {
  addBytes(n: number): void;
  /** an empty or null record was left out */
  empty(): void;
  /** a malformed record; the importer applies its policy (throw on 'stop') after reporting */
  malformed(issue: ImportIssue): void;
}

const MAX_ISSUES = 1000;

export function documentStream(produce: (report: ImportReporter) => AsyncGenerator<Document>, options: { limit?: number } = {}): DocumentStream {
  const lengths = new LengthHistogramBuilder();
  const issues: ImportIssue[] = [];
  let rows = 0;
  let chars = 0;
  let bytes = 0;
  let empty = 0;
  let malformed = 0;
  let started = false;
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new DatasetImportError('invalid-option', `The row limit must be a whole number of at least 1 (got ${limit}).`, 'Enter a positive row limit, or none.');
  }

  const reporter: ImportReporter = {
    addBytes: (n) => {
      bytes += n;
    },
    empty: () => {
      empty++;
    },
    malformed: (issue) => {
      malformed++;
      if (issues.length < MAX_ISSUES) issues.push(issue);
    },
  };

  async function* iterate(): AsyncGenerator<Document> {
    if (started) throw new Error('A DocumentStream can be read only once; import the source again to re-read it.');
    started = true;
    for await (const doc of produce(reporter)) {
      rows++;
      chars += doc.text.length;
      lengths.add(doc.text.length);
      yield doc;
      if (limit !== undefined && rows >= limit) return; // leaving the loop closes the source
    }
    if (rows === 0) {
      const why = malformed > 0 ? `all ${malformed} records were malformed` : 'every record was empty';
      throw new DatasetImportError('no-documents', `No text was found: ${why}.`, 'Check that the file holds text and that the right field or column is chosen.');
    }
  }

  return {
    [Symbol.asyncIterator]: iterate,
    issues,
    stats(): ImportStats {
      const s = lengths.summary();
      return { rows, chars, bytes, empty, malformed, minChars: s.min, maxChars: s.max, meanChars: s.mean, lengthHistogram: lengths.histogram() };
    },
  };
}

/** Applies the malformed-record policy: report, then throw on 'stop'. */
export function handleMalformed(report: ImportReporter, policy: 'skip' | 'stop', issue: ImportIssue, toError: (issue: ImportIssue) => Error): void {
  report.malformed(issue);
  if (policy === 'stop') throw toError(issue);
}
