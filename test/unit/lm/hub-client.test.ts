import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../../scripts/hub-server.mjs';
import { createHubClient, type HubClient } from '../../../src/lm/hub/hub-client';
import { HubError } from '../../../src/lm/hub/hub-error';
import { classifyOnnxFiles } from '../../../src/lm/hub/onnx-variants';
import { parseRepoRef, type RepoRef } from '../../../src/lm/hub/repo-ref';

const HUB_ROOT = resolve(import.meta.dirname, '../../fixtures/hub');
const MODEL: RepoRef = { type: 'model', id: 'mistudio/tiny-gpt2' };
const DATASET: RepoRef = { type: 'dataset', id: 'mistudio/tiny-text' };
const modelFile = (path: string) => new Uint8Array(readFileSync(resolve(HUB_ROOT, 'models/mistudio/tiny-gpt2', path)));

async function readAll(stream: ReadableStream<Uint8Array>, limit = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  if (total >= limit) await reader.cancel();
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out.subarray(0, Math.min(total, limit));
}

async function hubError(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubError) return error;
    throw error;
  }
  throw new Error('expected a HubError');
}

describe('Hub client against the local Hub server', () => {
  let hub: HubServer;
  let client: HubClient;
  beforeAll(async () => {
    hub = await startHubServer({ root: HUB_ROOT });
    client = createHubClient({ endpoint: hub.url });
  });
  afterAll(() => hub.close());

  it('reads repo info: commit sha and every file with its size', async () => {
    const info = await client.repoInfo(MODEL);
    expect(info.id).toBe('mistudio/tiny-gpt2');
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.gated).toBe(false);
    const onnx = info.files.find((f) => f.path === 'onnx/model.onnx');
    expect(onnx?.size).toBe(modelFile('onnx/model.onnx').byteLength);
    expect(onnx?.lfsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_fused_ln.onnx']),
    );
    // The commit sha works as a revision too.
    expect((await client.repoInfo(MODEL, info.sha)).sha).toBe(info.sha);
  });

  it('lists files recursively with sizes, following pagination', async () => {
    const files = await client.listFiles(MODEL);
    expect(files.find((f) => f.path === 'onnx/model_fused_ln.onnx')?.size).toBe(modelFile('onnx/model_fused_ln.onnx').byteLength);
    const paged = await startHubServer({ root: HUB_ROOT, pageSize: 2 });
    try {
      const pagedFiles = await createHubClient({ endpoint: paged.url }).listFiles(MODEL);
      expect(pagedFiles).toEqual(files);
    } finally {
      await paged.close();
    }
    expect((await client.listFiles(MODEL, { folder: 'onnx' })).map((f) => f.path)).toEqual(['onnx/model.onnx', 'onnx/model_fused_ln.onnx']);
  });

  it('classifies the ONNX files it lists', async () => {
    const files = await client.listFiles(MODEL);
    const variants = classifyOnnxFiles(files.map((f) => ({ path: f.path, size: f.size ?? 0 })));
    expect(variants.map((v) => [v.path, v.stem, v.dtype, v.dtypeSource])).toEqual([
      ['onnx/model.onnx', 'model', 'fp32', 'default'],
      ['onnx/model_fused_ln.onnx', 'model_fused_ln', 'fp32', 'default'],
    ]);
  });

  it('downloads a whole file as a stream', async () => {
    const download = await client.download(MODEL, 'onnx/model.onnx');
    expect(download.offset).toBe(0);
    const expected = modelFile('onnx/model.onnx');
    expect(download.totalSize).toBe(expected.byteLength);
    expect(download.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(await readAll(download.stream)).toEqual(expected);
  });

  it('resumes a download from the bytes already stored', async () => {
    const expected = modelFile('onnx/model.onnx');
    const first = await client.download(MODEL, 'onnx/model.onnx');
    const stored = await readAll(first.stream, 10_000);
    expect(stored.byteLength).toBe(10_000);
    const rest = await client.download(MODEL, 'onnx/model.onnx', { offset: stored.byteLength, etag: first.etag ?? '' });
    expect(rest.offset).toBe(10_000);
    expect(rest.totalSize).toBe(expected.byteLength);
    const tail = await readAll(rest.stream);
    expect(new Uint8Array([...stored, ...tail])).toEqual(expected);
  });

  it('starts over when the stored bytes belong to another version of the file (If-Range)', async () => {
    const download = await client.download(MODEL, 'config.json', { offset: 100, etag: '"an-older-version"' });
    expect(download.offset).toBe(0);
    expect(await readAll(download.stream)).toEqual(modelFile('config.json'));
  });

  it('treats a fully stored file as complete, and too many stored bytes as an error', async () => {
    const size = modelFile('config.json').byteLength;
    const done = await client.download(MODEL, 'config.json', { offset: size });
    expect(done.offset).toBe(size);
    expect((await readAll(done.stream)).byteLength).toBe(0);
    expect((await hubError(client.download(MODEL, 'config.json', { offset: size + 5 }))).kind).toBe('range-not-satisfiable');
  });

  it('reports a dropped connection as interrupted, and finishes by resuming', async () => {
    const flaky = await startHubServer({ root: HUB_ROOT, interruptAfterBytes: 50_000 });
    try {
      const flakyClient = createHubClient({ endpoint: flaky.url });
      const expected = modelFile('onnx/model.onnx');
      const stored = new Uint8Array(expected.byteLength);
      let offset = 0;
      let interruptions = 0;
      let etag: string | undefined;
      while (offset < expected.byteLength) {
        const download = await flakyClient.download(MODEL, 'onnx/model.onnx', { offset, ...(etag ? { etag } : {}) });
        etag = download.etag;
        const reader = download.stream.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            stored.set(value, offset);
            offset += value.byteLength;
          }
        } catch (error) {
          expect(error).toBeInstanceOf(HubError);
          expect((error as HubError).kind).toBe('interrupted');
          expect((error as HubError).message).toContain(`stopped at byte ${offset}`);
          interruptions++;
        }
      }
      expect(interruptions).toBe(2);
      expect(stored).toEqual(expected);
    } finally {
      await flaky.close();
    }
  });

  it('serves datasets under /datasets and /api/datasets', async () => {
    const files = await client.listFiles(DATASET);
    expect(files.map((f) => f.path)).toEqual(['tiny.csv', 'tiny.jsonl', 'tiny.txt']);
    const text = new TextDecoder().decode(await readAll((await client.download(DATASET, 'tiny.txt')).stream));
    expect(text.split('\n').length).toBe(201);
    expect((await client.repoInfo(DATASET)).files.length).toBe(3);
  });

  it('turns Hub failures into typed errors with useful messages', async () => {
    const missingRepo = await hubError(client.repoInfo({ type: 'model', id: 'mistudio/nope' }));
    expect(missingRepo.kind).toBe('repo-not-found');
    expect(missingRepo.message).toContain('mistudio/nope was not found');
    expect((await hubError(client.repoInfo(MODEL, 'v9'))).kind).toBe('revision-not-found');
    expect((await hubError(client.listFiles(MODEL, { revision: 'v9' }))).kind).toBe('revision-not-found');
    expect((await hubError(client.download(MODEL, 'onnx/model_fp16.onnx'))).kind).toBe('file-not-found');
    const closed = await startHubServer({ root: HUB_ROOT });
    const unreachable = createHubClient({ endpoint: closed.url });
    await closed.close();
    expect((await hubError(unreachable.repoInfo(MODEL))).kind).toBe('network');
  });

  it('sends the token, and explains a refusal without one', async () => {
    const gated = await startHubServer({ root: HUB_ROOT, token: 'hf_secret' });
    try {
      const refused = await hubError(createHubClient({ endpoint: gated.url }).repoInfo(MODEL));
      expect(refused.kind).toBe('unauthorized');
      expect(refused.message).toMatch(/add a Hub access token/);
      const info = await createHubClient({ endpoint: gated.url, token: 'hf_secret' }).repoInfo(MODEL);
      expect(info.gated).toBe('manual');
      const wrong = await hubError(createHubClient({ endpoint: gated.url, token: 'hf_wrong' }).listFiles(MODEL));
      expect(wrong.message).toMatch(/does not grant access/);
    } finally {
      await gated.close();
    }
  });

  it('answers with CORS and cross-origin resource policy headers a cross-origin isolated page needs', async () => {
    const url = client.resolveUrl(MODEL, 'onnx/model.onnx');
    expect(url).toBe(`${hub.url}/mistudio/tiny-gpt2/resolve/main/onnx/model.onnx`);
    const head = await fetch(url, { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(head.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(head.headers.get('Access-Control-Expose-Headers')).toMatch(/Content-Range.*Content-Length.*ETag/);
    expect(head.headers.get('Content-Range')).toBe(`bytes 0-9/${modelFile('onnx/model.onnx').byteLength}`);
    expect(head.headers.get('Content-Length')).toBe('10');
    const preflight = await fetch(url, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization.*Range/);
    const suffix = await fetch(url, { headers: { Range: 'bytes=-4' } });
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(modelFile('onnx/model.onnx').slice(-4));
  });
});

describe('classifyOnnxFiles', () => {
  it('reads precision from transformers.js file names and groups external data', () => {
    const variants = classifyOnnxFiles([
      { path: 'onnx/model.onnx', size: 100 },
      { path: 'onnx/model.onnx_data', size: 4000 },
      { path: 'onnx/model_fp16.onnx', size: 90 },
      { path: 'onnx/model_fp16.onnx_data', size: 2000 },
      { path: 'onnx/model_quantized.onnx', size: 1000 },
      { path: 'onnx/model_int8.onnx', size: 1000 },
      { path: 'onnx/model_uint8.onnx', size: 1000 },
      { path: 'onnx/model_q4.onnx', size: 600 },
      { path: 'onnx/model_q4f16.onnx', size: 500 },
      { path: 'onnx/model_bnb4.onnx', size: 600 },
      { path: 'onnx/decoder_model_merged.onnx', size: 80 },
      { path: 'onnx/decoder_model_merged.onnx.data', size: 3000 },
      { path: 'big/model.onnx', size: 10 },
      { path: 'big/model.onnx_data', size: 2 ** 31 },
      { path: 'big/model.onnx_data_1', size: 2 ** 30 },
      { path: 'config.json', size: 10 },
    ]);
    const byPath = new Map(variants.map((v) => [v.path, v]));
    expect(variants.length).toBe(10);
    expect(byPath.get('onnx/model.onnx')).toMatchObject({ dtype: 'fp32', quantized: false, totalSize: 4100, kvCache: false });
    expect(byPath.get('onnx/model.onnx')?.externalData).toEqual([{ path: 'onnx/model.onnx_data', size: 4000 }]);
    expect(byPath.get('onnx/model_fp16.onnx')).toMatchObject({ dtype: 'fp16', dtypeSource: 'name', totalSize: 2090 });
    expect(byPath.get('onnx/model_quantized.onnx')).toMatchObject({ dtype: 'q8', quantized: true });
    expect(byPath.get('onnx/model_int8.onnx')?.dtype).toBe('int8');
    expect(byPath.get('onnx/model_uint8.onnx')?.dtype).toBe('uint8');
    expect(byPath.get('onnx/model_q4.onnx')?.dtype).toBe('q4');
    expect(byPath.get('onnx/model_q4f16.onnx')?.dtype).toBe('q4f16');
    expect(byPath.get('onnx/model_bnb4.onnx')?.dtype).toBe('bnb4');
    expect(byPath.get('onnx/decoder_model_merged.onnx')).toMatchObject({ stem: 'decoder_model_merged', kvCache: true, totalSize: 3080 });
    expect(byPath.get('big/model.onnx')?.externalData.map((f) => f.path)).toEqual(['big/model.onnx_data', 'big/model.onnx_data_1']);
  });
});

describe('parseRepoRef', () => {
  it('accepts ids and pasted Hub URLs', () => {
    expect(parseRepoRef('Xenova/gpt2')).toEqual({ type: 'model', id: 'Xenova/gpt2' });
    expect(parseRepoRef(' https://huggingface.co/onnx-community/Qwen2.5-0.5B/tree/main/onnx ')).toEqual({
      type: 'model',
      id: 'onnx-community/Qwen2.5-0.5B',
    });
    expect(parseRepoRef('https://huggingface.co/datasets/roneneldan/TinyStories')).toEqual({ type: 'dataset', id: 'roneneldan/TinyStories' });
    expect(parseRepoRef('owner/name', 'dataset').type).toBe('dataset');
  });

  it('rejects text that is not a repository name', () => {
    for (const bad of ['gpt2', '-x/y', 'x/y.', 'x/../y', '', 'x/a--b']) {
      expect(() => parseRepoRef(bad), bad).toThrow(HubError);
    }
  });
});
