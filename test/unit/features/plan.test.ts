// The extraction job's pure planning: settings, batches spread over the dataset, context passes within a
// memory budget, progress units, token rows of a model run, window lengths, cache row layout, the
// per-latent details blob, and example records.
import { describe, expect, it } from 'vitest';
import { ContextPlan } from '../../../src/analysis/context';
import {
  CacheRowIndex,
  checkExtractionSettings,
  contextPassDone,
  contextPassLatents,
  contiguousRuns,
  dataPassDone,
  decodeDetailsHeader,
  decodeLatentRecord,
  DETAILS_HEADER_BYTES,
  encodeDetailsHeader,
  encodeLatentRecord,
  exampleRecordOf,
  exampleRefsOf,
  ExtractionPlanError,
  ExtractionSettingsError,
  initialWork,
  latentRecordRange,
  planExtraction,
  quantileBands,
  recordBytes,
  requestsByWindow,
  runRows,
  settingsKey,
  settingsOfTemplate,
  sliceRows,
  spreadBatches,
  topTokensOf,
  totalWork,
  trimQuantileExamples,
  windowBatches,
  WindowLengths,
  type ExtractionSettings,
} from '../../../src/analysis/extraction';
import type { FeatureStats, QuantileExample } from '../../../src/analysis/feature-stats';
import { BUILT_IN_EXTRACTION_TEMPLATES } from '../../../src/domain/templates';
import { buildLmBatch } from '../../../src/lm/runner/lm-inputs';

const SETTINGS: ExtractionSettings = { maxTokens: 1000, batchSize: 4, topK: 5, contextPrefix: 3, contextSuffix: 2, quantileExamples: 0 };

describe('settings', () => {
  it('takes a template’s run settings and checks them with the template rules', () => {
    const quick = BUILT_IN_EXTRACTION_TEMPLATES.find((t) => t.fields.name === 'Quick look')!.fields;
    const s = settingsOfTemplate({ ...quick, id: 'x', builtIn: true, favourite: 0, createdAt: 0, updatedAt: 0 });
    expect(s).toEqual({
      maxTokens: quick.maxTokens,
      batchSize: quick.batchSize,
      topK: quick.topK,
      contextPrefix: quick.contextPrefix,
      contextSuffix: quick.contextSuffix,
      quantileExamples: quick.quantileExamples,
      tokenFilters: quick.tokenFilters,
    });
    expect(checkExtractionSettings({ ...SETTINGS, tokenFilters: { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: ['a', 'a', 'b'] } }).tokenFilters!.skipTokens).toEqual(['a', 'b']);
    expect(() => checkExtractionSettings({ ...SETTINGS, topK: 0 })).toThrow(ExtractionSettingsError);
    expect(() => checkExtractionSettings({ ...SETTINGS, topK: 2000 })).toThrow(/topK/);
    expect(() => checkExtractionSettings({ ...SETTINGS, batchSize: 1.5 })).toThrow(/batchSize/);
  });

  it('spreads quantile examples over at most 10 bands, asking at least as many as wanted', () => {
    expect(quantileBands(0)).toBeNull();
    expect(quantileBands(3)).toEqual({ bands: 3, perBand: 1 });
    expect(quantileBands(40)).toEqual({ bands: 10, perBand: 4 });
    expect(quantileBands(15)).toEqual({ bands: 10, perBand: 2 });
  });

  it('gives equal keys to settings that compute the same thing', () => {
    const filters = { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: ['b', 'a'] };
    expect(settingsKey({ ...SETTINGS, tokenFilters: filters })).toBe(settingsKey({ ...SETTINGS, tokenFilters: { ...filters, skipTokens: ['a', 'b', 'a'] } }));
    expect(settingsKey(SETTINGS)).not.toBe(settingsKey({ ...SETTINGS, tokenFilters: filters }));
    expect(settingsKey(SETTINGS)).not.toBe(settingsKey({ ...SETTINGS, topK: 6 }));
  });
});

