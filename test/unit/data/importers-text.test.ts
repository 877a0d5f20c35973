import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatasetImportError,
  csvRecords,
  detectCsvDelimiter,
  detectFormat,
  importCsv,
  importFile,
  importJson,
  importTxt,
  sniffCsv,
  sniffFile,
  sniffJson,
  type Document,
  type DocumentStream,
} from '../../../src/data/importers';
import { decodeUtf8, splitLines } from '../../../src/data/importers/utf8-text';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/datasets');
const encoder = new TextEncoder();

async function collect(stream: DocumentStream): Promise<Document[]> {
  const docs: Document[] = [];
  for await (const doc of stream) docs.push(doc);
  return docs;
}

async function failure(promise: Promise<unknown>): Promise<DatasetImportError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DatasetImportError) return e;
    throw e;
  }
  throw new Error('expected a DatasetImportError');
}

/** The bytes of `text` as a stream cut every `size` bytes (splitting multi-byte characters). */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function streamOf(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      }
    },
  });
}

const blob = (text: string): Blob => new Blob([text]);

describe('UTF-8 decoding', () => {
  const text = 'héllo wörld — 日本語 😀 end\nsecond ☕ line';

  it('decodes multi-byte characters split across every possible chunk boundary', async () => {
    const bytes = encoder.encode(text);
    for (const size of [1, 2, 3, 5, 7]) {
      let out = '';
      for await (const piece of decodeUtf8(chunked(bytes, size))) out += piece;
      expect(out).toBe(text);
    }
  });

  it('splits lines across chunks, with CRLF and a last line without newline', async () => {
    const bytes = encoder.encode('a😀\r\nbb\n\nlast');
    const lines = [];
    for await (const l of splitLines(decodeUtf8(chunked(bytes, 1)))) lines.push(l);
    expect(lines).toEqual([
      { text: 'a😀', line: 1 },
      { text: 'bb', line: 2 },
      { text: '', line: 3 },
      { text: 'last', line: 4 },
    ]);
  });

  it('drops a UTF-8 byte-order mark', async () => {
    const docs = await collect(importTxt(new Blob([new Uint8Array([0xef, 0xbb, 0xbf]), 'first\nsecond'])));
    expect(docs.map((d) => d.text)).toEqual(['first', 'second']);
  });

  it('rejects an empty file', async () => {
    const e = await failure(collect(importTxt(new Blob([]))));
    expect(e.code).toBe('empty');
    expect(e.message).toMatch(/empty/);
    expect(e.action.length).toBeGreaterThan(0);
  });

  it('rejects a binary file (NUL bytes) with the offset', async () => {
    const e = await failure(collect(importTxt(new Blob([new Uint8Array([104, 105, 10, 0, 1, 2])]))));
    expect(e.code).toBe('binary');
    expect(e.details.byteOffset).toBe(3);
    expect(e.message).toMatch(/binary/);
  });

  it('rejects bytes that are not UTF-8 (Latin-1 text)', async () => {
    const latin1 = new Uint8Array([...encoder.encode('caf'), 0xe9, ...encoder.encode(' au lait\n')]);
    const e = await failure(collect(importTxt(new Blob([latin1]))));
    expect(e.code).toBe('not-utf8');
    expect(e.message).toMatch(/not UTF-8/);
  });

  it('rejects a file that ends inside a multi-byte character, and UTF-16', async () => {
    const cut = encoder.encode('ok 😀').subarray(0, 5);
    expect((await failure(collect(importTxt(new Blob([cut]))))).code).toBe('not-utf8');
    const utf16 = new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]);
    const e = await failure(collect(importTxt(new Blob([utf16]))));
    expect(e.code).toBe('not-utf8');
    expect(e.message).toMatch(/UTF-16/);
  });
});

