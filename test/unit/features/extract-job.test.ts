// The 'extract-features' job end to end in Node: the tiny GPT-2 (ORT WebAssembly) over a tokenized dataset,
// the tiny SAE fixture on the CPU engine, results in the store — checked against the same activations
// encoded and accumulated directly, in one piece.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { decodeDetailsHeader, decodeExtractionResume, decodeLatentRecord, DETAILS_HEADER_BYTES, latentRecordRange, type ResumePosition } from '../../../src/analysis/extraction';
import { accumulateBatch, emptyFeatureStats } from '../../../src/analysis/feature-accumulator';
import { logitEffects } from '../../../src/analysis/logit-effects';
import { referenceLatents, referenceParams } from '../../../src/analysis/reference-encode';
import { runRows } from '../../../src/analysis/extraction';
import { tokenSpans } from '../../../src/data/tokenize';
import { decodeModel, unembedding } from '../../../src/lm/graph';
import { readSaeLensFolder } from '../../../src/sae/formats/saelens';
import { modelActivationRunner } from '../../../src/jobs/handlers/extractFeaturesActivations';
import { detailsKeyOf, resumeKeyOf, runExtractFeatures } from '../../../src/jobs/handlers/extractFeaturesRun';
import { loadModelTokenizer } from '../../../src/services/tokenization/model-tokenizer';
import { openStoredWindows } from '../../../src/services/tokenization/window-parts';
import { readModelBytes } from '../../../src/services/models/model-files';
import { featureDetail, saveAnnotation } from '../../../src/services/features/features';
import { deleteSae } from '../../../src/services/training/saes';
import { db } from '../../../src/store/db';
import { examplesOf } from '../../../src/store/repos/featureExamples';
import { featureExtractionRepo } from '../../../src/store/repos/featureExtractions';
import { getFeature } from '../../../src/store/repos/features';
import { modelRepo } from '../../../src/store/repos/models';
import { activationCacheRepo } from '../../../src/store/repos/activationCaches';
import { ort } from '../lm/ort-helpers';
import { fakeContext, useStores } from '../datasets/kit';
import { cpuDeps, extract, pauseAndResume, pipeline, queueExtraction, SETTINGS, storedFeatures, type Pipeline } from './kit';
import type { BlobStore } from '../../../src/store/blob-store';

/** Every window's activations encoded and accumulated in one batch, with the activations kept. */
async function reference(p: Pipeline, blobs: BlobStore, k: number) {
  const model = (await modelRepo.get(p.modelId))!;
  const bytes = await readModelBytes(model, blobs);
  const windows = await openStoredWindows(p.tokenization, blobs);
  const all = await windows.read(0, windows.count);
  const ids = Array.from({ length: windows.count }, (_, i) => i);
  const runner = await modelActivationRunner(bytes, 'unused', { ort }).catch(() => null);
  expect(runner).toBeNull(); // a tensor that is not in the graph is refused
  const { hookTensor } = await import('../../../src/services/models/model-analysis');
  const { findHookPoints } = await import('../../../src/lm/graph');
  const found = findHookPoints(decodeModel(bytes.graph));
  if (!found.ok) throw new Error(found.reason);
  const tensor = hookTensor({ hooks: { ok: true, layers: found.layers, points: found.hookPoints }, tensors: found.tensors }, 'blocks.0.hook_resid_post');
  const hook = await modelActivationRunner(bytes, tensor, { ort });
  const { x } = await hook.run({ ids, tokens: all.tokens, lengths: all.lengths, contextLength: windows.contextLength });
  await hook.release();
  const sae = readSaeLensFolder(JSON.stringify(p.sae.cfg), new Uint8Array(await (await blobs.read(p.sae.blobKey)).arrayBuffer()));
  const cfg = { architecture: sae.architecture, apply_b_dec_to_input: sae.apply_b_dec_to_input, d_in: 32, d_sae: 32 };
  const rows = runRows(ids, all.tokens, windows.contextLength, all.lengths);
  const z = referenceLatents(cfg, referenceParams(cfg, sae.params), x, rows.windows.length);
  const state = emptyFeatureStats(32, { k });
  accumulateBatch(state, z, rows);
  const zAt = (latent: number, window: number, pos: number) => z[(window * windows.contextLength + pos) * 32 + latent]!;
  return { state, zAt, windows, all, sae, bytes };
}

