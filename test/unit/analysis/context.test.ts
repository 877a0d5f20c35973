import { describe, expect, it } from 'vitest';
import {
  accumulateBatch,
  buildFeatureExamples,
  ContextError,
  ContextPlan,
  contextRange,
  emptyFeatureStats,
  exampleRefs,
  featureStatsOf,
  toFeatureExampleRecord,
  windowLength,
  wholeWindowBatch,
  type ExampleRef,
  type TokenWindows,
} from '../../../src/analysis';

// 3 windows of 6 tokens; window 2 is padded after 4 tokens. Token id = 10·window + position.
const windows: TokenWindows = {
  tokens: Uint16Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 6) + (i % 6)),
  contextLength: 6,
  lengths: [6, 6, 4],
};
const decode = (ids: readonly number[]) => ids.map((id) => (id === 11 ? '<script>alert(1)</script>' : `t${id}`));

describe('contexts of examples', () => {
  it('clips the context to the window and its padding', () => {
    expect(contextRange(0, 6, { prefix: 2, suffix: 1 })).toEqual({ start: 0, end: 2 });
    expect(contextRange(3, 6, { prefix: 2, suffix: 1 })).toEqual({ start: 1, end: 5 });
    expect(contextRange(5, 6, { prefix: 2, suffix: 4 })).toEqual({ start: 3, end: 6 });
    expect(windowLength(windows, 2)).toBe(4);
    expect(() => windowLength(windows, 3)).toThrow(ContextError);
  });

  it('plans, gathers over batches and builds examples and records', () => {
    const refs: ExampleRef[] = [
      { latent: 1, kind: 'top', rank: 0, act: 5, window: 1, pos: 1 },
      { latent: 0, kind: 'quantile', rank: 0, act: 2, window: 2, pos: 3, band: 1 },
      { latent: 1, kind: 'top', rank: 1, act: 4, window: 1, pos: 5 },
    ];
    const plan = new ContextPlan(refs, (w) => windowLength(windows, w), { prefix: 2, suffix: 1 });
    expect(plan.windows).toEqual([1, 2]);
    expect(plan.requests.map((r) => [r.start, r.end])).toEqual([
      [0, 3],
      [1, 4],
      [3, 6],
    ]);
    expect(plan.remaining).toBe(9);
    // z of latent j at (w, p) = 100·j + 10·w + p; windows 1 and 2 arrive in two batches split mid-window
    const dSae = 2;
    const batchZ = (first: number, count: number) => {
      const all = wholeWindowBatch(1, 2, 6);
      const batch = { windows: all.windows.slice(first, first + count), positions: all.positions.slice(first, first + count) };
      const z = new Float32Array(count * dSae);
      for (let b = 0; b < count; b++) for (let j = 0; j < dSae; j++) z[b * dSae + j] = 100 * j + 10 * batch.windows[b]! + batch.positions[b]!;
      return { z, batch };
    };
    const first = batchZ(0, 8);
    plan.fillFromActivations(first.z, dSae, first.batch);
    expect(plan.remaining).toBe(2); // window 2 positions 2 and 3 come in the next batch
    expect(() => buildFeatureExamples(plan, windows, decode)).toThrow(/never gathered/);
    // the GPU path: the gather list, values looked up elsewhere, then fill
    const second = batchZ(8, 4);
    const list = plan.gatherList(second.batch);
    expect(Array.from(list.latents)).toEqual([0, 0]);
    expect(Array.from(list.rows)).toEqual([0, 1]);
    plan.fill(list.targets, Array.from(list.rows, (row, i) => second.z[row * dSae + list.latents[i]!]!));
    expect(plan.remaining).toBe(0);

    const examples = buildFeatureExamples(plan, windows, decode);
    expect(examples[0]).toEqual({
      latent: 1, kind: 'top', rank: 0, act: 5, window: 1, pos: 1,
      focus: 1, tokenIds: [10, 11, 12], tokens: ['t10', '<script>alert(1)</script>', 't12'], activations: [110, 111, 112],
    });
    expect(examples[1]).toMatchObject({ band: 1, focus: 2, tokenIds: [21, 22, 23], activations: [21, 22, 23] });
    expect(examples[2]).toMatchObject({ focus: 2, tokenIds: [13, 14, 15], activations: [113, 114, 115] });
    expect(toFeatureExampleRecord('sae1', examples[1]!)).toEqual({
      id: 'sae1:0:quantile:0', saeId: 'sae1', featureIndex: 0, kind: 'quantile', rank: 0, tokens: ['t21', 't22', 't23'], activations: [21, 22, 23],
    });
  });

  it('takes its examples from FeatureStats and rejects bad requests', () => {
    const stats = emptyFeatureStats(1, { k: 2 });
    accumulateBatch(stats, Float32Array.of(0, 3, 1), { windows: Uint32Array.of(0, 0, 1), positions: Uint32Array.of(0, 1, 0) });
    const refs = exampleRefs(featureStatsOf(stats, 0));
    expect(refs).toEqual([
      { latent: 0, kind: 'top', rank: 0, act: 3, window: 0, pos: 1 },
      { latent: 0, kind: 'top', rank: 1, act: 1, window: 1, pos: 0 },
    ]);
    expect(() => new ContextPlan(refs, () => 1, { prefix: 1, suffix: 1 })).toThrow(/outside window 0/);
    expect(() => new ContextPlan(refs, () => 6, { prefix: -1, suffix: 1 })).toThrow(ContextError);
    const plan = new ContextPlan(refs, () => 6, { prefix: 0, suffix: 0 });
    expect(() => plan.fill(Uint32Array.of(0), [])).toThrow(/1 requests/);
    plan.fill(Uint32Array.of(0, 1), [3, 1]);
    expect(() => buildFeatureExamples(plan, windows, () => [])).toThrow(/decoder returned 0 strings/);
  });
});
