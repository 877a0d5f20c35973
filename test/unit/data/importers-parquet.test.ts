import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatasetImportError,
  asyncBufferFromBlob,
  httpRangeBuffer,
  hubParquetListUrl,
  hubResolveUrl,
  importHubParquet,
  importParquet,
  listHubParquetFiles,
  listHubParquetSplits,
  sniffFile,
  sniffParquet,
  validateHubRepo,
  type AsyncBuffer,
  type Document,
  type DocumentStream,
} from '../../../src/data/importers';

const TINY = new Uint8Array(readFileSync(resolve(import.meta.dirname, '../../fixtures/datasets/tiny.parquet')));
const tinyBuffer = (): ArrayBuffer => TINY.slice().buffer;

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

/** An AsyncBuffer over bytes that records every slice asked for. */
function recordingBuffer(bytes: Uint8Array): AsyncBuffer & { slices: [number, number][] } {
  const slices: [number, number][] = [];
  return {
    byteLength: bytes.byteLength,
    slices,
    slice(start, end = bytes.byteLength) {
      slices.push([start, end]);
      return bytes.slice(start, end).buffer;
    },
  };
}

let expectedTexts: string[] = [];

beforeAll(async () => {
  const rows = await parquetReadObjects({ file: tinyBuffer() });
  expectedTexts = rows.map((r) => String(r['text']));
});

describe('parquet importer', () => {
  it('sniffs the schema: rows, row groups, text columns and samples', async () => {
    const sniff = await sniffParquet(tinyBuffer(), { samples: 3 });
    expect(sniff.rows).toBe(600);
    expect(sniff.rowGroups).toBe(3);
    expect(sniff.columns).toEqual([
      { name: 'id', type: 'INT32', isText: false },
      { name: 'text', type: 'BYTE_ARRAY (UTF8)', isText: true },
    ]);
    expect(sniff.suggested).toBe('text');
    expect(sniff.fields[0]).toMatchObject({ name: 'text', textCount: 3, sample: expectedTexts[0] });
    const viaFile = await sniffFile(new Blob([TINY]), 'tiny.parquet');
    expect(viaFile).toMatchObject({ format: 'parquet', rows: 600, suggested: 'text' });
  });

  it('imports every row of the text column, multi-byte text intact', async () => {
    const stream = importParquet(asyncBufferFromBlob(new Blob([TINY])), { column: 'text' });
    const docs = await collect(stream);
    expect(docs.map((d) => d.text)).toEqual(expectedTexts);
    expect(docs.map((d) => d.row)).toEqual(expectedTexts.map((_, i) => i));
    expect(docs[0]!.text).toContain('Café naïve — ☕');
    expect(stream.stats()).toMatchObject({ rows: 600, chars: expectedTexts.join('').length });
  });

  it('reads one row group at a time, never the whole file', async () => {
    const metadata = parquetMetadata(tinyBuffer());
    const footerStart = TINY.byteLength - metadata.metadata_length - 8;
    const chunkStart = (g: number): number => {
      const meta = metadata.row_groups[g]!.columns[1]!.meta_data!;
      return Number(meta.dictionary_page_offset ?? meta.data_page_offset);
    };
    // leave out the magic check at the start and the footer fetch at the end
    const dataSlices = (file: { slices: [number, number][] }): [number, number][] => file.slices.filter(([s, e]) => s >= 4 && e <= footerStart);

    // a limit inside the first row group touches no byte of the later row groups
    const limited = recordingBuffer(TINY);
    const docs = await collect(importParquet(limited, { column: 'text', limit: 5, footerFetchBytes: 1024 }));
    expect(docs.map((d) => d.text)).toEqual(expectedTexts.slice(0, 5));
    expect(dataSlices(limited).length).toBeGreaterThan(0);
    for (const [, end] of dataSlices(limited)) expect(end).toBeLessThanOrEqual(chunkStart(1));

    // a full read asks for each row group's column chunk separately, none as big as the file
    const full = recordingBuffer(TINY);
    await collect(importParquet(full, { column: 'text', footerFetchBytes: 1024 }));
    const slices = dataSlices(full);
    expect(slices.length).toBeGreaterThanOrEqual(3);
    for (const g of [0, 1, 2]) expect(slices.some(([s]) => s === chunkStart(g))).toBe(true);
    for (const [s, e] of full.slices) expect(e - s).toBeLessThan(TINY.byteLength / 2);
  });

  it('stops at a row limit that spans row groups', async () => {
    const docs = await collect(importParquet(tinyBuffer(), { column: 'text', limit: 250 }));
    expect(docs.length).toBe(250);
    expect(docs.map((d) => d.text)).toEqual(expectedTexts.slice(0, 250));
    expect(docs.at(-1)!.row).toBe(249);
  });

  it('numbers rows on across several files and skips null or blank values', async () => {
    const withNulls = parquetWriteBuffer({
      columnData: [{ name: 'text', data: ['first', null, '  ', 'fourth'], type: 'STRING' }],
    });
    const stream = importParquet([withNulls, async () => withNulls], { column: 'text' });
    const docs = await collect(stream);
    expect(docs).toEqual([
      { text: 'first', row: 0 },
      { text: 'fourth', row: 3 },
      { text: 'first', row: 4 },
      { text: 'fourth', row: 7 },
    ]);
    expect(stream.stats()).toMatchObject({ rows: 4, empty: 4 });
  });

  it('rejects a missing column and a column that is not text, naming the text columns', async () => {
    const missing = await failure(collect(importParquet(tinyBuffer(), { column: 'body' })));
    expect(missing.code).toBe('missing-field');
    expect(missing.details.available).toEqual(['id', 'text']);
    const notText = await failure(collect(importParquet(tinyBuffer(), { column: 'id' })));
    expect(notText.code).toBe('missing-field');
    expect(notText.message).toMatch(/"id" holds INT32 values, not text\. Text columns: "text"/);
  });

  it('rejects truncated, empty and non-parquet files', async () => {
    for (const cut of [TINY.byteLength - 1, Math.floor(TINY.byteLength / 2), 10]) {
      const e = await failure(collect(importParquet(TINY.slice(0, cut).buffer, { column: 'text' })));
      expect(e.code).toBe('truncated');
      expect(e.message).toMatch(/incomplete/);
    }
    expect((await failure(collect(importParquet(new ArrayBuffer(0), { column: 'text' })))).code).toBe('empty');
    const text = new TextEncoder().encode('id,text\n1,hello\n');
    expect((await failure(collect(importParquet(text.buffer, { column: 'text' })))).code).toBe('not-parquet');
  });
});

