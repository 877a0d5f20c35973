// Graph-level checks of steering and splicing on the tiny GPT-2 with ORT (wasm), against the float64 reference.
import { describe, expect, it } from 'vitest';
import { generate, DEFAULT_GENERATION_PARAMS, type NextTokenLogits } from '../../../src/lm/generate';
import { gpt2Forward } from '../../../src/lm/reference/gpt2-forward';
import { SteeredLm } from '../../../src/lm/steering/steered-lm';
import { SaeSplice, SplicedLm } from '../../../src/lm/steering/spliced-lm';
import { steeringVector } from '../../../src/lm/steering/steering-vector';
import { encodePre, inferenceForward, toReferenceParams } from '../../../src/sae/reference';
import { D, factory, fixtureSae, hookTensor, identitySae, maxAbsDiff, model, modelBytes, ort, randomSae, referenceWeights, VOCAB } from './helpers';
import { createSession, int64Tensor, runFloat } from '../lm/ort-helpers';

const HOOK = 'blocks.0.hook_resid_post';
const PROMPT = [12, 140, 7, 299, 33, 258, 90, 4];

async function fullLogits(rows: number[][]): Promise<Float32Array> {
  const session = await createSession(modelBytes());
  const out = await runFloat(session, { input_ids: int64Tensor(rows), attention_mask: int64Tensor(rows.map((r) => r.map(() => 1))) });
  return out.logits?.data ?? new Float32Array();
}

/** Reference logits of the last position with `edit` applied to the hook activation. */
function referenceLast(tokens: number[], edit: (x: Float64Array) => Float64Array): Float64Array {
  const logits = gpt2Forward(referenceWeights(), tokens, {
    hook: (site, x) => (site.layer === 0 && site.kind === 'hook_resid_post' ? edit(x) : undefined),
  });
  return logits.slice(logits.length - VOCAB);
}

describe('steering through the injected graph', () => {
  it('a steering vector of zero leaves the logits unchanged', async () => {
    const lm = await SteeredLm.create(factory(), model(), hookTensor(HOOK), D);
    expect(lm.usesKvCache).toBe(false);
    const full = await fullLogits([PROMPT]);
    const last = full.slice(full.length - VOCAB);
    lm.setSteering(steeringVector(fixtureSae().params.W_dec, D, [{ index: 0, coefficient: 0 }, { index: 3, coefficient: 0 }]));
    expect(maxAbsDiff(await lm.next(PROMPT), last)).toBe(0);
    lm.setSteering(null);
    expect(maxAbsDiff(await lm.next(PROMPT), last)).toBe(0);
    await lm.release();
  });

  it('agrees with the float64 reference forward with the vector added, within 1e-4, token after token', async () => {
    const sae = fixtureSae();
    const features = [{ index: 0, coefficient: 40 }, { index: 5, coefficient: -25 }];
    const vector = steeringVector(sae.params.W_dec, D, features);
    const lm = await SteeredLm.create(factory(), model(), hookTensor(HOOK), D);
    lm.setSteering(vector);
    const steered = await lm.next(PROMPT);
    const expected = referenceLast(PROMPT, (x) => x.map((v, i) => v + vector[i % D]));
    expect(maxAbsDiff(steered, expected)).toBeLessThan(1e-4);
    const clean = referenceLast(PROMPT, (x) => x);
    expect(maxAbsDiff(steered, clean)).toBeGreaterThan(0.1);

    // greedy generation through ORT and through the reference pick the same tokens
    const reference: NextTokenLogits = { next: async (ids) => Float32Array.from(referenceLast([...ids], (x) => x.map((v, i) => v + vector[i % D]))) };
    const params = { ...DEFAULT_GENERATION_PARAMS, temperature: 0, repetitionPenalty: 1, maxNewTokens: 8 };
    const run = (m: NextTokenLogits) => generate({ model: m, promptIds: PROMPT, params, sample: 0, decode: (ids) => ids.join(' '), contextLength: 64 });
    expect((await run(lm)).tokens).toEqual((await run(reference)).tokens);
    await lm.release();
  });
});

