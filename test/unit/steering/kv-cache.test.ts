// The KV-cache path: a decoder exported "with past" is fed only the new token after the first step, and
// gives the same logits as recomputing the whole sequence on the plain export.
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATION_PARAMS, generate } from '../../../src/lm/generate';
import { findHookPoints } from '../../../src/lm/graph/hook-points';
import type { SessionFactory } from '../../../src/lm/steering/ort-sessions';
import { SaeSplice, SplicedLm } from '../../../src/lm/steering/spliced-lm';
import { SteeredLm } from '../../../src/lm/steering/steered-lm';
import { steeringVector } from '../../../src/lm/steering/steering-vector';
import { D, factory, fixtureSae, hookTensor, maxAbsDiff, model, referenceWeights } from './helpers';
import { tinyGpt2WithPast } from './kv-model';

const PROMPT = [12, 140, 7, 299, 33, 258];

/** A factory whose sessions record the input_ids length of every run. */
function recording(inner: SessionFactory, lengths: number[]): SessionFactory {
  return {
    ort: inner.ort,
    async create(bytes, external) {
      const session = await inner.create(bytes, external);
      const run = session.run.bind(session) as (feeds: Record<string, unknown>, fetches?: string[]) => Promise<unknown>;
      Object.defineProperty(session, 'run', {
        value: (feeds: Record<string, { dims: readonly number[] }>, fetches?: string[]) => {
          lengths.push(feeds.input_ids?.dims[1] ?? -1);
          return run(feeds, fetches);
        },
      });
      return session;
    },
  };
}

describe('KV cache', () => {
  const withPast = tinyGpt2WithPast(referenceWeights());
  const detection = findHookPoints(withPast);

  it('finds the same hooks in the export with past', () => {
    if (!detection.ok) throw new Error(detection.reason);
    expect(detection.layers.length).toBe(2);
  });

  it('steered generation through the cache feeds one token per step and matches recomputation', async () => {
    if (!detection.ok) throw new Error(detection.reason);
    const hook = detection.hookPoints.find((h) => h.name === 'blocks.0.hook_resid_post');
    const lengths: number[] = [];
    const cached = await SteeredLm.create(recording(factory(), lengths), withPast, hook?.tensor ?? '', D);
    const plain = await SteeredLm.create(factory(), model(), hookTensor('blocks.0.hook_resid_post'), D);
    expect(cached.usesKvCache).toBe(true);
    const vector = steeringVector(fixtureSae().params.W_dec, D, [{ index: 2, coefficient: 30 }]);
    cached.setSteering(vector);
    plain.setSteering(vector);
    const params = { ...DEFAULT_GENERATION_PARAMS, temperature: 0.8, topK: 0, topP: 1, maxNewTokens: 10, seed: 3 };
    const logitsSeen: [Float32Array, Float32Array][] = [];
    const both = {
      next: async (ids: readonly number[]) => {
        const a = await cached.next(ids);
        const b = await plain.next(ids);
        logitsSeen.push([a, b]);
        return b;
      },
    };
    const result = await generate({ model: both, promptIds: PROMPT, params, sample: 0, decode: (ids) => ids.join(','), contextLength: 64 });
    expect(result.tokens.length).toBe(10);
    for (const [a, b] of logitsSeen) expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
    expect(lengths).toEqual([PROMPT.length, ...new Array<number>(9).fill(1)]);
    // a new steering vector starts the cache again
    cached.setSteering(null);
    await cached.next([...PROMPT, 5]);
    expect(lengths[lengths.length - 1]).toBe(PROMPT.length + 1);
  });

  it('evaluation splicing runs on the export with past (empty caches)', async () => {
    if (!detection.ok) throw new Error(detection.reason);
    const hook = detection.hookPoints.find((h) => h.name === 'blocks.0.hook_resid_post');
    const f = factory();
    const spliced = await SplicedLm.create(f, withPast, hook?.tensor ?? '');
    const plain = await SplicedLm.create(f, model(), hookTensor('blocks.0.hook_resid_post'));
    const rows = { batch: 1, seq: PROMPT.length, ids: PROMPT };
    const splice = await SaeSplice.create(f, fixtureSae(), { output: 'reconstruction' });
    const a = await spliced.prefix(rows);
    const b = await plain.prefix(rows);
    const withSae = await spliced.suffix(a, (await splice.run(a.hook)).activation);
    const plainSae = await plain.suffix(b, (await splice.run(b.hook)).activation);
    expect(maxAbsDiff(withSae.values, plainSae.values)).toBeLessThan(1e-4);
  });
});
