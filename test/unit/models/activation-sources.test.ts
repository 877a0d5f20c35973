// Activation sources and their parts: the shuffle plan's invariants, f16 conversion, mergeable statistics,
// the cache source (rows of the cache, scaled, all of them over an epoch, reproducible from a saved state)
// and the model source on ORT wasm (rows of the model's activations at real tokens).
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { ActivationStatsAccumulator, fromHalf, openActivationSource, ShufflePlan, toHalf } from '../../../src/data/activation-sources';
import { fromHalfBits, toHalfBits } from '../../../src/data/activation-sources/f16';
import { runExtraction } from '../../../src/jobs/handlers/extractActivationsRun';
import { Prng } from '../../../src/sae/prng';
import { activationCacheRepo } from '../../../src/store/repos/activationCaches';
import { ort } from '../lm/ort-helpers';
import { fakeContext, storeTinyModel, storeTokenization, useFreshStores } from './helpers';

describe('ShufflePlan', () => {
  test('takes distinct slots and keeps the valid rows contiguous with non-overlapping moves', () => {
    const plan = new ShufflePlan(50, new Prng(1));
    const slots = Array.from({ length: 50 }, () => -1);
    let next = 0;
    const taken: number[] = [];
    for (let round = 0; round < 40; round++) {
      const k = Math.min(plan.free, 7 + (round % 5));
      const first = plan.push(k);
      for (let i = 0; i < k; i++) slots[first + i] = next++;
      const B = 1 + (round % 9);
      if (B > plan.count) continue;
      const before = plan.count;
      const { picks, moves } = plan.take(B);
      expect(new Set(picks).size).toBe(B);
      for (const p of picks) expect(p).toBeLessThan(before);
      taken.push(...Array.from(picks, (p) => slots[p]!));
      const rest = before - B;
      const written = new Set<number>();
      for (let i = 0; i < moves.length; i += 2) {
        expect(moves[i]).toBeLessThan(rest);
        expect(moves[i + 1]).toBeGreaterThanOrEqual(rest);
        written.add(moves[i]!);
      }
      for (let i = 0; i < moves.length; i += 2) slots[moves[i]!] = slots[moves[i + 1]!]!;
      expect(plan.count).toBe(rest);
    }
    // every row is taken at most once, and rows still held are not among the taken
    expect(new Set(taken).size).toBe(taken.length);
    const held = slots.slice(0, plan.count);
    for (const h of held) expect(taken).not.toContain(h);
  });

  test('the same state gives the same picks', () => {
    const a = new ShufflePlan(30, new Prng(5));
    const b = new ShufflePlan(30, new Prng(999));
    b.setState(a.getState());
    a.push(30);
    b.push(30);
    expect(a.take(11)).toEqual(b.take(11));
  });
});