describe('splicing an SAE at the hook', () => {
  it.each(['blocks.0.hook_resid_pre', 'blocks.0.hook_resid_post', 'blocks.1.hook_mlp_out'])(
    'an identity "SAE" at %s reproduces the clean logits within 1e-5; keep-error without edits is exact',
    async (hook) => {
      const f = factory();
      const spliced = await SplicedLm.create(f, model(), hookTensor(hook));
      const rows = { batch: 2, seq: 8, ids: [...PROMPT, 5, 9, 61, 17, 280, 5, 101, 76], lengths: [8, 6] };
      const run = await spliced.prefix(rows);
      const identity = await SaeSplice.create(f, identitySae(D), { output: 'reconstruction' });
      const reconstructed = await spliced.suffix(run, (await identity.run(run.hook)).activation);
      const clean = await spliced.suffix(run);
      expect(reconstructed.vocab).toBe(VOCAB);
      expect(maxAbsDiff(reconstructed.values, clean.values)).toBeLessThan(1e-5);
      const full = await fullLogits([PROMPT]);
      expect(maxAbsDiff(clean.values.slice(0, 8 * VOCAB), full)).toBeLessThan(1e-5);
      const passThrough = await SaeSplice.create(f, fixtureSae(), { output: 'keep-error' });
      expect(maxAbsDiff((await spliced.suffix(run, (await passThrough.run(run.hook)).activation)).values, clean.values)).toBe(0);
    },
  );

  it('splicing an SAE that reconstructs zeros equals zero-ablation of the hook', async () => {
    const f = factory();
    const spliced = await SplicedLm.create(f, model(), hookTensor(HOOK));
    const run = await spliced.prefix({ batch: 1, seq: 8, ids: PROMPT });
    const zeroSae = identitySae(D);
    zeroSae.params.W_dec.fill(0);
    const splice = await SaeSplice.create(f, zeroSae, { output: 'reconstruction' });
    const viaSae = await spliced.suffix(run, (await splice.run(run.hook)).activation);
    const ablated = await spliced.suffix(run, spliced.zeros(run));
    expect(maxAbsDiff(viaSae.values, ablated.values)).toBe(0);
    expect(maxAbsDiff(ablated.values, (await spliced.suffix(run)).values)).toBeGreaterThan(0.1);
    const expected = referenceLast(PROMPT, (x) => x.map(() => 0));
    expect(maxAbsDiff(ablated.values.slice(7 * VOCAB), expected)).toBeLessThan(1e-4);
  });

  it.each(['relu', 'topk', 'jumprelu'] as const)('the %s splice graph matches the reference SAE forward, with its L0 and firing counts', async (architecture) => {
    const sae = randomSae(architecture, D, 48, 9);
    const x = Float32Array.from({ length: 2 * 3 * D }, (_, i) => Math.sin(i * 0.7) * 2);
    const splice = await SaeSplice.create(factory(), sae, { output: 'reconstruction', stats: true });
    const mask = Float32Array.of(1, 1, 0, 1, 0, 1);
    const out = await splice.run(new ort.Tensor('float32', x, [2, 3, D]), mask);
    const cfg = { architecture, apply_b_dec_to_input: true, k: sae.k };
    const p = toReferenceParams(sae.params, { architecture, d_in: D, d_sae: 48 });
    const ref = inferenceForward(cfg, p, x, { B: 6, dIn: D, dSae: 48 }, null);
    expect(maxAbsDiff(await out.activation.getData() as Float32Array, ref.xHat)).toBeLessThan(1e-5);
    const l0 = Array.from({ length: 6 }, (_, r) => ref.featureActs.slice(r * 48, (r + 1) * 48).filter((v) => v > 0).length);
    expect(Array.from(out.l0 ?? [])).toEqual(l0);
    const fires = Array.from({ length: 48 }, (_, j) => [0, 1, 2, 3, 4, 5].filter((r) => mask[r] === 1 && ref.featureActs[r * 48 + j] > 0).length);
    expect(Array.from(out.fires ?? [])).toEqual(fires);
    if (architecture === 'topk') expect(Math.max(...l0)).toBeLessThanOrEqual(5);
  });

  it('ablating and clamping features keeps the SAE error and matches the reference edit within 1e-4', async () => {
    const f = factory();
    const sae = fixtureSae();
    const spliced = await SplicedLm.create(f, model(), hookTensor(HOOK));
    const run = await spliced.prefix({ batch: 1, seq: 8, ids: PROMPT });
    const edit = await SaeSplice.create(f, sae, { output: 'keep-error', ablate: [0, 1], clamp: [{ index: 2, value: 3 }] });
    const logits = await spliced.suffix(run, (await edit.run(run.hook)).activation);
    const p = toReferenceParams(sae.params, { architecture: 'relu', d_in: D, d_sae: sae.dSae });
    const expected = referenceLast(PROMPT, (x) => {
      const rows = x.length / D;
      const { hiddenPre } = encodePre(x, p, { B: rows, dIn: D, dSae: sae.dSae }, true);
      const out = x.slice();
      for (let r = 0; r < rows; r++) {
        const z = (j: number) => Math.max(0, hiddenPre[r * sae.dSae + j]);
        const delta = [[0, -z(0)], [1, -z(1)], [2, 3 - z(2)]];
        for (const [j, c] of delta) for (let i = 0; i < D; i++) out[r * D + i] += c * p.W_dec[j * D + i];
      }
      return out;
    });
    expect(maxAbsDiff(logits.values.slice(7 * VOCAB), expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(logits.values, (await spliced.suffix(run)).values)).toBeGreaterThan(1e-3);
  });
});
