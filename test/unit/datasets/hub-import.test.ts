// Hub imports against the local Hub server (scripts/hub-server.mjs) serving mistudio/tiny-parquet: the
// parquet listing, range requests, several shards, a row limit, and resuming inside a shard.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../../scripts/hub-server.mjs';
import { runImportDataset, type ImportCheckpoint } from '../../../src/jobs/handlers/importDataset';
import { datasetRepo } from '../../../src/store/repos/datasets';
import { importHubDataset, readDocumentPage } from '../../../src/services/datasets/datasets';
import { inspectHubSplit, lookupHubDataset, normalizeEndpoint } from '../../../src/services/datasets/hub';
import { buildHubParquetFixture, HUB_PARQUET_DIR, HUB_PARQUET_REPO, hubParquetRows, writeHubParquetFixture } from './hub-parquet-fixture';
import { claimIo, failure, fakeContext, useStores } from './kit';

const ROWS = hubParquetRows();

describe('Hub dataset imports', () => {
  const { blobs } = useStores();
  let hub: HubServer;
  const requests: { url: string; range: string | null }[] = [];
  const loggingFetch = (input: string, init?: RequestInit) => {
    requests.push({ url: input, range: new Headers(init?.headers).get('range') });
    return fetch(input, init);
  };

  beforeAll(async () => {
    hub = await startHubServer();
  });
  afterAll(async () => {
    await hub.close();
  });

  it('serves the committed shards, which match their generator', () => {
    if (process.env['UPDATE_FIXTURES']) writeHubParquetFixture();
    for (const [path, bytes] of buildHubParquetFixture()) expect(new Uint8Array(readFileSync(resolve(HUB_PARQUET_DIR, path)))).toEqual(bytes);
  });

  it('looks up subsets, splits and the columns of a split, suggesting the text column', async () => {
    const lookup = await lookupHubDataset(` ${HUB_PARQUET_REPO} `, { endpoint: `${hub.url}/` });
    expect(lookup.repo).toBe(HUB_PARQUET_REPO);
    expect(lookup.subsets.map((s) => [s.name, s.splits.map((x) => [x.name, x.files.length])])).toEqual([
      [
        'default',
        [
          ['test', 1],
          ['train', 2],
        ],
      ],
    ]);
    const train = lookup.subsets[0]!.splits.find((s) => s.name === 'train')!;
    const sniff = await inspectHubSplit(train.files);
    expect(sniff.columns.map((c) => [c.name, c.isText])).toEqual([
      ['id', false],
      ['text', true],
      ['topic', true],
    ]);
    expect(sniff.suggested).toBe('text');
    expect(sniff.rows).toBe(200);
    expect(sniff.fields.find((f) => f.name === 'text')!.sample).toBe(ROWS[0]!.text.slice(0, 120));
  });

  it('says clearly when a dataset or the endpoint is wrong', async () => {
    expect((await failure(lookupHubDataset('mistudio/nothing-here', { endpoint: hub.url }))).message).toMatch(/HTTP 404/);
    expect((await failure(lookupHubDataset('not a repo', { endpoint: hub.url }))).message).toMatch(/is not a Hub dataset name/);
    expect(() => normalizeEndpoint('ftp://example.org')).toThrow(/not an http\(s\) address/);
    expect(normalizeEndpoint('http://127.0.0.1:5183//')).toBe('http://127.0.0.1:5183');
  });

  async function runHub(limit?: number, stop?: { after: number; request: 'pause' | 'cancel' }, checkpoint?: unknown) {
    const job = await claimIo();
    const run = fakeContext(job, { ...(stop ? { stop } : {}), ...(checkpoint ? { checkpoint } : {}) });
    const outcome = await runImportDataset(run.ctx, { blobs: blobs(), fetch: loggingFetch, progressIntervalMs: 0, partLimits: { maxDocuments: 50 } }).catch((e: unknown) => e);
    return { outcome, run, job, limit };
  }

  it('imports every shard of a split over range requests, counting rows first for progress', async () => {
    const { dataset } = await importHubDataset({ repo: HUB_PARQUET_REPO, config: 'default', split: 'train', column: 'text', endpoint: hub.url });
    expect(dataset.name).toBe(`${HUB_PARQUET_REPO} · train`);
    requests.length = 0;
    const { outcome, run } = await runHub();
    expect(outcome).toMatchObject({ status: 'completed', message: expect.stringMatching(/^Imported 400 documents/) });
    const d = (await datasetRepo.get(dataset.id))!;
    expect(d).toMatchObject({ status: 'ready', rows: 400, source: { kind: 'hub', repo: HUB_PARQUET_REPO, config: 'default', split: 'train', column: 'text' } });
    expect(d.parts!.map((p) => [p.file, p.documents])).toEqual([
      [0, 50],
      [0, 50],
      [0, 50],
      [0, 50],
      [1, 50],
      [1, 50],
      [1, 50],
      [1, 50],
    ]);
    const page = await readDocumentPage(d, 19, 21, blobs());
    expect(page.documents.map((x) => x.text)).toEqual(ROWS.slice(399, 400).map((r) => r.text));
    expect(page.documents[0]!.origin).toBe(199); // row within its shard
    expect(run.progress.some((p) => p.phase === 'counting rows')).toBe(true);
    expect(run.progress.at(-1)).toMatchObject({ done: 400, total: 400 });
    // file bytes only ever came as ranges
    const fileGets = requests.filter((r) => r.url.includes('.parquet'));
    expect(fileGets.length).toBeGreaterThan(0);
    expect(fileGets.filter((r) => r.range === null).length).toBeLessThanOrEqual(4); // HEADs for sizes
  });

  it('stops at a row limit across shards', async () => {
    const { dataset } = await importHubDataset({ repo: HUB_PARQUET_REPO, config: 'default', split: 'train', column: 'topic', limit: 230, endpoint: hub.url, name: 'Topics' });
    const { run } = await runHub(230);
    const d = (await datasetRepo.get(dataset.id))!;
    expect(d).toMatchObject({ name: 'Topics', status: 'ready', rows: 230, importOptions: { limit: 230 } });
    expect(run.progress.some((p) => p.phase === 'counting rows')).toBe(false);
    expect((await readDocumentPage(d, 0, 230, blobs())).documents.map((x) => x.text)).toEqual(ROWS.slice(0, 230).map((r) => r.topic));
  });

  it('resumes inside the second shard without reading the first again', async () => {
    const { dataset } = await importHubDataset({ repo: HUB_PARQUET_REPO, config: 'default', split: 'train', column: 'text', endpoint: hub.url });
    const first = await runHub(undefined, { after: 290, request: 'pause' });
    expect(first.outcome).toEqual({ status: 'stopped' });
    const saved = first.run.checkpoint() as ImportCheckpoint;
    expect(saved.file).toBe(1);
    expect(saved.storedInFile).toBeGreaterThan(0);
    requests.length = 0;
    const job = first.job;
    const run = fakeContext(job, { checkpoint: saved });
    await runImportDataset(run.ctx, { blobs: blobs(), fetch: loggingFetch, progressIntervalMs: 0, partLimits: { maxDocuments: 50 } });
    expect(requests.some((r) => r.url.includes('/train/0.parquet'))).toBe(false);
    const d = (await datasetRepo.get(dataset.id))!;
    expect(d).toMatchObject({ status: 'ready', rows: 400 });
    expect((await readDocumentPage(d, 0, 400, blobs())).documents.map((x) => x.text)).toEqual(ROWS.slice(0, 400).map((r) => r.text));
    expect(d.stats!.lengthHistogram.counts.reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('fails with the reason when a column is missing from the split', async () => {
    const { dataset } = await importHubDataset({ repo: HUB_PARQUET_REPO, config: 'default', split: 'test', column: 'body', endpoint: hub.url });
    const { outcome } = await runHub();
    expect((outcome as Error).message).toBe('The column "body" was not found. Available columns: "id", "text", "topic".');
    expect(await datasetRepo.get(dataset.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/"body" was not found/) });
  });
});
