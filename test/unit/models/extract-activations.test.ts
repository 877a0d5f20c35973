// The extraction job on the tiny GPT-2 (ORT wasm): shards hold exactly the model's activations at the kept
// positions, statistics match a direct computation, f16 stays within half precision, a pause resumes to the
// same result, a prepended BOS is fed but not stored, and a tensor that is not [batch, seq, width] is refused.
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { fromHalf } from '../../../src/data/activation-sources/f16';
import type { ActivationCacheRecord, ModelRecord, TokenizationRecord } from '../../../src/domain/entities';
import { parseExtractParams, runExtraction, type ExtractActivationsParams } from '../../../src/jobs/handlers/extractActivationsRun';
import { decodeModel, exposeOutputs } from '../../../src/lm/graph';
import { keptRows } from '../../../src/lm/runner/hook-runner';
import { buildLmBatch } from '../../../src/lm/runner/lm-inputs';
import { LmSession } from '../../../src/lm/runner/lm-session';
import { readModelAnalysis } from '../../../src/services/models/model-files';
import { hookTensor } from '../../../src/services/models/model-analysis';
import { activationCacheRepo } from '../../../src/store/repos/activationCaches';
import { ort } from '../lm/ort-helpers';
import { fakeContext, storeTinyModel, storeTokenization, tinyFile, useFreshStores } from './helpers';

const stores = useFreshStores();

const WINDOWS = [
  [10, 20, 30, 40, 50, 60, 70, 80],
  [11, 21, 31, 41, 51, 0, 0, 0],
  [12, 22, 32, 42, 52, 62, 72, 82],
  [13, 23, 33, 43, 0, 0, 0, 0],
  [14, 24, 34, 44, 54, 64, 74, 84],
];
const LENGTHS = [8, 5, 8, 4, 8];
const HOOKS = ['blocks.0.hook_resid_post', 'blocks.1.hook_mlp_out'];

async function setup(): Promise<{ model: ModelRecord; tokenization: TokenizationRecord; caches: ActivationCacheRecord[] }> {
  const model = await storeTinyModel(stores.blobs());
  const tokenization = await storeTokenization(stores.blobs(), model.id, WINDOWS, LENGTHS);
  const caches = await Promise.all(
    HOOKS.map((hook) => activationCacheRepo.create({ modelId: model.id, tokenizationId: tokenization.id, hook, dIn: 32, dtype: 'f32', rows: 0, shards: [], status: 'pending' })),
  );
  return { model, tokenization, caches };
}

function params(s: Awaited<ReturnType<typeof setup>>, extra: Partial<ExtractActivationsParams> = {}): ExtractActivationsParams {
  return { modelId: s.model.id, tokenizationId: s.tokenization.id, cacheIds: s.caches.map((c) => c.id), maxRows: 30, batchWindows: 2, dtype: 'f32', prependBos: false, ...extra };
}

/** The activations the full model computes at `hook` for every kept position, in window order. */
async function expected(model: ModelRecord, hook: string, bos?: number): Promise<Float32Array> {
  const analysis = (await readModelAnalysis(model, stores.blobs()))!;
  const tensor = hookTensor(analysis, hook);
  const session = await LmSession.create(ort, exposeOutputs(decodeModel(tinyFile('model.onnx')), [tensor]));
  const batch = buildLmBatch({ tokens: Uint16Array.from(WINDOWS.flat()), lengths: Uint32Array.from(LENGTHS), rows: WINDOWS.length, contextLength: 8 }, bos === undefined ? {} : { prependBos: bos });
  const out = await session.run(batch, [tensor]);
  await session.release();
  return keptRows(out[tensor]!.data as Float32Array, batch.keep, 32);
}

async function shardValues(cache: ActivationCacheRecord): Promise<Float32Array> {
  const parts: number[] = [];
  for (const shard of cache.shards) {
    const bytes = new Uint8Array(await (await stores.blobs().read(shard.blobKey)).arrayBuffer());
    const values = cache.dtype === 'f16' ? fromHalf(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2)) : new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    parts.push(...values);
  }
  return Float32Array.from(parts);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

