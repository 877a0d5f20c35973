// Typed import failures. Every failure carries a message a user understands and an action they can take;
// the UI shows both, and jobs store them as the reason a dataset import failed.

export type DatasetImportErrorCode =
  | 'empty' // the source has no bytes
  | 'binary' // NUL bytes: not a text file
  | 'not-utf8' // bytes that are not valid UTF-8
  | 'missing-field' // the chosen field / column is absent or holds no text
  | 'malformed' // a record that cannot be parsed (policy 'stop', or an unrecoverable structure)
  | 'no-documents' // parsed fine, but nothing usable was found
  | 'not-parquet' // the bytes are not a parquet file
  | 'truncated' // the file ends too early (cut-off download or copy)
  | 'corrupt' // a parquet row group cannot be decoded
  | 'unsupported-format' // a file type we do not import
  | 'invalid-option' // a bad argument (repository name, limit, ...)
  | 'network' // the server could not be reached
  | 'auth' // 401/403: private or gated
  | 'not-found' // 404
  | 'http' // any other HTTP failure
  | 'range-unsupported'; // the server ignores Range requests

export interface DatasetImportErrorDetails {
  /** 1-based line where the problem is (text formats) */
  line?: number;
  /** byte offset near the problem */
  byteOffset?: number;
  /** names available when a field or column is missing */
  available?: string[];
  /** HTTP status, for HTTP failures */
  status?: number;
}

export class DatasetImportError extends Error {
  override readonly name = 'DatasetImportError';
  readonly code: DatasetImportErrorCode;
  /** what the user can do about it */
  readonly action: string;
  readonly details: DatasetImportErrorDetails;

  constructor(code: DatasetImportErrorCode, message: string, action: string, details: DatasetImportErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.action = action;
    this.details = details;
  }
}

/** A record the importer could not use; collected (policy 'skip') or thrown as 'malformed' (policy 'stop'). */
export interface ImportIssue {
  /** 1-based line where the record starts (text formats); absent for parquet */
  line?: number;
  /** 0-based record index in the source */
  row: number;
  message: string;
}

/** What to do with a malformed record: leave it out and keep going, or stop the import. */
export type MalformedPolicy = 'skip' | 'stop';

export function malformedError(issue: ImportIssue): DatasetImportError {
  const where = issue.line !== undefined ? `Line ${issue.line}` : `Row ${issue.row + 1}`;
  return new DatasetImportError(
    'malformed',
    `${where}: ${issue.message}`,
    'Fix that line in the file, or import again with "skip malformed lines" to leave such lines out.',
    { line: issue.line },
  );
}

export function missingFieldError(kind: 'field' | 'column', name: string, available: string[]): DatasetImportError {
  const list = available.length > 0 ? available.map((n) => `"${n}"`).join(', ') : 'none';
  return new DatasetImportError(
    'missing-field',
    `The ${kind} "${name}" was not found. Available ${kind}s: ${list}.`,
    `Choose one of the ${kind}s that holds the text.`,
    { available },
  );
}