describe('extract-features job', { timeout: 60_000 }, () => {
  const { blobs } = useStores();

  it('stores statistics, top examples with their contexts, histograms and logit effects for every feature', async () => {
    const p = await pipeline(blobs());
    const { extractionId, outcome, run } = await extract(p, blobs());
    expect(outcome).toMatchObject({ status: 'completed', message: expect.stringMatching(/^32 features over [\d,]+ tokens: \d+ dead, \d+ dense/) });
    const ref = await reference(p, blobs(), SETTINGS.topK);
    const extraction = (await featureExtractionRepo.get(extractionId))!;
    expect(extraction).toMatchObject({ status: 'ready', tokens: ref.state.tokens, windows: ref.windows.count, detailsKey: detailsKeyOf(extractionId), hook: 'blocks.0.hook_resid_post' });
    // the fixture's last 8 latents point away from the data with a large negative bias: they never fire
    expect(extraction.summary!.dead).toBeGreaterThanOrEqual(8);
    expect(extraction.summary!.alive + extraction.summary!.dead).toBe(32);

    const tokenizer = await loadModelTokenizer((await modelRepo.get(p.modelId))!, blobs());
    for (let j = 0; j < 32; j++) {
      const row = (await getFeature(p.sae.id, j))!;
      const fired = ref.state.fired[j]!;
      expect(row).toMatchObject({ fired, tokens: ref.state.tokens, dead: fired === 0 ? 1 : 0, extractionId, label: '', favourite: 0 });
      expect(row.density).toBeCloseTo(fired / ref.state.tokens, 12);
      expect(row.maxActivation).toBe(ref.state.max[j]);
      expect(row.meanActivation).toBeCloseTo(fired ? ref.state.sum[j]! / fired : 0, 4);
      const examples = await examplesOf(p.sae.id, j);
      const want = ref.state.top.sorted(j);
      expect(examples.map((e) => [e.kind, e.rank, e.window, e.pos, e.act])).toEqual(want.map((e, rank) => ['top', rank, e.window, e.pos, e.act]));
      for (const e of examples) {
        const start = e.pos! - e.focus!;
        expect(start).toBe(Math.max(0, e.pos! - SETTINGS.contextPrefix));
        expect(e.tokens.length).toBe(Math.min(32, e.pos! + SETTINGS.contextSuffix + 1) - start);
        e.activations.forEach((a, i) => expect(a).toBe(ref.zAt(j, e.window!, start + i)));
        expect(e.activations[e.focus!]).toBe(e.act);
        const windowIds = Array.from(ref.all.tokens.subarray(e.window! * 32, e.window! * 32 + 32));
        expect(e.tokens).toEqual(tokenSpans(windowIds, tokenizer).spans.slice(start, start + e.tokens.length).map((s) => s.piece));
      }
      if (examples.length > 0) expect(row.topTokens![0]).toBe(examples[0]!.tokens[examples[0]!.focus!]);
      else expect(row.topTokens).toEqual([]);
    }

    // details: histogram (zero count first, summing to the tokens) and logit effects through ln_f's scale
    const u = unembedding(decodeModel(ref.bytes.graph));
    const effects = logitEffects({ W_dec: ref.sae.params.W_dec, W_U: u.weight, dSae: 32, dIn: 32, vocab: u.vocabSize, gamma: u.finalNorm.scale! }, 10);
    const store = blobs();
    const header = decodeDetailsHeader(await store.readRange(extraction.detailsKey!, 0, DETAILS_HEADER_BYTES));
    for (const j of [0, 5, 31]) {
      const r = latentRecordRange(header, j);
      const details = decodeLatentRecord(header, await store.readRange(extraction.detailsKey!, r.start, r.end));
      expect(details.histogram.reduce((a, b) => a + b, 0)).toBe(ref.state.tokens);
      expect(details.histogram[0]).toBe(ref.state.tokens - ref.state.fired[j]!);
      expect(details.promoted.map((e) => e.token)).toEqual(effects[j]!.promoted.map((e) => e.token));
      expect(details.suppressed.map((e) => e.token)).toEqual(effects[j]!.suppressed.map((e) => e.token));
      details.promoted.forEach((e, i) => expect(e.value).toBeCloseTo(effects[j]!.promoted[i]!.value, 4));
    }
    // the feature page's view of the same
    const page = (await featureDetail(p.sae.id, 0, store))!;
    expect(page.notFiring).toBe(ref.state.tokens - ref.state.fired[0]!);
    expect(page.histogram.reduce((n, b) => n + b.count, 0)).toBe(ref.state.fired[0]);
    expect(page.promoted.map((t) => t.text)).toEqual(effects[0]!.promoted.map((e) => tokenizer.decode([e.token])));
    expect(page.examples.length).toBe(SETTINGS.topK);

    // progress covers every pass, never goes backwards, and ends at its total
    const reports = run.progress.filter((u) => u.total > 0);
    expect(new Set(reports.map((u) => u.phase))).toEqual(new Set(['statistics', 'logit effects', 'contexts']));
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.done).toBeGreaterThanOrEqual(reports[i - 1]!.done);
    const last = reports.at(-1)!;
    expect(last.done).toBe(last.total);
  });

  it('keeps labels, favourites and notes when features are extracted again, and drops the old run’s details', async () => {
    const p = await pipeline(blobs());
    const first = await extract(p, blobs());
    await saveAnnotation(p.sae.id, 3, { label: '  commas  ', notes: 'fires on ,', favourite: 1 });
    const firstKey = (await featureExtractionRepo.get(first.extractionId))!.detailsKey!;
    const second = await extract(p, blobs(), { settings: { ...SETTINGS, topK: 2 } });
    expect(second.outcome.status).toBe('completed');
    expect(await getFeature(p.sae.id, 3)).toMatchObject({ label: 'commas', notes: 'fires on ,', favourite: 1, extractionId: second.extractionId });
    expect((await examplesOf(p.sae.id, 3)).length).toBeLessThanOrEqual(2);
    expect(await db().featureExamples.where('saeId').equals(p.sae.id).filter((e) => e.rank >= 2).count()).toBe(0);
    expect(await blobs().has(firstKey)).toBe(false);
    expect((await featureExtractionRepo.get(first.extractionId))!.detailsKey).toBeUndefined();
  });

  it('gives the same results over several context passes, with quantile examples spread over activation bands', async () => {
    const p = await pipeline(blobs());
    const settings = { ...SETTINGS, quantileExamples: 5 };
    const one = await extract(p, blobs(), { settings });
    const single = await db().featureExamples.where('saeId').equals(p.sae.id).toArray();
    const many = await extract(p, blobs(), { settings }, { contextBudget: 3 * (6 + 5) * 6 });
    expect(one.outcome.status).toBe('completed');
    expect(many.run.progress.some((u) => /part 2 of/.test(u.message ?? ''))).toBe(true);
    const again = await db().featureExamples.where('saeId').equals(p.sae.id).toArray();
    const key = (e: { id: string }) => e.id;
    expect(again.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(single.sort((a, b) => key(a).localeCompare(key(b))));
    const quantile = single.filter((e) => e.kind === 'quantile');
    expect(quantile.length).toBeGreaterThan(0);
    const perFeature = new Map<number, number>();
    for (const e of quantile) perFeature.set(e.featureIndex, (perFeature.get(e.featureIndex) ?? 0) + 1);
    expect(Math.max(...perFeature.values())).toBeLessThanOrEqual(5);
    // quantile examples of a feature reach below its top examples
    const alive = [...perFeature.keys()][0]!;
    const tops = single.filter((e) => e.kind === 'top' && e.featureIndex === alive).map((e) => e.act!);
    expect(Math.min(...quantile.filter((e) => e.featureIndex === alive).map((e) => e.act!))).toBeLessThan(Math.min(...tops));
  });

  it('never picks a filtered token as an example, but still counts it', async () => {
    const p = await pipeline(blobs());
    const settings = { ...SETTINGS, tokenFilters: { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: [] } };
    await extract(p, blobs(), { settings });
    const examples = await db().featureExamples.where('saeId').equals(p.sae.id).toArray();
    expect(examples.length).toBeGreaterThan(0);
    // every window starts with BOS (position 0) and documents end with EOS: both are the tiny model's id 299
    expect(examples.some((e) => e.pos === 0)).toBe(false);
    const unfiltered = await pipeline(blobs());
    await extract(unfiltered, blobs());
    const tokens = (await getFeature(p.sae.id, 0))!.tokens;
    expect((await getFeature(unfiltered.sae.id, 0))!.tokens).toBe(tokens);
  });

  it('reads activations from a stored cache of the hook with the same results as running the model', async () => {
    const p = await pipeline(blobs());
    const ref = await reference(p, blobs(), SETTINGS.topK);
    // a cache as the activation cache job lays it out: windows from 0, real tokens in order, in two shards
    const rows = ref.state.tokens;
    const model = (await modelRepo.get(p.modelId))!;
    const bytes = await readModelBytes(model, blobs());
    const { findHookPoints } = await import('../../../src/lm/graph');
    const found = findHookPoints(decodeModel(bytes.graph));
    if (!found.ok) throw new Error(found.reason);
    const runner = await modelActivationRunner(bytes, found.hookPoints.find((h) => h.name === 'blocks.0.hook_resid_post')!.tensor, { ort });
    const { x } = await runner.run({ ids: Array.from({ length: ref.windows.count }, (_, i) => i), tokens: ref.all.tokens, lengths: ref.all.lengths, contextLength: 32 });
    await runner.release();
    const half = 32 * 10 + 7;
    await blobs().write('caches/c/0.bin', new Uint8Array(x.buffer, 0, half * 32 * 4));
    await blobs().write('caches/c/1.bin', new Uint8Array(x.buffer, half * 32 * 4));
    const cache = await activationCacheRepo.create({
      modelId: p.modelId,
      tokenizationId: p.tokenization.id,
      hook: 'blocks.0.hook_resid_post',
      dIn: 32,
      dtype: 'f32',
      rows,
      shards: [
        { blobKey: 'caches/c/0.bin', rows: half },
        { blobKey: 'caches/c/1.bin', rows: rows - half },
      ],
      status: 'ready',
    });
    const fromModel = await extract(p, blobs());
    const modelRows = await db().features.where('saeId').equals(p.sae.id).toArray();
    const modelExamples = await db().featureExamples.where('saeId').equals(p.sae.id).toArray();
    const fromCache = await extract(p, blobs(), { cacheId: cache.id });
    expect(fromModel.outcome.status).toBe('completed');
    expect(fromCache.outcome.status).toBe('completed');
    const cacheRows = await db().features.where('saeId').equals(p.sae.id).toArray();
    expect(cacheRows.map(({ density, maxActivation, fired, topTokens }) => ({ density, maxActivation, fired, topTokens }))).toEqual(
      modelRows.map(({ density, maxActivation, fired, topTokens }) => ({ density, maxActivation, fired, topTokens })),
    );
    expect(await db().featureExamples.where('saeId').equals(p.sae.id).toArray()).toEqual(modelExamples);
  });

  it('stops between model runs: a cancel fails the run as cancelled, a pause puts it back to pending', async () => {
    const p = await pipeline(blobs());
    const cancelled = await extract(p, blobs(), {}, {}, { after: 3, request: 'cancel' });
    expect(cancelled.outcome).toEqual({ status: 'stopped' });
    expect(await featureExtractionRepo.get(cancelled.extractionId)).toMatchObject({ status: 'failed', error: 'The extraction was cancelled.' });
    expect(await blobs().has(resumeKeyOf(cancelled.extractionId))).toBe(false);
    const paused = await extract(p, blobs(), {}, {}, { after: 2, request: 'pause' });
    expect(paused.outcome).toEqual({ status: 'stopped' });
    expect(await featureExtractionRepo.get(paused.extractionId)).toMatchObject({ status: 'pending' });
    expect(await blobs().has(resumeKeyOf(paused.extractionId))).toBe(true);
    // damaged saved progress is not trusted: the run starts over and still finishes
    await blobs().write(resumeKeyOf(paused.extractionId), new Uint8Array([1, 2, 3]));
    const again = fakeContext((await db().jobs.get(paused.run.ctx.job.id))!);
    expect(await runExtractFeatures(again.ctx, cpuDeps(blobs()))).toMatchObject({ status: 'completed' });
    expect(again.progress.filter((u) => u.phase === 'statistics').length).toBeGreaterThan(1);
    // deleting the SAE takes its extractions' blobs (details, saved progress) with it
    const left = await extract(p, blobs(), {}, {}, { after: 3, request: 'pause' });
    expect(await blobs().list(`features/extractions/${left.extractionId}/`)).toEqual([resumeKeyOf(left.extractionId)]);
    expect(await blobs().list(`features/extractions/${paused.extractionId}/`)).toEqual([detailsKeyOf(paused.extractionId)]);
    await deleteSae(p.sae.id, blobs());
    expect(await blobs().list('features/extractions/')).toEqual([]);
  });

  it('a paused run goes on from where it stood, at every kind of stop, and ends as an unbroken run does', async () => {
    const p = await pipeline(blobs());
    const settings = { ...SETTINGS, quantileExamples: 5 };
    const deps = { contextBudget: 3 * (6 + 5) * 6 };
    const unbroken = await extract(p, blobs(), { settings }, deps);
    expect(unbroken.outcome.status).toBe('completed');
    const expected = await storedFeatures(p.sae.id);
    // stop checks come before every statistics, sampling and context batch (and each context chunk): these
    // pauses land in the first pass, in the sampling pass, in the first context chunk and in a later one
    const batches = unbroken.run.progress.filter((u) => u.phase === 'statistics').length;
    const stops: [number, ResumePosition][] = [
      [2, { phase: 'data', pass: 0, batch: 1 }],
      [batches + 2, { phase: 'data', pass: 1, batch: 1 }],
      [2 * batches + 3, { phase: 'contexts', chunk: 0 }],
      [2 * batches + 14, { phase: 'contexts', chunk: 2 }],
    ];
    for (const [after, position] of stops) {
      const { extractionId, job } = await queueExtraction(p, { settings });
      const run = await pauseAndResume(job, blobs(), after, deps);
      expect(run.paused).toEqual({ status: 'stopped' });
      const saved = decodeExtractionResume(new Uint8Array(await (await blobs().read(resumeKeyOf(extractionId))).arrayBuffer()));
      expect(saved.position).toEqual(position);
      expect(await run.resumed()).toMatchObject({ status: 'completed' });
      // it went on: the resumed run did fewer statistics batches than a whole run
      expect(run.second.progress.filter((u) => u.phase === 'statistics').length).toBeLessThan(batches);
      expect(await blobs().has(resumeKeyOf(extractionId))).toBe(false);
      expect(await storedFeatures(p.sae.id)).toEqual(expected);
    }
  });

  it('fails with a message saying what to do when the hook does not fit the SAE', async () => {
    const p = await pipeline(blobs());
    const { extractionId, job } = await (await import('./kit')).queueExtraction(p, { hook: 'blocks.0.hook_attn_in' });
    const { fakeContext } = await import('../datasets/kit');
    const { runExtractFeatures } = await import('../../../src/jobs/handlers/extractFeaturesRun');
    const error = await runExtractFeatures(fakeContext(job).ctx, (await import('./kit')).cpuDeps(blobs())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/blocks\.0\.hook_attn_in/);
    expect(await featureExtractionRepo.get(extractionId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/hook_attn_in/) });
  });
});