// ORT runs on the CPU and the machine may be busy: allow more than the default 5 s
describe('extract-activations', { timeout: 30_000 }, () => {
  test('stores the hook activations of real tokens in shards, with statistics', async () => {
    const s = await setup();
    const ctx = fakeContext('extract-activations', params(s), {});
    const outcome = await runExtraction(ctx, { ort, device: undefined, blobs: stores.blobs(), shardBytes: 2048 });
    expect(outcome).toMatchObject({ status: 'completed' });
    if (outcome.status === 'completed') expect(outcome.message).toMatch(/Stored 30 activations of 2 hooks \(d = 32, f32\) \(on the CPU/);

    for (const [i, hook] of HOOKS.entries()) {
      const cache = await activationCacheRepo.require(s.caches[i]!.id);
      expect(cache.status).toBe('ready');
      expect(cache.rows).toBe(30);
      expect(cache.dIn).toBe(32);
      expect(cache.shards.length).toBeGreaterThan(1);
      expect(cache.shards.reduce((n, sh) => n + sh.rows, 0)).toBe(30);
      const want = (await expected(s.model, hook)).subarray(0, 30 * 32);
      expect(maxDiff(await shardValues(cache), want)).toBeLessThan(1e-5);

      const stats = cache.stats!;
      expect(stats.count).toBe(30);
      let norms = 0;
      for (let r = 0; r < 30; r++) norms += Math.hypot(...want.subarray(r * 32, r * 32 + 32));
      expect(stats.meanNorm).toBeCloseTo(norms / 30, 4);
      const mean0 = Array.from({ length: 30 }, (_, r) => want[r * 32]!).reduce((a, b) => a + b, 0) / 30;
      const var0 = Array.from({ length: 30 }, (_, r) => (want[r * 32]! - mean0) ** 2).reduce((a, b) => a + b, 0) / 30;
      expect(stats.mean![0]).toBeCloseTo(mean0, 5);
      expect(stats.std![0]).toBeCloseTo(Math.sqrt(var0), 5);
    }
    const last = ctx.progress.at(-1)!;
    expect(last.done).toBe(30);
    expect(last.total).toBe(30);
  });

  test('f16 shards hold the same activations at half precision', async () => {
    const s = await setup();
    await runExtraction(fakeContext('extract-activations', params(s, { dtype: 'f16', cacheIds: [s.caches[0]!.id] }), {}), { ort, device: undefined, blobs: stores.blobs() });
    const cache = await activationCacheRepo.require(s.caches[0]!.id);
    expect(cache.dtype).toBe('f16');
    const want = (await expected(s.model, HOOKS[0]!)).subarray(0, 30 * 32);
    const scale = Math.max(...want.map(Math.abs));
    expect(maxDiff(await shardValues(cache), want)).toBeLessThan(scale * 2 ** -10);
  });

  test('a pause keeps the shards; the resumed run ends with the same activations', async () => {
    const s = await setup();
    const first = fakeContext('extract-activations', params(s, { maxRows: 1000 }), {});
    let runs = 0;
    const original = first.reportProgress.bind(first);
    first.reportProgress = async (update) => {
      if (++runs === 3) first.requestStop('pause');
      return original(update);
    };
    expect(await runExtraction(first, { ort, device: undefined, blobs: stores.blobs(), shardBytes: 1 })).toEqual({ status: 'stopped' });
    const paused = await activationCacheRepo.require(s.caches[0]!.id);
    expect(paused.status).toBe('running');
    expect(paused.rows).toBeGreaterThan(0);
    expect(paused.rows).toBeLessThan(33);

    const second = fakeContext('extract-activations', params(s, { maxRows: 1000 }), {}, first.checkpoints.at(-1));
    await runExtraction(second, { ort, device: undefined, blobs: stores.blobs(), shardBytes: 1 });
    for (const [i, hook] of HOOKS.entries()) {
      const cache = await activationCacheRepo.require(s.caches[i]!.id);
      expect(cache.rows).toBe(33);
      expect(maxDiff(await shardValues(cache), await expected(s.model, hook))).toBeLessThan(1e-5);
      expect(cache.stats!.count).toBe(33);
    }
  });

  test('a prepended BOS is fed to the model but its position is not stored', async () => {
    const s = await setup();
    await runExtraction(fakeContext('extract-activations', params(s, { prependBos: true, maxRows: 1000, cacheIds: [s.caches[0]!.id] }), {}), { ort, device: undefined, blobs: stores.blobs() });
    const cache = await activationCacheRepo.require(s.caches[0]!.id);
    expect(cache.rows).toBe(33);
    expect(maxDiff(await shardValues(cache), await expected(s.model, HOOKS[0]!, 299))).toBeLessThan(1e-5);
  });

  test('cancel removes the caches and their shards', async () => {
    const s = await setup();
    const ctx = fakeContext('extract-activations', params(s, { maxRows: 1000 }), {});
    const original = ctx.reportProgress.bind(ctx);
    let reports = 0;
    ctx.reportProgress = async (update) => {
      if (++reports === 3) ctx.requestStop('cancel');
      return original(update);
    };
    expect(await runExtraction(ctx, { ort, device: undefined, blobs: stores.blobs(), shardBytes: 1 })).toEqual({ status: 'stopped' });
    for (const cache of s.caches) expect(await activationCacheRepo.get(cache.id)).toBeUndefined();
    expect(await stores.blobs().list('caches/')).toEqual([]);
  });

  test('a tensor picked by hand works; one that is not [batch, seq, width] is refused', async () => {
    const s = await setup();
    const analysis = (await readModelAnalysis(s.model, stores.blobs()))!;
    const softmax = analysis.tensors.find((t) => t.producer === 'Softmax')!;
    const ln = analysis.tensors.find((t) => t.producer === 'LayerNormalization' || t.producer === 'Add')!;
    const picked = await activationCacheRepo.create({ modelId: s.model.id, tokenizationId: s.tokenization.id, hook: ln.name, dIn: 0, dtype: 'f32', rows: 0, shards: [], status: 'pending' });
    await runExtraction(fakeContext('extract-activations', params(s, { cacheIds: [picked.id] }), {}), { ort, device: undefined, blobs: stores.blobs() });
    expect((await activationCacheRepo.require(picked.id)).dIn).toBe(32);

    const wrong = await activationCacheRepo.create({ modelId: s.model.id, tokenizationId: s.tokenization.id, hook: softmax.name, dIn: 0, dtype: 'f32', rows: 0, shards: [], status: 'pending' });
    await expect(runExtraction(fakeContext('extract-activations', params(s, { cacheIds: [wrong.id] }), {}), { ort, device: undefined, blobs: stores.blobs() })).rejects.toThrow(/not float32 activations of shape/);
    const failed = await activationCacheRepo.require(wrong.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/shape/);
  });

  test('job parameters are checked', () => {
    expect(() => parseExtractParams({})).toThrow(/missing its settings/);
    expect(() => parseExtractParams({ modelId: 'm', tokenizationId: 't', cacheIds: [], maxRows: 1, batchWindows: 1 })).toThrow();
  });
});
