// The 'import-dataset' job over a real (fake-indexeddb) database and BlobStore: each local format, bad
// input, limits, pause/resume, cancel, delete, and the wiring through the IO lane's runner.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportSpec } from '../../../src/data/importers';
import { runImportDataset, type ImportCheckpoint } from '../../../src/jobs/handlers/importDataset';
import { ioHandlers } from '../../../src/jobs/ioLane';
import { dexieRunnerStore } from '../../../src/jobs/jobStore';
import { runJob } from '../../../src/jobs/runner';
import { useDatabase } from '../../../src/store/db';
import { datasetRepo } from '../../../src/store/repos/datasets';
import { getJob, setStatus } from '../../../src/store/repos/jobs';
import { cancelJob } from '../../../src/services/jobs';
import { deleteDataset, importAgain, importLocalDataset, readDocumentPage, searchDocuments } from '../../../src/services/datasets/datasets';
import { documentsPrefix } from '../../../src/services/datasets/keys';
import { claimIo, failure, fakeContext, FIXTURES, fixtureFile, textFile, useStores } from './kit';

const TXT_LINES = readFileSync(resolve(FIXTURES, 'datasets/tiny.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');

describe('import-dataset job', () => {
  const { blobs } = useStores();

  async function importNow(file: File, spec: ImportSpec, extra: { partDocuments?: number } = {}) {
    const { dataset } = await importLocalDataset({ file, fileName: file.name, spec }, { blobs: blobs() });
    const job = await claimIo();
    const run = fakeContext(job);
    const deps = { blobs: blobs(), progressIntervalMs: 0, ...(extra.partDocuments ? { partLimits: { maxDocuments: extra.partDocuments } } : {}) };
    const outcome = await runImportDataset(run.ctx, deps).catch((e: unknown) => e);
    return { datasetId: dataset.id, outcome, run, job, deps };
  }

  it('imports a .txt file line by line, stores parts and statistics, and drops the staged copy', async () => {
    const { datasetId, outcome, run } = await importNow(fixtureFile('datasets/tiny.txt'), { format: 'txt' }, { partDocuments: 64 });
    expect(outcome).toEqual({ status: 'completed', message: expect.stringMatching(/^Imported 200 documents/) });
    const d = (await datasetRepo.get(datasetId))!;
    expect(d).toMatchObject({ status: 'ready', rows: TXT_LINES.length, chars: TXT_LINES.join('').length });
    expect(d.parts!.map((p) => p.documents)).toEqual([64, 64, 64, 8]);
    expect(d.stats).toMatchObject({ empty: 0, malformed: 0, minChars: Math.min(...TXT_LINES.map((l) => l.length)), sourceBytes: 6988 });
    expect(d.stats!.lengthHistogram.counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(d.bytes).toBe(d.parts!.reduce((s, p) => s + p.bytes, 0));
    expect(await blobs().list('uploads/')).toEqual([]);
    expect(await blobs().list(documentsPrefix(datasetId))).toHaveLength(4);
    const page = await readDocumentPage(d, 6, 10, blobs());
    expect(page.total).toBe(200);
    expect(page.documents.map((x) => x.text)).toEqual(TXT_LINES.slice(60, 70));
    expect(page.documents[0]).toMatchObject({ index: 60, origin: 61 });
    // progress went by bytes of the file
    expect(run.progress.at(-1)).toMatchObject({ done: 6988, total: 6988 });
  });

  it('splits a .txt file by blank-line paragraphs', async () => {
    const text = 'First paragraph\nstill first.\n\n\nSecond one.\n\nThird\nhas\nthree lines.\n';
    const { datasetId } = await importNow(textFile('notes.txt', text), { format: 'txt', split: 'paragraph' });
    const d = (await datasetRepo.get(datasetId))!;
    expect(d.importOptions).toEqual({ txtSplit: 'paragraph' });
    const page = await readDocumentPage(d, 0, 10, blobs());
    expect(page.documents.map((x) => [x.text, x.origin])).toEqual([
      ['First paragraph\nstill first.', 1],
      ['Second one.', 5],
      ['Third\nhas\nthree lines.', 7],
    ]);
  });

  it('imports JSONL by field, CSV by column and parquet by column', async () => {
    const jsonl = await importNow(fixtureFile('datasets/tiny.jsonl'), { format: 'jsonl', field: 'text' });
    const csv = await importNow(fixtureFile('datasets/tiny.csv'), { format: 'csv', column: 'text' });
    const parquet = await importNow(fixtureFile('datasets/tiny.parquet'), { format: 'parquet', column: 'text' });
    const [j, c, p] = await Promise.all([jsonl, csv, parquet].map((r) => datasetRepo.get(r.datasetId)));
    expect(j).toMatchObject({ status: 'ready', rows: 200, source: { kind: 'local', format: 'jsonl', field: 'text' } });
    expect(c).toMatchObject({ status: 'ready', rows: 200, source: { kind: 'local', format: 'csv', field: 'text' } });
    expect(p).toMatchObject({ status: 'ready', rows: 600 });
    // the same sentences, whatever the container
    const first = async (id: string) => (await readDocumentPage((await datasetRepo.get(id))!, 0, 3, blobs())).documents.map((x) => x.text);
    expect(await first(jsonl.datasetId)).toEqual(TXT_LINES.slice(0, 3));
    expect(await first(csv.datasetId)).toEqual(TXT_LINES.slice(0, 3));
    // parquet progress goes by rows; origins are rows
    expect(parquet.run.progress.at(-1)).toMatchObject({ done: 600, total: 600 });
    const rows = (await readDocumentPage(p!, 0, 2, blobs())).documents;
    expect(rows.map((x) => x.origin)).toEqual([0, 1]);
  });

  it('skips malformed JSONL lines and reports them with their line numbers', async () => {
    const text = ['{"text":"one"}', '{"text": broken', '{"text":"three"}', 'not json', '{"other":"x"}', '{"text":"six"}'].join('\n');
    const { datasetId, outcome } = await importNow(textFile('mixed.jsonl', text), { format: 'jsonl', field: 'text', onMalformed: 'skip' });
    expect(outcome).toMatchObject({ status: 'completed', message: expect.stringMatching(/3 malformed records left out/) });
    const d = (await datasetRepo.get(datasetId))!;
    expect(d.rows).toBe(3);
    expect(d.stats!.malformed).toBe(3);
    expect(d.issues!.map((i) => i.line)).toEqual([2, 4, 5]);
    expect(d.issues![2]!.message).toMatch(/no field "text"/);
  });

  it('stops at the first malformed line when asked, keeps the upload, and imports again skipping', async () => {
    const text = ['{"text":"one"}', '{"text":"two"}', '{"text": oops}', '{"text":"four"}'].join('\n');
    const { datasetId, outcome, job } = await importNow(textFile('stop.jsonl', text), { format: 'jsonl', field: 'text', onMalformed: 'stop' });
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/^Line 3: /);
    const failed = (await datasetRepo.get(datasetId))!;
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Line 3: /), errorAction: expect.stringMatching(/skip malformed lines/) });
    expect(await blobs().list('uploads/')).toHaveLength(1);
    await setStatus(job.id, 'failed', { error: { message: (outcome as Error).message } }); // as the runner records it

    await importAgain(datasetId, { onMalformed: 'skip' }, blobs());
    const again = await claimIo();
    expect((again.params as { source: { spec: ImportSpec } }).source.spec).toMatchObject({ onMalformed: 'skip' });
    await runImportDataset(fakeContext(again).ctx, { blobs: blobs(), progressIntervalMs: 0 });
    expect(await datasetRepo.get(datasetId)).toMatchObject({ status: 'ready', rows: 3, importOptions: { onMalformed: 'skip' } });
  });

  it('names the missing column and the ones that exist', async () => {
    const { datasetId, outcome } = await importNow(fixtureFile('datasets/tiny.csv'), { format: 'csv', column: 'body' });
    expect((outcome as Error).message).toBe('The column "body" was not found. Available columns: "id", "text", "topic".');
    expect(await datasetRepo.get(datasetId)).toMatchObject({ status: 'failed', errorAction: 'Choose one of the columns that holds the text.' });
    const parquet = await importNow(fixtureFile('datasets/tiny.parquet'), { format: 'parquet', column: 'id' });
    expect((parquet.outcome as Error).message).toMatch(/holds INT32 values, not text/);
  });

  it('fails clearly on non-UTF-8 text, binary files and empty files, without touching other datasets', async () => {
    const good = await importNow(fixtureFile('datasets/tiny.txt'), { format: 'txt' });
    const latin1 = new Uint8Array([...new TextEncoder().encode('fine line\n'.repeat(20_000)), 0x43, 0x61, 0x66, 0xe9, 0x0a]);
    const bad = await importNow(textFile('latin1.txt', latin1), { format: 'txt' });
    expect((bad.outcome as Error).message).toMatch(/not UTF-8 text: invalid bytes near byte/);
    expect(await datasetRepo.get(bad.datasetId)).toMatchObject({ status: 'failed', errorAction: expect.stringMatching(/Save the file as UTF-8/) });
    const binary = await importNow(textFile('data.txt', new Uint8Array([0x68, 0x69, 0x00, 0x01, 0x02])), { format: 'txt' });
    expect((binary.outcome as Error).message).toMatch(/binary file/);
    const empty = await failure(importLocalDataset({ file: textFile('empty.txt', ''), fileName: 'empty.txt', spec: { format: 'txt' } }, { blobs: blobs() }));
    expect(empty.message).toBe('The file is empty.');
    // the earlier import is intact
    const intact = (await datasetRepo.get(good.datasetId))!;
    expect(intact.status).toBe('ready');
    expect((await readDocumentPage(intact, 0, 200, blobs())).documents).toHaveLength(200);
  });

  it('records a local dataset only once its file is copied: an aborted copy leaves nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('The page closed.'));
    const error = await failure(importLocalDataset({ file: fixtureFile('datasets/tiny.txt'), fileName: 'tiny.txt', spec: { format: 'txt' } }, { blobs: blobs(), signal: controller.signal }));
    expect(error.message).toBe('The page closed.');
    expect(await datasetRepo.all()).toEqual([]);
    expect(await blobs().list()).toEqual([]);
  });

  it('honours a row limit', async () => {
    const { datasetId } = await importNow(fixtureFile('datasets/tiny.jsonl'), { format: 'jsonl', field: 'text', limit: 25 });
    expect(await datasetRepo.get(datasetId)).toMatchObject({ status: 'ready', rows: 25, importOptions: { limit: 25 } });
  });

  it('pauses after a stored part and resumes to the same documents and statistics', async () => {
    const reference = await importNow(fixtureFile('datasets/tiny.csv'), { format: 'csv', column: 'text' }, { partDocuments: 30 });
    const expected = (await datasetRepo.get(reference.datasetId))!;

    const { dataset } = await importLocalDataset({ file: fixtureFile('datasets/tiny.csv'), fileName: 'tiny.csv', spec: { format: 'csv', column: 'text' } }, { blobs: blobs() });
    const job = await claimIo();
    const deps = { blobs: blobs(), progressIntervalMs: 0, partLimits: { maxDocuments: 30 } };
    const first = fakeContext(job, { stop: { after: 75, request: 'pause' } });
    expect(await runImportDataset(first.ctx, deps)).toEqual({ status: 'stopped' });
    const saved = first.checkpoint() as ImportCheckpoint;
    // the partial part was flushed on pause (shouldStop is asked once before the first document)
    expect(saved.parts.map((p) => p.documents)).toEqual([30, 30, 13]);
    expect(saved.nextRow).toBe(73);
    expect((await datasetRepo.get(dataset.id))!.status).toBe('running');

    const second = fakeContext(job, { checkpoint: saved });
    expect(await runImportDataset(second.ctx, deps)).toMatchObject({ status: 'completed' });
    expect(second.progress.some((p) => p.phase === 'resuming')).toBe(true);
    const resumed = (await datasetRepo.get(dataset.id))!;
    expect(resumed).toMatchObject({ status: 'ready', rows: expected.rows, chars: expected.chars, stats: expected.stats });
    const all = async (d: typeof expected) => (await readDocumentPage(d, 0, 1000, blobs())).documents.map((x) => [x.text, x.origin]);
    expect(await all(resumed)).toEqual(await all(expected));
  });

  it('cancel removes the partial documents and keeps the upload for "import again"', async () => {
    const { dataset } = await importLocalDataset({ file: fixtureFile('datasets/tiny.txt'), fileName: 'tiny.txt', spec: { format: 'txt' } }, { blobs: blobs() });
    const job = await claimIo();
    const deps = { blobs: blobs(), progressIntervalMs: 0, partLimits: { maxDocuments: 20 } };
    const run = fakeContext(job, { stop: { after: 50, request: 'cancel' } });
    expect(await runImportDataset(run.ctx, deps)).toEqual({ status: 'stopped' });
    await cancelJob(job.id); // what the user did
    expect(await datasetRepo.get(dataset.id)).toMatchObject({ status: 'failed', error: 'The import was cancelled.' });
    expect(await blobs().list(documentsPrefix(dataset.id))).toEqual([]);
    expect(await blobs().list('uploads/')).toHaveLength(1);

    await importAgain(dataset.id, {}, blobs());
    await runImportDataset(fakeContext(await claimIo()).ctx, deps);
    expect(await datasetRepo.get(dataset.id)).toMatchObject({ status: 'ready', rows: 200 });
  });

  it('a dataset deleted during its import stops the job and leaves no blobs', async () => {
    const { dataset } = await importLocalDataset({ file: fixtureFile('datasets/tiny.txt'), fileName: 'tiny.txt', spec: { format: 'txt' } }, { blobs: blobs() });
    const job = await claimIo();
    const run = fakeContext(job);
    // delete while the first part is being written
    const store = blobs();
    const write = store.write.bind(store);
    let deleted = false;
    store.write = async (key, source, options) => {
      if (!deleted && key.startsWith('datasets/')) {
        deleted = true;
        await deleteDataset(dataset.id, store);
      }
      return write(key, source, options);
    };
    expect(await runImportDataset(run.ctx, { blobs: store, progressIntervalMs: 0, partLimits: { maxDocuments: 20 } })).toEqual({ status: 'stopped' });
    expect(await datasetRepo.get(dataset.id)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect((await getJob(job.id))!.status).toBe('cancelled');
  });

  it('delete removes the documents and the staged copy', async () => {
    const { datasetId } = await importNow(fixtureFile('datasets/tiny.txt'), { format: 'txt' });
    await deleteDataset(datasetId, blobs());
    expect(await datasetRepo.get(datasetId)).toBeUndefined();
    expect(await blobs().list()).toEqual([]);
  });

  it('searches documents case-insensitively, part by part, saying where to continue', async () => {
    const { datasetId } = await importNow(fixtureFile('datasets/tiny.txt'), { format: 'txt' }, { partDocuments: 50 });
    const d = (await datasetRepo.get(datasetId))!;
    const expected = TXT_LINES.map((t, i) => [t, i] as const).filter(([t]) => t.toLowerCase().includes('rabbit'));
    const all = await searchDocuments(d, 'RABBIT', { blobs: blobs() });
    expect(all.matches.map((m) => m.index)).toEqual(expected.map(([, i]) => i));
    expect(all.nextPart).toBeNull();
    const first = await searchDocuments(d, 'rabbit', { blobs: blobs(), maxResults: 1 });
    expect(first.nextPart).toBe(1);
    expect(first.partsSearched).toBe(1);
    const rest = await searchDocuments(d, 'rabbit', { blobs: blobs(), fromPart: first.nextPart! });
    expect([...first.matches, ...rest.matches].map((m) => m.index)).toEqual(expected.map(([, i]) => i));
  });

  it('runs through the IO lane: queued, claimed, run by the registered handler, completed', async () => {
    // the registered handler opens the page's BlobStore (chunked IndexedDB in Node): stage into that one
    const { openBlobStore } = await import('../../../src/store/open-blob-store');
    const store = await openBlobStore();
    const { dataset, job } = await importLocalDataset({ file: fixtureFile('datasets/tiny.jsonl'), fileName: 'tiny.jsonl', spec: { format: 'jsonl', field: 'text' } }, { blobs: store });
    await claimIo();
    expect(await runJob(job.id, { store: dexieRunnerStore, handlers: ioHandlers(), env: {} })).toBe('completed');
    expect(await getJob(job.id)).toMatchObject({ status: 'completed', progress: { message: expect.stringMatching(/^Imported 200 documents/) } });
    expect(await datasetRepo.get(dataset.id)).toMatchObject({ status: 'ready', rows: 200 });
    await deleteDataset(dataset.id, store);
    useDatabase(undefined);
  });
});
