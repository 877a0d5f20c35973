import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHubServer, type HubServer } from '../../../scripts/hub-server.mjs';
import { HubError } from '../../../src/lm/hub';
import { parseDownloadModelParams, partsFolder, runModelDownload, type DownloadModelParams } from '../../../src/jobs/handlers/downloadModel';
import { readModelAnalysis } from '../../../src/services/models/model-files';
import { modelRepo } from '../../../src/store/repos/models';
import { fakeContext, HUB_ROOT, tinyFile, useFreshStores } from './helpers';

const REPO = 'mistudio/tiny-gpt2';
const FILES: DownloadModelParams['files'] = [
  { path: 'onnx/model.onnx', role: 'model', size: tinyFile('model.onnx').length },
  { path: 'config.json', role: 'config' },
  { path: 'tokenizer.json', role: 'tokenizer' },
  { path: 'tokenizer_config.json', role: 'tokenizer-config' },
];

let hub: HubServer;
let flaky: HubServer;
let gated: HubServer;
beforeAll(async () => {
  hub = await startHubServer({ root: HUB_ROOT });
  flaky = await startHubServer({ root: HUB_ROOT, interruptAfterBytes: 50_000 });
  gated = await startHubServer({ root: HUB_ROOT, token: 'secret' });
});
afterAll(async () => {
  await Promise.all([hub.close(), flaky.close(), gated.close()]);
});

const stores = useFreshStores();
const noWait = async () => {};

async function newModel(): Promise<string> {
  const model = await modelRepo.create({ name: REPO, source: { kind: 'hub', repo: REPO, revision: 'main', file: 'onnx/model.onnx' }, status: 'pending', files: [] });
  return model.id;
}

function params(modelId: string, endpoint: string, extra: Partial<DownloadModelParams> = {}): DownloadModelParams {
  return { modelId, endpoint, repo: REPO, revision: 'main', files: FILES, ...extra };
}

async function storedBytes(key: string): Promise<Uint8Array> {
  return new Uint8Array(await (await stores.blobs().read(key)).arrayBuffer());
}

