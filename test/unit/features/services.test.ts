// Feature services: starting an extraction (checked, queued, one at a time per SAE, reused when the same
// run already finished), cancelling, the browser's query over 32k rows, and annotations.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { FeatureRecord } from '../../../src/domain/entities';
import { browseFeatures, DEFAULT_FEATURE_QUERY, parseBound, type FeatureQuery, type FeatureRow } from '../../../src/services/features/browse';
import {
  cancelExtraction,
  ExtractionRequestError,
  extractionOptions,
  matchingExtraction,
  saeHook,
  startExtraction,
} from '../../../src/services/features/extractions';
import { FeatureAnnotationError, featureRows, saeFeatureSummaries, saveAnnotation, toggleFavourite } from '../../../src/services/features/features';
import { featureExtractionRepo } from '../../../src/store/repos/featureExtractions';
import { saveFeatureStats } from '../../../src/store/repos/features';
import { getJob } from '../../../src/store/repos/jobs';
import { saeRepo } from '../../../src/store/repos/saes';
import { failure, useStores } from '../datasets/kit';
import { extract, pipeline, SETTINGS } from './kit';

describe('starting an extraction', { timeout: 60_000 }, () => {
  const { blobs } = useStores();

  it('offers the SAE’s model’s tokenized datasets and queues a GPU job for the run', async () => {
    const p = await pipeline(blobs());
    const options = await extractionOptions(p.sae.id);
    expect(options.hook).toBe('blocks.0.hook_resid_post');
    expect(options.choices.map((c) => c.tokenization.id)).toEqual([p.tokenization.id]);
    const { extraction, job } = await startExtraction({ saeId: p.sae.id, tokenizationId: p.tokenization.id, settings: SETTINGS, templateId: 'builtin-extraction-quick' });
    expect(extraction).toMatchObject({ status: 'pending', saeId: p.sae.id, modelId: p.modelId, hook: 'blocks.0.hook_resid_post', settings: SETTINGS, jobId: job.id, templateId: 'builtin-extraction-quick' });
    expect(job).toMatchObject({ kind: 'extract-features', lane: 'gpu', status: 'queued', subjectId: extraction.id, params: { extractionId: extraction.id } });
    // one at a time per SAE
    const again = await failure(startExtraction({ saeId: p.sae.id, tokenizationId: p.tokenization.id, settings: SETTINGS }));
    expect(again).toBeInstanceOf(ExtractionRequestError);
    expect(again.message).toMatch(/already queued or running/);
    // a run cancelled before it started is marked at once
    await cancelExtraction(extraction.id);
    expect(await featureExtractionRepo.get(extraction.id)).toMatchObject({ status: 'failed', error: 'The extraction was cancelled.' });
    expect(await getJob(job.id)).toMatchObject({ status: 'cancelled' });
    await startExtraction({ saeId: p.sae.id, tokenizationId: p.tokenization.id, settings: SETTINGS });
  });

  it('refuses runs that cannot work, saying what to do', async () => {
    const p = await pipeline(blobs());
    const cases: [Parameters<typeof startExtraction>[0], RegExp][] = [
      [{ saeId: 'nope', tokenizationId: p.tokenization.id, settings: SETTINGS }, /no longer exists/],
      [{ saeId: p.sae.id, tokenizationId: 'nope', settings: SETTINGS }, /Choose a tokenized dataset/],
      [{ saeId: p.sae.id, tokenizationId: p.tokenization.id, settings: { ...SETTINGS, topK: 0 } }, /topK/],
      [{ saeId: p.sae.id, tokenizationId: p.tokenization.id, settings: SETTINGS, cacheId: 'nope' }, /cache is missing/],
    ];
    for (const [request, message] of cases) {
      const error = await failure(startExtraction(request));
      expect(error).toBeInstanceOf(ExtractionRequestError);
      expect(error.message).toMatch(message);
      expect(error.action).toBeTruthy();
    }
    const wide = await saeRepo.update(p.sae.id, { dIn: 64 });
    expect((await failure(startExtraction({ saeId: wide.id, tokenizationId: p.tokenization.id, settings: SETTINGS }))).message).toMatch(/reads 64 values per token/);
    const other = await saeRepo.update(p.sae.id, { dIn: 32, modelId: 'another-model' });
    expect((await failure(startExtraction({ saeId: other.id, tokenizationId: p.tokenization.id, settings: SETTINGS }))).message).toMatch(/trained on another model/);
    expect((await extractionOptions(other.id)).choices).toEqual([]);
  });

  it('takes the hook from the SAELens metadata of an imported SAE and finds an earlier run with the same settings', async () => {
    const p = await pipeline(blobs(), { saeModel: false });
    expect(saeHook(p.sae)).toBe('blocks.0.hook_resid_post');
    expect((await extractionOptions(p.sae.id)).choices).toHaveLength(1);
    const request = { saeId: p.sae.id, tokenizationId: p.tokenization.id, settings: SETTINGS };
    expect(await matchingExtraction(request)).toBeUndefined();
    const { extractionId } = await extract(p, blobs());
    expect((await matchingExtraction(request))?.id).toBe(extractionId);
    expect(await matchingExtraction({ ...request, settings: { ...SETTINGS, topK: 7 } })).toBeUndefined();
    // once a later run has rewritten the features, the earlier one's results are gone
    const later = await extract(p, blobs(), { settings: { ...SETTINGS, topK: 7 } });
    expect(await matchingExtraction(request)).toBeUndefined();
    expect((await matchingExtraction({ ...request, settings: { ...SETTINGS, topK: 7 } }))?.id).toBe(later.extractionId);
    const summaries = await saeFeatureSummaries();
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ latest: { id: later.extractionId }, ready: { id: later.extractionId }, labelled: 0, favourites: 0 });
  });
});

