// The extraction job on the GPU engine (Dawn in Node) against the same job on the CPU engine: the same
// feature rows, examples and details, over the tiny GPT-2 and the tiny SAE fixture.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { FeatureEngineOptions } from '../../src/analysis/extraction';
import { gpuFeatureEngine, gpuMaxEncodeRows } from '../../src/analysis/extraction/gpu-engine';
import { db } from '../../src/store/db';
import { useStores } from '../unit/datasets/kit';
import { extract, pauseAndResume, pipeline, queueExtraction, SETTINGS, storedFeatures } from '../unit/features/kit';
import { useGpu } from './gpu-test-kit';

describe('feature extraction on the GPU', () => {
  const gpu = useGpu();
  const { blobs } = useStores();

  it('stores what the CPU engine stores', async () => {
    const p = await pipeline(blobs());
    const settings = { ...SETTINGS, quantileExamples: 4, tokenFilters: { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: [] } };
    const snapshot = async () => ({
      rows: (await db().features.where('saeId').equals(p.sae.id).sortBy('index')).map(({ updatedAt: _u, extractionId: _e, meanActivation, ...r }) => ({ ...r, meanActivation: Math.round(meanActivation! * 1e4) })),
      examples: (await db().featureExamples.where('saeId').equals(p.sae.id).toArray()).sort((a, b) => a.id.localeCompare(b.id)),
    });
    const cpu = await extract(p, blobs(), { settings });
    expect(cpu.outcome.status).toBe('completed');
    const fromCpu = await snapshot();
    const device = gpu.device;
    const onGpu = await extract(p, blobs(), { settings }, { engine: (opts) => gpuFeatureEngine(device, opts), maxEncodeRows: (dSae, dIn) => gpuMaxEncodeRows(device, dSae, dIn) });
    expect(onGpu.outcome.status).toBe('completed');
    const fromGpu = await snapshot();
    // the GPU encoder rounds in float32, the CPU reference in float64: equal counts, close values
    expect(fromGpu.rows.map((r) => [r.index, r.fired, r.tokens, r.dead, r.dense])).toEqual(fromCpu.rows.map((r) => [r.index, r.fired, r.tokens, r.dead, r.dense]));
    fromGpu.rows.forEach((r, i) => expect(r.maxActivation).toBeCloseTo(fromCpu.rows[i]!.maxActivation!, 5));
    const kinds = (list: typeof fromCpu.examples) => ({ top: list.filter((e) => e.kind === 'top').length, quantile: list.filter((e) => e.kind === 'quantile').length });
    expect(kinds(fromGpu.examples)).toEqual(kinds(fromCpu.examples));
    // the same examples, up to near ties
    const places = (list: typeof fromCpu.examples) => new Set(list.filter((e) => e.kind === 'top').map((e) => `${e.featureIndex}:${e.window}:${e.pos}`));
    const cpuTop = places(fromCpu.examples);
    const shared = [...places(fromGpu.examples)].filter((k) => cpuTop.has(k)).length;
    expect(shared / cpuTop.size).toBeGreaterThan(0.95);
    for (const a of fromGpu.examples) {
      const b = fromCpu.examples.find((e) => e.featureIndex === a.featureIndex && e.kind === a.kind && e.window === a.window && e.pos === a.pos);
      if (!b) continue;
      expect(a.tokens).toEqual(b.tokens);
      a.activations.forEach((v, t) => expect(v).toBeCloseTo(b.activations[t]!, 4));
    }
  });

  it('a paused run resumes on the GPU (statistics and samples loaded back) and ends as an unbroken run does', async () => {
    const p = await pipeline(blobs());
    const settings = { ...SETTINGS, quantileExamples: 4 };
    const device = gpu.device;
    const deps = { engine: (opts: FeatureEngineOptions) => gpuFeatureEngine(device, opts), maxEncodeRows: (dSae: number, dIn: number) => gpuMaxEncodeRows(device, dSae, dIn) };
    const unbroken = await extract(p, blobs(), { settings }, deps);
    expect(unbroken.outcome.status).toBe('completed');
    const expected = await storedFeatures(p.sae.id);
    const batches = unbroken.run.progress.filter((u) => u.phase === 'statistics').length;
    // paused in the first pass (statistics loaded back) and in the sampling pass (samples loaded back)
    for (const after of [2, batches + 2]) {
      const { job } = await queueExtraction(p, { settings });
      const run = await pauseAndResume(job, blobs(), after, deps);
      expect(run.paused).toEqual({ status: 'stopped' });
      expect(await run.resumed()).toMatchObject({ status: 'completed' });
      expect(await storedFeatures(p.sae.id)).toEqual(expected);
    }
  });
});