describe('HTTP range buffer and the Hub', () => {
  let server: Server;
  let endpoint = '';
  const log: { method: string; url: string; range?: string }[] = [];
  const REPO = 'mistudio/tiny-text';
  const RESOLVE = `/datasets/${REPO}/resolve/refs%2Fconvert%2Fparquet/default/train`;

  function sendFile(req: IncomingMessage, res: import('node:http').ServerResponse, bytes: Uint8Array, honourRange: boolean): void {
    const range = req.headers.range?.match(/^bytes=(\d+)-(\d+)$/);
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': bytes.byteLength, 'accept-ranges': 'bytes' }).end();
    } else if (range && honourRange) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), bytes.byteLength - 1);
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${bytes.byteLength}`, 'content-length': end - start + 1 }).end(bytes.subarray(start, end + 1));
    } else {
      res.writeHead(200, { 'content-length': bytes.byteLength }).end(bytes);
    }
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      log.push({ method: req.method ?? '', url, range: req.headers.range });
      const shard = url.match(/^\/api\/datasets\/mistudio\/tiny-text\/parquet\/default\/train\/(\d+)\.parquet$/);
      if (url === `/api/datasets/${REPO}/parquet`) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ default: { train: [`${endpoint}/api/datasets/${REPO}/parquet/default/train/0.parquet`] } }));
      } else if (url === `/api/datasets/${REPO}/parquet/default/train`) {
        const urls = [0, 1].map((n) => `${endpoint}/api/datasets/${REPO}/parquet/default/train/${n}.parquet`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(urls));
      } else if (shard) {
        res.writeHead(302, { location: `${RESOLVE}/${shard[1]!.padStart(4, '0')}.parquet` }).end();
      } else if (url.startsWith(`${RESOLVE}/`)) {
        sendFile(req, res, TINY, true);
      } else if (url === '/no-head.parquet') {
        if (req.method === 'HEAD') res.writeHead(405).end();
        else sendFile(req, res, TINY, true);
      } else if (url === '/no-range.parquet') {
        sendFile(req, res, TINY, false);
      } else if (url.startsWith('/api/datasets/owner/gated/')) {
        res.writeHead(401).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });

  it('builds Hub URLs and validates repository names', () => {
    expect(hubResolveUrl('owner/data', 'data/train 1.parquet', { revision: 'refs/convert/parquet' })).toBe(
      'https://huggingface.co/datasets/owner/data/resolve/refs%2Fconvert%2Fparquet/data/train%201.parquet',
    );
    expect(hubParquetListUrl('owner/data', { config: 'default', split: 'train', endpoint: 'http://x/' })).toBe('http://x/api/datasets/owner/data/parquet/default/train');
    expect(validateHubRepo(' roneneldan/TinyStories ')).toBe('roneneldan/TinyStories');
    for (const bad of ['', 'a/b/c', 'bad repo', '../x', 'a/..']) expect(() => validateHubRepo(bad)).toThrow(DatasetImportError);
  });

  it('reads a file over range requests: size from HEAD, then only the ranges asked for', async () => {
    const file = await httpRangeBuffer(`${endpoint}${RESOLVE}/0000.parquet`);
    expect(file.byteLength).toBe(TINY.byteLength);
    expect(new Uint8Array(await file.slice(100, 164))).toEqual(TINY.subarray(100, 164));
    expect(new Uint8Array(await file.slice(TINY.byteLength - 8))).toEqual(TINY.subarray(TINY.byteLength - 8));
    expect(file.requests).toBe(2);
    expect(file.bytesFetched).toBe(72);
    expect((await file.slice(5, 5)).byteLength).toBe(0);
  });

  it('finds the size with a one-byte range GET when HEAD is refused', async () => {
    const file = await httpRangeBuffer(`${endpoint}/no-head.parquet`);
    expect(file.byteLength).toBe(TINY.byteLength);
  });

  it('lists subsets, splits and files, and streams the split through the redirects', async () => {
    expect(await listHubParquetSplits(REPO, { endpoint })).toEqual({ default: { train: [`${endpoint}/api/datasets/${REPO}/parquet/default/train/0.parquet`] } });
    const urls = await listHubParquetFiles(REPO, 'default', 'train', { endpoint });
    expect(urls).toHaveLength(2);
    log.length = 0;
    const stream = importHubParquet(urls, { column: 'text', limit: 700, footerFetchBytes: 2048, token: 'secret' });
    const docs = await collect(stream);
    expect(docs.map((d) => d.text)).toEqual([...expectedTexts, ...expectedTexts.slice(0, 100)]);
    expect(docs.at(-1)!.row).toBe(699);
    const gets = log.filter((r) => r.method === 'GET' && r.url.startsWith(RESOLVE));
    expect(gets.length).toBeGreaterThan(3);
    for (const r of gets) expect(r.range).toMatch(/^bytes=\d+-\d+$/);
    expect(stream.stats().bytes).toBeLessThan(2 * TINY.byteLength);
  });

  it('turns HTTP failures into typed errors', async () => {
    expect((await failure(listHubParquetFiles('owner/gated', 'default', 'train', { endpoint }))).code).toBe('auth');
    expect((await failure(listHubParquetFiles('owner/missing', 'default', 'train', { endpoint }))).code).toBe('not-found');
    expect((await failure(httpRangeBuffer(`${endpoint}/missing.parquet`))).code).toBe('not-found');
    const noRange = await httpRangeBuffer(`${endpoint}/no-range.parquet`);
    const e = await failure(Promise.resolve(noRange.slice(10, 20)));
    expect(e.code).toBe('range-unsupported');
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    expect((await failure(listHubParquetFiles(REPO, 'default', 'train', { endpoint: `http://127.0.0.1:${deadPort}` }))).code).toBe('network');
  });
});
