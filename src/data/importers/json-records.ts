// Parses JSON records from text chunks without holding the whole file: either JSON Lines (one value per
// line) or one top-level JSON array, whose elements are cut out by a bracket/string scanner and parsed
// one at a time.

export type JsonLayout = 'jsonl' | 'json-array';

export type JsonRecord =
  | { ok: true; value: unknown; row: number; line: number }
  | { ok: false; message: string; row: number; line: number; fatal: boolean };

function parseValue(text: string, row: number, line: number): JsonRecord {
  try {
    return { ok: true, value: JSON.parse(text), row, line };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `not valid JSON (${reason})`, row, line, fatal: false };
  }
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Layout from the first non-whitespace character: '[' means one JSON array, anything else JSON Lines. */
export function detectJsonLayout(head: string): JsonLayout | null {
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (isWhitespace(c) || c === 0xfeff) continue;
    return c === 91 ? 'json-array' : 'jsonl';
  }
  return null;
}

export async function* jsonRecords(textChunks: AsyncIterable<string>, onLayout: (layout: JsonLayout) => void = () => undefined): AsyncGenerator<JsonRecord> {
  const iterator = textChunks[Symbol.asyncIterator]();
  const head: string[] = [];
  let layout: JsonLayout | null = null;
  while (layout === null) {
    const next = await iterator.next();
    if (next.done) return;
    head.push(next.value);
    layout = detectJsonLayout(next.value);
  }
  onLayout(layout);
  async function* rest(): AsyncGenerator<string> {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  try {
    if (layout === 'jsonl') yield* jsonLines(rest());
    else yield* jsonArrayElements(rest());
  } finally {
    await iterator.return?.();
  }
}

async function* jsonLines(textChunks: AsyncIterable<string>): AsyncGenerator<JsonRecord> {
  // local line splitter: lines are short and JSON.parse ignores a trailing '\r'
  let pending = '';
  let line = 1;
  let row = 0;
  const emit = (text: string, at: number): JsonRecord | null => (text.trim().length === 0 ? null : parseValue(text, row++, at));
  for await (const chunk of textChunks) {
    const text = pending + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const record = emit(text.slice(start, nl), line);
      if (record) yield record;
      line++;
      start = nl + 1;
    }
    pending = text.slice(start);
  }
  const record = emit(pending, line);
  if (record) yield record;
}

async function* jsonArrayElements(textChunks: AsyncIterable<string>): AsyncGenerator<JsonRecord> {
  let phase: 'before' | 'inside' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let row = 0;
  // the element being cut out: earlier chunks' parts + start index in the current chunk (-1: none)
  let parts: string[] = [];
  let elementStart = -1;
  let elementLine = 0;
  let afterComma = false;

  for await (const chunk of textChunks) {
    const out: JsonRecord[] = [];
    const finishElement = (end: number, closing: boolean): void => {
      if (elementStart < 0 && parts.length === 0) {
        if (!closing || afterComma) out.push({ ok: false, message: 'empty element in the JSON array (two commas in a row, or a trailing comma)', row: row++, line, fatal: false });
        return;
      }
      const text = parts.join('') + chunk.slice(Math.max(0, elementStart), end);
      out.push(parseValue(text, row++, elementLine));
      parts = [];
      elementStart = -1;
    };
    const startElement = (i: number): void => {
      if (elementStart < 0 && parts.length === 0) {
        elementStart = i;
        elementLine = line;
      }
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (isWhitespace(c) || (c === 0xfeff && phase === 'before')) continue;
      if (phase === 'after') {
        out.push({ ok: false, message: 'unexpected text after the end of the JSON array', row, line, fatal: true });
        break;
      }
      if (phase === 'before') {
        phase = 'inside'; // detectJsonLayout guaranteed this is '['
        depth = 1;
        continue;
      }
      if (c === 34) {
        if (depth === 1) startElement(i);
        inString = true;
      } else if (c === 91 || c === 123) {
        if (depth === 1) startElement(i);
        depth++;
      } else if (c === 93 || c === 125) {
        depth--;
        if (depth === 0) {
          finishElement(i, true);
          phase = 'after';
        }
      } else if (c === 44 && depth === 1) {
        finishElement(i, false);
        afterComma = true;
        continue;
      } else if (depth === 1) {
        startElement(i);
      }
      afterComma = false;
    }
    if (elementStart >= 0 || parts.length > 0) {
      parts.push(chunk.slice(Math.max(0, elementStart)));
      elementStart = 0; // the element continues at the start of the next chunk
    }
    for (const record of out) {
      yield record;
      if (!record.ok && record.fatal) return;
    }
  }
  if (phase === 'inside') {
    yield { ok: false, message: 'the JSON array is not closed: the file may be cut off', row, line, fatal: true };
  }
}
