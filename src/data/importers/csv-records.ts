// A streaming RFC 4180 record parser: quoted fields may hold delimiters, newlines and doubled quotes ("").
// Records end at LF, CRLF or CR outside quotes. It is lenient where that is harmless (a quote inside an
// unquoted field is kept as a character) and reports what loses data (text after a closing quote, a
// quoted field that never closes).

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts */
  line: number;
  /** set when the record is malformed */
  error?: string;
  /** a malformed record after which nothing more can be parsed */
  fatal?: boolean;
}

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** a quote inside a quoted field: either the first of "" or the closing quote */
  QuoteInQuoted,
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

export async function* csvRecords(textChunks: AsyncIterable<string>, delimiter = ','): AsyncGenerator<CsvRecord> {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(`CSV delimiter must be one character other than a quote or newline (got ${JSON.stringify(delimiter)})`);
  }
  const delim = delimiter.charCodeAt(0);
  let state = State.FieldStart as State; // widened: emit() also assigns it
  let fields: string[] = [];
  let field = ''; // the current field's text from earlier chunks / before an escaped quote
  let line = 1;
  let recordLine = 1;
  let recordOpen = false;
  let error: string | undefined;
  let skipLf = false; // the previous character was a CR that ended a record

  for await (const chunk of textChunks) {
    const out: CsvRecord[] = [];
    const emit = (): void => {
      out.push(error === undefined ? { fields, line: recordLine } : { fields, line: recordLine, error });
      fields = [];
      field = '';
      error = undefined;
      recordOpen = false;
      state = State.FieldStart;
    };
    // start of the raw text segment of the current field inside this chunk
    let seg = state === State.Unquoted || state === State.Quoted ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (skipLf) {
        skipLf = false;
        if (c === LF) {
          line++;
          continue;
        }
      }
      if (!recordOpen && c !== LF && c !== CR) {
        recordOpen = true;
        recordLine = line;
      }
      switch (state) {
        case State.FieldStart:
          if (c === QUOTE) {
            state = State.Quoted;
            seg = i + 1;
          } else if (c === delim) {
            fields.push('');
          } else if (c === LF || c === CR) {
            if (c === LF) line++;
            else skipLf = true;
            if (recordOpen) {
              fields.push('');
              emit();
            }
          } else {
            state = State.Unquoted;
            seg = i;
          }
          break;
        case State.Unquoted:
          if (c === delim) {
            fields.push(field + chunk.slice(seg, i));
            field = '';
            state = State.FieldStart;
          } else if (c === LF || c === CR) {
            fields.push(field + chunk.slice(seg, i));
            if (c === LF) line++;
            else skipLf = true;
            emit();
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            field += chunk.slice(seg, i);
            state = State.QuoteInQuoted;
          } else if (c === LF) {
            line++;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            field += '"';
            state = State.Quoted;
            seg = i + 1;
          } else if (c === delim) {
            fields.push(field);
            field = '';
            state = State.FieldStart;
          } else if (c === LF || c === CR) {
            fields.push(field);
            if (c === LF) line++;
            else skipLf = true;
            emit();
          } else {
            error ??= `unexpected character ${JSON.stringify(chunk[i])} after a closing quote (a quote inside a quoted field must be doubled: "")`;
            state = State.Unquoted;
            seg = i;
          }
          break;
      }
    }
    if (state === State.Unquoted || state === State.Quoted) field += chunk.slice(seg);
    yield* out;
  }
  switch (state) {
    case State.Quoted:
      yield { fields, line: recordLine, error: `a quoted field opened on line ${recordLine} is never closed: the file may be cut off`, fatal: true };
      return;
    case State.Unquoted:
    case State.QuoteInQuoted:
      fields.push(field);
      break;
    case State.FieldStart:
      if (!recordOpen) return;
      fields.push('');
      break;
  }
  yield error === undefined ? { fields, line: recordLine } : { fields, line: recordLine, error };
}

/** Guesses the delimiter from the first line: the candidate that appears most often outside quotes. */
export function detectCsvDelimiter(head: string): string {
  const candidates = [',', ';', '\t', '|'];
  const counts = new Map(candidates.map((d) => [d, 0]));
  let inQuotes = false;
  for (const ch of head) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of candidates) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}