describe('planExtraction', () => {
  it('takes whole windows within the token budget, in batches spread over the dataset', () => {
    const plan = planExtraction({ windowCount: 100, contextLength: 64, settings: { ...SETTINGS, maxTokens: 640 }, dSae: 32, maxEncodeRows: 1000 });
    expect(plan.windows).toBe(10);
    expect(plan.tokens).toBe(640);
    expect(plan.batches.map((b) => b.end - b.start)).toEqual([4, 4, 2]);
    // spread: the first batch starts at 0, the last ends within the dataset, none overlap
    expect(plan.batches[0]!.start).toBe(0);
    for (let i = 1; i < plan.batches.length; i++) expect(plan.batches[i]!.start).toBeGreaterThanOrEqual(plan.batches[i - 1]!.end);
    expect(plan.batches[2]!.end).toBeLessThanOrEqual(100);
    expect(plan.batches[2]!.start).toBeGreaterThan(50);
    expect(plan.rowsPerEncode).toBe(256);
    expect(plan.passes).toEqual(['statistics']);
    expect(plan.examplesPerLatent).toBe(5);
    expect(plan.contextWidth).toBe(6);
  });

  it('uses every window in order when the budget covers the dataset, and at least one window', () => {
    expect(spreadBatches(10, 10, 4)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
    const tiny = planExtraction({ windowCount: 5, contextLength: 64, settings: { ...SETTINGS, maxTokens: 10, topK: 1 }, dSae: 8, maxEncodeRows: 100 });
    expect(tiny.windows).toBe(1);
    expect(tiny.rowsPerEncode).toBe(100);
  });

  it('covers every window exactly once for any sizes', () => {
    for (const [count, take, batch] of [
      [97, 31, 4],
      [10, 9, 4],
      [1000, 999, 7],
      [5, 1, 16],
      [33, 33, 33],
    ] as const) {
      const batches = spreadBatches(count, take, batch);
      expect(batches.reduce((n, b) => n + b.end - b.start, 0)).toBe(take);
      expect(batches.at(-1)!.end).toBeLessThanOrEqual(count);
      for (let i = 1; i < batches.length; i++) expect(batches[i]!.start).toBeGreaterThanOrEqual(batches[i - 1]!.end);
      for (const b of batches) expect(b.end - b.start).toBeLessThanOrEqual(batch);
    }
  });

  it('adds the sampling pass for quantile examples and splits latents into context passes within the budget', () => {
    const plan = planExtraction({ windowCount: 50, contextLength: 16, settings: { ...SETTINGS, quantileExamples: 15 }, dSae: 100, maxEncodeRows: 64, contextBudget: 25 * 6 * 30 });
    expect(plan.passes).toEqual(['statistics', 'sampling']);
    expect(plan.quantile).toEqual({ bands: 10, perBand: 2 });
    expect(plan.examplesPerLatent).toBe(25);
    expect(plan.latentsPerContextPass).toBe(30);
    expect(plan.contextPasses).toBe(4);
    expect(contextPassLatents(plan, 100)).toEqual([
      { start: 0, end: 30 },
      { start: 30, end: 60 },
      { start: 60, end: 90 },
      { start: 90, end: 100 },
    ]);
    expect(plan.rowsPerEncode).toBe(64);
  });

  it('refuses what cannot run, saying what to do', () => {
    const base = { windowCount: 10, contextLength: 16, settings: SETTINGS, dSae: 4, maxEncodeRows: 10 };
    for (const bad of [{ windowCount: 0 }, { contextLength: 0 }, { dSae: 0 }, { maxEncodeRows: 0 }]) {
      const error = (() => {
        try {
          planExtraction({ ...base, ...bad });
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(ExtractionPlanError);
      expect((error as ExtractionPlanError).action).toBeTruthy();
    }
  });

  it('batches and reads window lists', () => {
    expect(windowBatches([1, 2, 5, 6, 7], 2)).toEqual([[1, 2], [5, 6], [7]]);
    expect(contiguousRuns([1, 2, 5, 6, 7, 9])).toEqual([
      { start: 1, end: 3 },
      { start: 5, end: 8 },
      { start: 9, end: 10 },
    ]);
    expect(contiguousRuns([])).toEqual([]);
  });
});

describe('progress', () => {
  it('counts windows over all passes, estimating the context passes until they are planned', () => {
    const plan = planExtraction({ windowCount: 100, contextLength: 8, settings: { ...SETTINGS, maxTokens: 800, quantileExamples: 2, topK: 3 }, dSae: 10, maxEncodeRows: 64, contextBudget: 5 * 6 * 4 });
    const work = initialWork(plan, 10);
    expect(work.dataWindows).toBe(200);
    // 4 latents · 5 examples = 20 windows at most per context pass (of 100)
    expect(work.contextWindows).toEqual([20, 20, 10]);
    expect(totalWork(work)).toBe(250);
    expect(dataPassDone(plan, 1, 30)).toBe(130);
    work.contextWindows[0] = 7;
    expect(contextPassDone(work, 1, 3)).toBe(210);
    expect(totalWork(work)).toBe(237);
  });
});

describe('runRows', () => {
  it('gives each activation row its window, position and token, in the runner’s kept order', () => {
    const tokens = Uint16Array.from([5, 6, 7, 8, 9, 0, 1, 2, 3]);
    const lengths = Uint32Array.from([3, 2, 3]);
    const rows = runRows([4, 9, 10], tokens, 3, lengths);
    expect([...rows.windows]).toEqual([4, 4, 4, 9, 9, 10, 10, 10]);
    expect([...rows.positions]).toEqual([0, 1, 2, 0, 1, 0, 1, 2]);
    expect([...rows.tokenIds]).toEqual([5, 6, 7, 8, 9, 1, 2, 3]);
    const lm = buildLmBatch({ tokens, lengths, rows: 3, contextLength: 3 });
    expect(lm.keep.length).toBe(rows.windows.length);
    for (let r = 0; r < lm.keep.length; r++) {
      expect(Math.floor(lm.keep[r]! / lm.seq)).toBe([4, 9, 10].indexOf(rows.windows[r]!));
      expect(lm.keep[r]! % lm.seq).toBe(rows.positions[r]);
    }
  });

  it('flags rows whose token may not be an example, and slices without copying', () => {
    const excluded = new Uint8Array(10);
    excluded[6] = 1;
    const rows = runRows([0, 1], Uint32Array.from([5, 6, 7, 6]), 2, null, excluded);
    expect([...rows.excluded!]).toEqual([0, 1, 0, 1]);
    const s = sliceRows(rows, 1, 3);
    expect([...s.windows]).toEqual([0, 1]);
    expect([...s.positions]).toEqual([1, 0]);
    expect([...s.excluded!]).toEqual([1, 0]);
    expect(() => runRows([0], Uint16Array.from([1, 2, 3]), 2, null)).toThrow(RangeError);
  });
});

describe('WindowLengths', () => {
  it('keeps the recorded length of every window the plan runs', () => {
    const lengths = new WindowLengths(spreadBatches(100, 6, 3), 16);
    const [a, b] = spreadBatches(100, 6, 3);
    lengths.record(a!.start, [16, 3, 40]);
    expect(lengths.get(a!.start)).toBe(16);
    expect(lengths.get(a!.start + 1)).toBe(3);
    expect(lengths.get(a!.start + 2)).toBe(16); // clipped to the context length
    expect(lengths.get(b!.start + 1)).toBe(16); // not recorded: full
    expect(() => lengths.get(a!.end)).toThrow(RangeError);
  });
});

describe('CacheRowIndex', () => {
  it('finds the rows of windows across shards and uses only windows stored whole', () => {
    const lens = [4, 2, 4, 3, 4];
    const index = new CacheRowIndex([{ rows: 5 }, { rows: 7 }], 5, (w) => lens[w]!);
    // rows: w0 0–4, w1 4–6, w2 6–10, w3 10–13 (past the 12 stored)
    expect(index.coveredWindows).toBe(3);
    expect(index.windowRows({ start: 1, end: 3 })).toEqual({ start: 4, end: 10 });
    expect(index.segments(4, 10)).toEqual([
      { shard: 0, from: 4, to: 5 },
      { shard: 1, from: 0, to: 5 },
    ]);
    expect(() => index.windowRows({ start: 2, end: 4 })).toThrow(RangeError);
    expect(() => index.segments(10, 13)).toThrow(RangeError);
  });
});

describe('details blob', () => {
  it('round-trips the header and each latent’s histogram and logit effects at its own byte range', () => {
    const header = { dSae: 3, bins: 4, topN: 2, histogram: { minLog10: -1, maxLog10: 1, binsPerDecade: 2 } };
    const latents = [
      { histogram: [7, 1, 0, 2, 0], promoted: [{ token: 5, value: 1.5 }, { token: 2, value: 0.25 }], suppressed: [{ token: 9, value: -2 }] },
      { histogram: [10, 0, 0, 0, 0], promoted: [], suppressed: [] },
      { histogram: [0, 1, 2, 3, 4], promoted: [{ token: 1, value: 3 }, { token: 2, value: 2 }, { token: 3, value: 1 }], suppressed: [] },
    ];
    const parts = [encodeDetailsHeader(header), ...latents.map((l) => encodeLatentRecord(header, l))];
    const blob = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) (blob.set(p, at), (at += p.byteLength));
    expect(blob.byteLength).toBe(DETAILS_HEADER_BYTES + 3 * recordBytes(4, 2));
    const h = decodeDetailsHeader(blob.subarray(0, DETAILS_HEADER_BYTES));
    expect(h).toEqual(header);
    const read = (i: number) => {
      const r = latentRecordRange(h, i);
      return decodeLatentRecord(h, blob.subarray(r.start, r.end));
    };
    expect(read(0)).toEqual(latents[0]);
    expect(read(1)).toEqual(latents[1]);
    expect(read(2)).toEqual({ ...latents[2], promoted: latents[2]!.promoted.slice(0, 2) });
    expect(() => latentRecordRange(h, 3)).toThrow(/does not exist/);
    expect(() => decodeDetailsHeader(new Uint8Array(48))).toThrow(/not in the expected format/);
    expect(() => encodeLatentRecord(header, { histogram: [1], promoted: [], suppressed: [] })).toThrow();
  });
});

describe('examples', () => {
  const q = (band: number, act: number): QuantileExample => ({ band, act, window: 0, pos: band });

  it('trims quantile examples evenly over the bands', () => {
    const all = [q(0, 1), q(0, 0.9), q(1, 2), q(1, 1.9), q(2, 3), q(2, 2.9)];
    expect(trimQuantileExamples(all, 3, 6)).toEqual(all);
    expect(trimQuantileExamples(all, 3, 4).map((e) => e.band)).toEqual([0, 1, 2, 2]);
    expect(trimQuantileExamples(all, 3, 3).map((e) => e.band)).toEqual([0, 1, 2]);
  });

  it('builds records with the example’s own token, context activations and dataset place', () => {
    const stats: FeatureStats = {
      index: 2,
      tokens: 20,
      fired: 3,
      density: 0.15,
      maxActivation: 4,
      meanActivation: 2,
      histogram: [],
      dead: false,
      dense: true,
      topExamples: [
        { act: 4, window: 1, pos: 0 },
        { act: 3, window: 0, pos: 4 },
      ],
      quantileExamples: [q(0, 1), q(1, 2)].map((e) => ({ ...e, window: 1, pos: 3 })),
    };
    const refs = exampleRefsOf(stats, { bands: 2, wanted: 1 });
    expect(refs.map((r) => [r.kind, r.rank, r.window, r.pos])).toEqual([
      ['top', 0, 1, 0],
      ['top', 1, 0, 4],
      ['quantile', 0, 1, 3],
    ]);
    const plan = new ContextPlan(refs, () => 5, { prefix: 2, suffix: 1 });
    const byWindow = requestsByWindow(plan);
    expect([...byWindow.keys()].sort()).toEqual([0, 1]);
    // window 0 ids 0..4, window 1 ids 5..9; z = 10·window + pos on latent 2
    plan.fillFromActivations(Float32Array.from({ length: 10 * 3 }, (_, i) => (i % 3 === 2 ? Math.floor(i / 3) : 0)), 3, {
      windows: Uint32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]),
      positions: Uint32Array.from([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]),
    });
    const pieces = (w: number) => ['a', 'b', 'c', 'd', 'e'].map((p) => `${p}${w}`);
    const records = plan.requests.map((r) => exampleRecordOf('sae', plan, r, pieces(r.window)));
    expect(records[0]).toEqual({ saeId: 'sae', featureIndex: 2, kind: 'top', rank: 0, tokens: ['a1', 'b1'], activations: [5, 6], focus: 0, act: 4, window: 1, pos: 0 });
    expect(records[1]).toMatchObject({ tokens: ['c0', 'd0', 'e0'], activations: [2, 3, 4], focus: 2 });
    expect(records[2]).toMatchObject({ kind: 'quantile', band: 1, tokens: ['b1', 'c1', 'd1', 'e1'], focus: 2 });
    expect(topTokensOf(records.filter((r) => r.kind === 'top'))).toEqual(['a1', 'e0']);
    expect(topTokensOf([{ rank: 1, tokens: ['x'], focus: 0 }, { rank: 0, tokens: ['x'], focus: 0 }, { rank: 2, tokens: ['y', 'z'], focus: 1 }])).toEqual(['x', 'z']);
    expect(() => exampleRecordOf('sae', plan, plan.requests[1]!, ['too', 'short'])).toThrow(RangeError);
  });
});