describe('f16', () => {
  test('round trips representable values and rounds to nearest even', () => {
    for (const v of [0, -0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8, 0.333251953125]) expect(fromHalfBits(toHalfBits(v))).toBe(v);
    expect(fromHalfBits(toHalfBits(70000))).toBe(Infinity);
    expect(Number.isNaN(fromHalfBits(toHalfBits(Number.NaN)))).toBe(true);
    expect(fromHalfBits(toHalfBits(1 + 2 ** -11))).toBe(1); // tie → even
    expect(fromHalfBits(toHalfBits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10);
    const back = fromHalf(toHalf(values));
    for (let i = 0; i < values.length; i++) expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(Math.abs(values[i]!) * 2 ** -11 + 1e-7);
  });
});

describe('ActivationStatsAccumulator', () => {
  test('continuing from a saved state equals one pass', () => {
    const data = Float32Array.from({ length: 7 * 5 }, (_, i) => Math.cos(i * 1.3) * (i % 3));
    const one = new ActivationStatsAccumulator(5);
    one.add(data, 7);
    const first = new ActivationStatsAccumulator(5);
    first.add(data, 3);
    const resumed = ActivationStatsAccumulator.fromState(structuredClone(first.getState()));
    resumed.add(data, 4, 15);
    const a = one.result();
    const b = resumed.result();
    expect(b.count).toBe(7);
    expect(b.meanNorm).toBeCloseTo(a.meanNorm, 12);
    for (let c = 0; c < 5; c++) {
      expect(b.mean[c]).toBeCloseTo(a.mean[c]!, 12);
      expect(b.std[c]).toBeCloseTo(a.std[c]!, 12);
    }
  });
});

describe('sources over the tiny GPT-2', { timeout: 30_000 }, () => {
  const stores = useFreshStores();
  const WINDOWS = Array.from({ length: 6 }, (_, w) => Array.from({ length: 8 }, (_, t) => 1 + ((w * 37 + t * 11) % 290)));

  async function cacheOf(dtype: 'f32' | 'f16') {
    const model = await storeTinyModel(stores.blobs());
    const tokenization = await storeTokenization(stores.blobs(), model.id, WINDOWS);
    const cache = await activationCacheRepo.create({ modelId: model.id, tokenizationId: tokenization.id, hook: 'blocks.1.hook_resid_post', dIn: 32, dtype, rows: 0, shards: [], status: 'pending' });
    await runExtraction(
      fakeContext('extract-activations', { modelId: model.id, tokenizationId: tokenization.id, cacheIds: [cache.id], maxRows: 1000, batchWindows: 2, dtype, prependBos: false }, {}),
      { ort, device: undefined, blobs: stores.blobs(), shardBytes: 1024 },
    );
    const ready = await activationCacheRepo.require(cache.id);
    const rows = new Set<string>();
    for (const shard of ready.shards) {
      const bytes = new Uint8Array(await (await stores.blobs().read(shard.blobKey)).arrayBuffer());
      const values = dtype === 'f16' ? fromHalf(new Uint16Array(bytes.buffer)) : new Float32Array(bytes.buffer);
      for (let r = 0; r < shard.rows; r++) rows.add(key(values.subarray(r * 32, r * 32 + 32)));
    }
    return { model, tokenization, cache: ready, rows };
  }

  const key = (row: ArrayLike<number>) => Array.from(row, (v) => v.toFixed(4)).join(',');

  test('cache source: every batch row is a cache row, scaled; an epoch’s worth covers the cache', async () => {
    const { cache, rows } = await cacheOf('f16');
    expect(cache.shards.length).toBeGreaterThan(2);
    const source = await openActivationSource({ kind: 'cache', cacheId: cache.id }, { blobs: stores.blobs(), seed: 3, batchSize: 5 });
    expect(source.dIn).toBe(32);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const batch = (await source.nextBatch(5, i % 2 === 0 ? 1 : 2)) as Float32Array;
      expect(batch).toBeInstanceOf(Float32Array);
      expect(batch.length).toBe(5 * 32);
      for (let r = 0; r < 5; r++) {
        const row = Array.from(batch.subarray(r * 32, r * 32 + 32), (v) => (i % 2 === 0 ? v : v / 2));
        expect(rows.has(key(row))).toBe(true);
        seen.add(key(row));
      }
    }
    expect(seen.size).toBe(rows.size);
    await source.destroy();
  });

  test('cache source: the same saved state gives the same batches', async () => {
    const { cache } = await cacheOf('f32');
    const deps = { blobs: stores.blobs(), seed: 11, batchSize: 4 };
    const a = await openActivationSource({ kind: 'cache', cacheId: cache.id }, deps);
    await a.nextBatch(4);
    await a.nextBatch(4);
    const state = a.getState();
    const b = await openActivationSource({ kind: 'cache', cacheId: cache.id }, deps);
    a.setState(state);
    b.setState(state);
    for (let i = 0; i < 5; i++) expect(await b.nextBatch(4)).toEqual(await a.nextBatch(4));
  });

  test('model source (CPU): rows are the model’s activations at real tokens; sample() copies rows out', async () => {
    const { model, tokenization, rows } = await cacheOf('f32');
    const source = await openActivationSource(
      { kind: 'model', modelId: model.id, tokenizationId: tokenization.id, hook: 'blocks.1.hook_resid_post' },
      { blobs: stores.blobs(), ort, seed: 1, batchSize: 6 },
    );
    expect(source.dIn).toBe(32);
    for (let i = 0; i < 10; i++) {
      const batch = (await source.nextBatch(6)) as Float32Array;
      for (let r = 0; r < 6; r++) expect(rows.has(key(batch.subarray(r * 32, r * 32 + 32)))).toBe(true);
    }
    const sample = await source.sample(13);
    expect(sample.length).toBe(13 * 32);
    expect(rows.has(key(sample.subarray(12 * 32)))).toBe(true);
    expect(source.getState()).toHaveLength(6);
    await source.destroy();
  });

  test('a source that cannot open says why', async () => {
    await expect(openActivationSource({ kind: 'cache', cacheId: 'gone' }, { blobs: stores.blobs(), seed: 1, batchSize: 2 })).rejects.toThrow(/was deleted/);
    await expect(openActivationSource({ kind: 'model', modelId: 'm', tokenizationId: 't', hook: 'h' }, { blobs: stores.blobs(), seed: 1, batchSize: 2 })).rejects.toThrow(/ONNX Runtime/);
  });
});