describe('txt importer', () => {
  it('makes one document per non-blank line, from a Blob, a ReadableStream and chunk iterables', async () => {
    const text = 'first line\n\n  \nsecond ☕ line\r\nthird';
    const expected = [
      { text: 'first line', row: 0, line: 1 },
      { text: 'second ☕ line', row: 3, line: 4 },
      { text: 'third', row: 4, line: 5 },
    ];
    expect(await collect(importTxt(blob(text), { chunkBytes: 3 }))).toEqual(expected);
    expect(await collect(importTxt(streamOf(encoder.encode(text), 2)))).toEqual(expected);
    expect(await collect(importTxt(chunked(encoder.encode(text), 1)))).toEqual(expected);
  });

  it('makes one document per blank-line-separated paragraph', async () => {
    const text = '\nPara one,\nstill one.\n\n\nPara two.\n  \nPara\nthree';
    const docs = await collect(importTxt(blob(text), { split: 'paragraph', chunkBytes: 4 }));
    expect(docs).toEqual([
      { text: 'Para one,\nstill one.', row: 0, line: 2 },
      { text: 'Para two.', row: 1, line: 6 },
      { text: 'Para\nthree', row: 2, line: 8 },
    ]);
  });

  it('reports statistics: rows, chars, bytes, empty records and a length histogram', async () => {
    const text = 'a\nbb\n\nccc\ndddddddd\n';
    const stream = importTxt(blob(text));
    await collect(stream);
    const s = stream.stats();
    expect(s).toMatchObject({ rows: 4, chars: 14, bytes: encoder.encode(text).length, empty: 1, malformed: 0, minChars: 1, maxChars: 8, meanChars: 3.5 });
    // buckets: [0,1) [1,2) [2,4) [4,8) [8,16)
    expect(s.lengthHistogram.edges).toEqual([0, 1, 2, 4, 8, 16]);
    expect(s.lengthHistogram.counts).toEqual([0, 1, 2, 0, 1]);
  });

  it('stops at the row limit and closes the stream', async () => {
    let cancelled = false;
    const bytes = encoder.encode(Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'));
    let offset = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) controller.close();
        else controller.enqueue(bytes.slice(offset, (offset += 16)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const stream = importTxt(source, { limit: 3 });
    expect((await collect(stream)).map((d) => d.text)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(cancelled).toBe(true);
    expect(stream.stats().bytes).toBeLessThan(bytes.length);
  });

  it('rejects a file with only blank lines as having no documents, and a bad limit', async () => {
    expect((await failure(collect(importTxt(blob('\n  \n\n'))))).code).toBe('no-documents');
    expect(() => importTxt(blob('x'), { limit: 0 })).toThrow(DatasetImportError);
  });

  it('reads the tiny fixture', async () => {
    const text = readFileSync(resolve(FIXTURES, 'tiny.txt'), 'utf8');
    const expected = text.split('\n').filter((l) => l.trim().length > 0);
    const docs = await collect(importTxt(blob(text), { chunkBytes: 1000 }));
    expect(docs.map((d) => d.text)).toEqual(expected);
  });
});

describe('JSON importer', () => {
  const jsonl = ['{"text": "héllo 😀", "id": 1}', '', '{"text": "second", "id": 2}', '{"text": broken', '[1, 2]', '{"id": 5}', '{"text": 7}', '{"text": ""}', '{"text": "last", "id": 9}'].join('\n');

  it('skips malformed lines and reports them with line numbers', async () => {
    const stream = importJson(blob(jsonl), { field: 'text', chunkBytes: 5 });
    const docs = await collect(stream);
    expect(docs).toEqual([
      { text: 'héllo 😀', row: 0, line: 1 },
      { text: 'second', row: 1, line: 3 },
      { text: 'last', row: 7, line: 9 },
    ]);
    expect(stream.issues.map((i) => i.line)).toEqual([4, 5, 6, 7]);
    expect(stream.issues[0]!.message).toMatch(/not valid JSON/);
    expect(stream.issues[1]!.message).toMatch(/expected an object, found a list/);
    expect(stream.issues[2]!.message).toMatch(/no field "text"/);
    expect(stream.issues[3]!.message).toMatch(/number, not text/);
    expect(stream.stats()).toMatchObject({ rows: 3, malformed: 4, empty: 1 });
  });

  it('stops at the first malformed line with policy "stop"', async () => {
    const e = await failure(collect(importJson(blob(jsonl), { field: 'text', onMalformed: 'stop' })));
    expect(e.code).toBe('malformed');
    expect(e.details.line).toBe(4);
    expect(e.message).toMatch(/^Line 4: not valid JSON/);
  });

  it('names the available fields when the chosen field is missing', async () => {
    const text = '{"content": "a", "id": 1}\n{"content": "b", "id": 2}\n';
    for (const policy of ['skip', 'stop'] as const) {
      const e = await failure(collect(importJson(blob(text), { field: 'text', onMalformed: policy })));
      expect(e.code).toBe('missing-field');
      expect(e.details.available).toEqual(['content', 'id']);
      expect(e.message).toMatch(/"text" was not found.*"content", "id"/);
    }
  });

  it('streams a JSON array of objects (pretty-printed, split in tiny chunks)', async () => {
    const array = JSON.stringify(
      [
        { text: 'one, with [brackets] and {braces}', n: 1 },
        { text: 'two "quoted" \\ back\nslash ☕', n: 2 },
        { other: 'x' },
        { text: 'three' },
      ],
      null,
      2,
    );
    const stream = importJson(blob(array), { field: 'text', chunkBytes: 3 });
    const docs = await collect(stream);
    expect(docs.map((d) => d.text)).toEqual(['one, with [brackets] and {braces}', 'two "quoted" \\ back\nslash ☕', 'three']);
    expect(docs.map((d) => d.row)).toEqual([0, 1, 3]);
    expect(docs[1]!.line).toBe(6);
    expect(stream.issues).toEqual([{ row: 2, line: 10, message: 'no field "text"' }]);
  });

  it('reports a JSON array that is cut off, keeping earlier records under "skip"', async () => {
    const cut = '[{"text": "a"}, {"text": "b"}, {"text": "c';
    const stream = importJson(blob(cut), { field: 'text' });
    expect((await collect(stream)).map((d) => d.text)).toEqual(['a', 'b']);
    expect(stream.issues[0]!.message).toMatch(/not closed/);
    const e = await failure(collect(importJson(blob(cut), { field: 'text', onMalformed: 'stop' })));
    expect(e.code).toBe('malformed');
    expect(e.message).toMatch(/cut off/);
  });

  it('sniffs the layout and the fields, suggesting the text field', async () => {
    const text = '{"id": 1, "body": "short", "story": "a much longer story here"}\n{"id": 2, "body": "tiny", "story": "another long story"}\nnot json\n';
    const sniff = await sniffJson(blob(text));
    expect(sniff.layout).toBe('jsonl');
    expect(sniff.records).toBe(3);
    expect(sniff.malformed).toBe(1);
    expect(sniff.fields.map((f) => [f.name, f.textCount, f.otherCount])).toEqual([
      ['id', 0, 2],
      ['body', 2, 0],
      ['story', 2, 0],
    ]);
    expect(sniff.suggested).toBe('body'); // a conventional name wins
    const noConvention = await sniffJson(blob('[{"a": "x", "b": "a longer value"}]'));
    expect(noConvention.layout).toBe('json-array');
    expect(noConvention.suggested).toBe('b');
  });

  it('reads the tiny fixture', async () => {
    const text = readFileSync(resolve(FIXTURES, 'tiny.jsonl'), 'utf8');
    const expected = text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => (JSON.parse(l) as { text: string }).text);
    const docs = await collect(importJson(blob(text), { field: 'text' }));
    expect(docs.map((d) => d.text)).toEqual(expected);
  });
});

describe('CSV importer', () => {
  async function records(text: string, size: number, delimiter = ','): Promise<unknown[]> {
    const out = [];
    for await (const r of csvRecords(decodeUtf8(chunked(encoder.encode(text), size)), delimiter)) out.push(r);
    return out;
  }

  it('parses RFC 4180: quoted delimiters, quoted newlines, doubled quotes, CRLF, empty fields', async () => {
    const text = 'id,text\r\n1,"a, b"\r\n2,"line one\nline ""two"""\r\n3,\r\n\r\n4,plain "quote" kept\n5,"é😀"';
    for (const size of [1, 2, 3, 64]) {
      expect(await records(text, size)).toEqual([
        { fields: ['id', 'text'], line: 1 },
        { fields: ['1', 'a, b'], line: 2 },
        { fields: ['2', 'line one\nline "two"'], line: 3 },
        { fields: ['3', ''], line: 5 },
        { fields: ['4', 'plain "quote" kept'], line: 7 },
        { fields: ['5', 'é😀'], line: 8 },
      ]);
    }
  });

  it('flags text after a closing quote and an unclosed quote', async () => {
    const out = await records('a,b\n"x"y,1\n2,"never closed\nmore', 2);
    expect(out[1]).toMatchObject({ line: 2, error: expect.stringMatching(/after a closing quote/) });
    expect(out[2]).toMatchObject({ line: 3, fatal: true, error: expect.stringMatching(/never closed/) });
  });

  it('imports the chosen column with line numbers, skipping malformed rows', async () => {
    const text = 'id,text,topic\n1,"first, with comma",a\n2,"multi\nline"\n3,"spans\nlines",b\n4,,c\n5,last,d\n';
    const stream = importCsv(blob(text), { column: 'text', chunkBytes: 4 });
    const docs = await collect(stream);
    expect(docs).toEqual([
      { text: 'first, with comma', row: 0, line: 2 },
      { text: 'spans\nlines', row: 2, line: 5 },
      { text: 'last', row: 4, line: 8 },
    ]);
    expect(stream.issues).toEqual([{ row: 1, line: 3, message: 'expected 3 fields, found 2' }]);
    expect(stream.stats()).toMatchObject({ rows: 3, malformed: 1, empty: 1 });
    const e = await failure(collect(importCsv(blob(text), { column: 'text', onMalformed: 'stop' })));
    expect(e.code).toBe('malformed');
    expect(e.details.line).toBe(3);
  });

  it('names the columns when the chosen column is missing', async () => {
    const e = await failure(collect(importCsv(blob('id,body\n1,x\n'), { column: 'text' })));
    expect(e.code).toBe('missing-field');
    expect(e.details.available).toEqual(['id', 'body']);
  });

  it('detects the delimiter and sniffs the columns', async () => {
    expect(detectCsvDelimiter('a;b;"c,d"\n1;2;3')).toBe(';');
    expect(detectCsvDelimiter('a\tb\tc')).toBe('\t');
    const sniff = await sniffCsv(blob('id;sentence\n1;"hello; world"\n2;bye\n'));
    expect(sniff).toMatchObject({ delimiter: ';', columns: ['id', 'sentence'], records: 2, malformed: 0, suggested: 'sentence' });
    const docs = await collect(importCsv(blob('id;sentence\n1;"hello; world"\n'), { column: 'sentence', delimiter: ';' }));
    expect(docs.map((d) => d.text)).toEqual(['hello; world']);
  });

  it('reads the tiny fixture like the JSONL twin', async () => {
    const csv = await collect(importCsv(blob(readFileSync(resolve(FIXTURES, 'tiny.csv'), 'utf8')), { column: 'text', chunkBytes: 100 }));
    const jsonl = await collect(importJson(blob(readFileSync(resolve(FIXTURES, 'tiny.jsonl'), 'utf8')), { field: 'text' }));
    expect(csv.map((d) => d.text)).toEqual(jsonl.map((d) => d.text));
  });
});

describe('format detection and dispatch', () => {
  it('detects formats by extension, then by content', () => {
    expect(detectFormat('a.TXT')).toBe('txt');
    expect(detectFormat('a.ndjson')).toBe('jsonl');
    expect(detectFormat('a.json')).toBe('jsonl');
    expect(detectFormat('a.tsv')).toBe('csv');
    expect(detectFormat('a.parquet')).toBe('parquet');
    expect(detectFormat('data', encoder.encode('PAR1xxxx'))).toBe('parquet');
    expect(detectFormat('data', encoder.encode('  \n[{"a":1}]'))).toBe('jsonl');
    expect(detectFormat('data', encoder.encode('hello'))).toBe('txt');
    expect(detectFormat('data')).toBeNull();
  });

  it('sniffs and imports through one entry point', async () => {
    const paragraphs = blob('One line\nof a paragraph.\n\nAnother\nparagraph here.\n\nThird\none.\n');
    const sniff = await sniffFile(paragraphs, 'notes.txt');
    expect(sniff).toEqual({ format: 'txt', lines: ['One line', 'of a paragraph.', 'Another', 'paragraph here.', 'Third', 'one.'], suggestedSplit: 'paragraph' });
    const tsv = await sniffFile(blob('id\ttext\n1\thi there\n'), 'x.tsv');
    expect(tsv).toMatchObject({ format: 'csv', delimiter: '\t', suggested: 'text' });
    const docs = await collect(importFile(blob('{"text":"a"}\n{"text":"b"}'), { format: 'jsonl', field: 'text' }));
    expect(docs.map((d) => d.text)).toEqual(['a', 'b']);
    // unknown extensions fall back to content: a zip-based .docx is caught as binary, nothing at all as unknown
    const zip = new Blob([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])]);
    await expect(sniffFile(zip, 'report.docx')).rejects.toMatchObject({ code: 'binary' });
    await expect(sniffFile(blob(''), 'report.docx')).rejects.toMatchObject({ code: 'unsupported-format' });
  });
});