describe('annotations', { timeout: 30_000 }, () => {
  const { blobs } = useStores();

  it('saves trimmed labels, notes and favourites, checking lengths and the feature index', async () => {
    const p = await pipeline(blobs());
    await saveFeatureStats(p.sae.id, [{ index: 4, density: 0.5, topTokens: [' the'] }]);
    expect(await saveAnnotation(p.sae.id, 4, { label: '  articles ', category: ' grammar ', notes: ' keep  spaces ' })).toMatchObject({ label: 'articles', category: 'grammar', notes: ' keep  spaces ', density: 0.5 });
    expect(await toggleFavourite(p.sae.id, 4)).toMatchObject({ favourite: 1 });
    expect(await toggleFavourite(p.sae.id, 4)).toMatchObject({ favourite: 0 });
    expect((await featureRows(p.sae.id)).map((r) => [r.index, r.label, r.topTokens])).toEqual([[4, 'articles', [' the']]]);
    for (const [index, patch, message] of [
      [32, { label: 'x' }, /Feature 32 does not exist/],
      [1, { label: 'x'.repeat(201) }, /at most 200/],
      [1, { notes: 'x'.repeat(10_001) }, /at most 10000/],
    ] as const) {
      const error = await failure(saveAnnotation(p.sae.id, index, patch));
      expect(error).toBeInstanceOf(FeatureAnnotationError);
      expect(error.message).toMatch(message);
    }
    expect((await saeFeatureSummaries())[0]).toMatchObject({ labelled: 1, favourites: 0 });
  });
});

describe('browseFeatures', () => {
  const row = (index: number, over: Partial<FeatureRecord> = {}): FeatureRow => ({
    index,
    label: '',
    category: '',
    notes: '',
    favourite: 0,
    density: index / 100,
    maxActivation: 10 - index,
    meanActivation: 1,
    topTokens: [` t${index}`],
    dead: 0,
    dense: 0,
    ...over,
  });
  const q = (over: Partial<FeatureQuery>): FeatureQuery => ({ ...DEFAULT_FEATURE_QUERY, ...over });

  it('searches labels, notes and top tokens; filters favourites, ranges, dead and dense; sorts with ties by index', () => {
    const rows = [
      row(0, { label: 'Commas', dead: 1, density: 0 }),
      row(1, { notes: 'fires on COMMA after numbers', favourite: 1 }),
      row(2, { topTokens: [','] }),
      row(3, { dense: 1, label: 'the' }),
      row(4),
    ];
    const ids = (query: Partial<FeatureQuery>) => browseFeatures(rows, q(query)).map((r) => r.index);
    expect(ids({})).toEqual([0, 1, 2, 3, 4]);
    expect(ids({ search: 'comma' })).toEqual([0, 1]);
    expect(ids({ search: 'fires numbers' })).toEqual([1]);
    expect(ids({ search: ',' })).toEqual([2]);
    expect(ids({ search: 't4' })).toEqual([4]);
    expect(ids({ favouritesOnly: true })).toEqual([1]);
    expect(ids({ hideDead: true, hideDense: true })).toEqual([1, 2, 4]);
    expect(ids({ density: { min: 0.015, max: 0.035 } })).toEqual([2, 3]);
    expect(ids({ maxActivation: { min: 7 } })).toEqual([0, 1, 2, 3]);
    expect(ids({ sort: { field: 'maxActivation', dir: 'asc' } })).toEqual([4, 3, 2, 1, 0]);
    expect(ids({ sort: { field: 'density', dir: 'desc' } })).toEqual([4, 3, 2, 1, 0]);
    // labelled first either way, unlabelled by index
    expect(ids({ sort: { field: 'label', dir: 'asc' } })).toEqual([0, 3, 1, 2, 4]);
    expect(ids({ sort: { field: 'label', dir: 'desc' } })).toEqual([3, 0, 1, 2, 4]);
    // rows without statistics last, and out of any range filter
    const bare = [...rows, { index: 5, label: '', category: '', notes: '', favourite: 0 as const }];
    expect(browseFeatures(bare, q({ sort: { field: 'density', dir: 'desc' } })).at(-1)!.index).toBe(5);
    expect(browseFeatures(bare, q({ density: { min: 0 } })).map((r) => r.index)).not.toContain(5);
  });

  it('handles 32k rows quickly', () => {
    const rows = Array.from({ length: 32_768 }, (_, i) => row(i, { density: (i * 7919) % 1000 / 1000, label: i % 100 === 0 ? `label ${i}` : '' }));
    const t0 = performance.now();
    const sorted = browseFeatures(rows, q({ sort: { field: 'density', dir: 'desc' }, search: 'label' }));
    expect(sorted).toHaveLength(328);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('reads range bounds, with percentages', () => {
    expect(parseBound('')).toBeUndefined();
    expect(parseBound(' 0.5 ')).toBe(0.5);
    expect(parseBound('5%')).toBeCloseTo(0.05, 12);
    expect(parseBound('abc')).toBeNaN();
  });
});