describe('download-model', { timeout: 30_000 }, () => {
  test('stores every file, analyses the graph and marks the model ready', async () => {
    const modelId = await newModel();
    const ctx = fakeContext('download-model', params(modelId, hub.url), {});
    const outcome = await runModelDownload(ctx, { blobs: stores.blobs(), wait: noWait, reportEveryMs: 0 });
    expect(outcome.status).toBe('completed');

    const model = await modelRepo.require(modelId);
    expect(model.status).toBe('ready');
    expect(model.files.map((f) => f.role).sort()).toEqual(['analysis', 'config', 'model', 'tokenizer', 'tokenizer-config']);
    const graph = model.files.find((f) => f.role === 'model')!;
    expect(await storedBytes(graph.blobKey)).toEqual(tinyFile('model.onnx'));
    expect(model.info).toMatchObject({ family: 'gpt2', layers: 2, dModel: 32, heads: 2, vocab: 300, contextLength: 64, dtype: 'fp32' });
    expect(model.info?.params).toBeGreaterThan(0);

    const analysis = await readModelAnalysis(model, stores.blobs());
    expect(analysis?.hooks.ok).toBe(true);
    if (analysis?.hooks.ok) expect(analysis.hooks.points.map((p) => p.name)).toContain('blocks.1.hook_resid_post');

    // progress counts bytes against the announced total, ending at the total
    const last = ctx.progress.filter((p) => p.phase === 'downloading').at(-1)!;
    expect(last.done).toBe(last.total);
    expect(last.total).toBeGreaterThanOrEqual(tinyFile('model.onnx').length);
    // the parts are gone once each file is joined
    expect(await stores.blobs().list(`${partsFolder(modelId, 0)}/`)).toEqual([]);
  });

  test('a dropped connection continues from the stored bytes (Range) and the file is intact', async () => {
    const modelId = await newModel();
    const ctx = fakeContext('download-model', params(modelId, flaky.url), {});
    let requests = 0;
    const countingFetch: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    await runModelDownload(ctx, { blobs: stores.blobs(), wait: noWait, fetch: countingFetch, reportEveryMs: 0 });
    const model = await modelRepo.require(modelId);
    expect(model.status).toBe('ready');
    expect(await storedBytes(model.files.find((f) => f.role === 'model')!.blobKey)).toEqual(tinyFile('model.onnx'));
    // 140 kB cut every 50 kB: several requests for the graph alone
    expect(requests).toBeGreaterThanOrEqual(3 + FILES.length - 1);
    // the ETag is remembered for If-Range on the next run
    expect(ctx.checkpoints.length).toBeGreaterThan(0);
  });

  test('a pause keeps the stored part; the next run continues after it and completes', async () => {
    const modelId = await newModel();
    const first = fakeContext('download-model', params(modelId, flaky.url), {});
    // pause as soon as the first attempt has dropped (its bytes are committed as a part)
    let attempts = 0;
    const pausingFetch: typeof fetch = (input, init) => {
      if (String(input).includes('/resolve/') && ++attempts === 2) first.requestStop('pause');
      return fetch(input, init);
    };
    const paused = await runModelDownload(first, { blobs: stores.blobs(), wait: noWait, fetch: pausingFetch, reportEveryMs: 0 });
    expect(paused.status).toBe('stopped');
    const parts = await stores.blobs().list(`${partsFolder(modelId, 0)}/`);
    expect(parts.length).toBeGreaterThan(0);
    const kept = first.progress.at(-1)!.done;
    expect(kept).toBeGreaterThan(0);

    const second = fakeContext('download-model', params(modelId, hub.url), {}, first.checkpoints.at(-1));
    const ranges: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      const range = new Headers(init?.headers).get('Range');
      if (range) ranges.push(range);
      return fetch(input, init);
    };
    await runModelDownload(second, { blobs: stores.blobs(), wait: noWait, fetch: recordingFetch, reportEveryMs: 0 });
    expect(ranges[0]).toBe(`bytes=${kept}-`);
    const model = await modelRepo.require(modelId);
    expect(model.status).toBe('ready');
    expect(await storedBytes(model.files.find((f) => f.role === 'model')!.blobKey)).toEqual(tinyFile('model.onnx'));
  });

  test('cancel removes the partial files and the model row', async () => {
    const modelId = await newModel();
    const ctx = fakeContext('download-model', params(modelId, flaky.url), {});
    let attempts = 0;
    const cancellingFetch: typeof fetch = (input, init) => {
      if (String(input).includes('/resolve/') && ++attempts === 2) ctx.requestStop('cancel');
      return fetch(input, init);
    };
    const outcome = await runModelDownload(ctx, { blobs: stores.blobs(), wait: noWait, fetch: cancellingFetch });
    expect(outcome.status).toBe('stopped');
    expect(await modelRepo.get(modelId)).toBeUndefined();
    expect(await stores.blobs().list(`models/${modelId}/`)).toEqual([]);
  });

  test('a gated repository needs the token; with it the download works', async () => {
    const modelId = await newModel();
    const refused = runModelDownload(fakeContext('download-model', params(modelId, gated.url), {}), { blobs: stores.blobs(), wait: noWait });
    await expect(refused).rejects.toThrow(HubError);
    await expect(refused).rejects.toThrow(/add a Hub access token/);
    expect((await modelRepo.require(modelId)).status).toBe('failed');

    await runModelDownload(fakeContext('download-model', params(modelId, gated.url, { token: 'secret' }), {}), { blobs: stores.blobs(), wait: noWait });
    expect((await modelRepo.require(modelId)).status).toBe('ready');
  });

  test('job parameters are checked', () => {
    expect(() => parseDownloadModelParams({ modelId: 'x' })).toThrow(/missing what to download/);
    expect(() => parseDownloadModelParams({ modelId: 'x', endpoint: 'e', repo: 'a/b', revision: 'main', files: [{ path: 'config.json', role: 'config' }] })).toThrow();
  });
});
