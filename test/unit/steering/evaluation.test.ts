// Evaluation of an SAE spliced into the tiny GPT-2 (ORT wasm) against the same quantities computed with the
// float64 reference forward and the reference SAE; metrics maths on hand-made numbers; resuming.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvaluation, evaluationBatchWindows, type EvaluationWindows } from '../../../src/analysis/evaluation';
import {
  addActivations,
  addLogits,
  emptyEvaluationState,
  evaluationMetrics,
  parseEvaluationState,
  type EvaluationState,
} from '../../../src/analysis/evaluation-metrics';
import { gpt2Forward } from '../../../src/lm/reference/gpt2-forward';
import { ablationEffect } from '../../../src/lm/steering/ablation';
import { tokenCrossEntropy, klDivergence } from '../../../src/lm/steering/distribution';
import type { SpliceSae } from '../../../src/lm/steering/sae-graph';
import { SaeSplice, SplicedLm } from '../../../src/lm/steering/spliced-lm';
import { inferenceForward, toReferenceParams } from '../../../src/sae/reference';
import { D, factory, fixtureSae, hookTensor, identitySae, model, referenceWeights, tokenizer, VOCAB } from './helpers';

const HOOK = 'blocks.0.hook_resid_post';
const SEQ = 16;
const EOS = 299;

/** Six windows of 16 tokens packed from the tiny dataset; the last two hold 11 and 5 real tokens. */
function tinyWindows(): { windows: EvaluationWindows; ids: number[]; lengths: number[] } {
  const tok = tokenizer();
  const lines = readFileSync(resolve(import.meta.dirname, '../../fixtures/datasets/tiny.txt'), 'utf8').split('\n').filter(Boolean);
  const stream = lines.slice(0, 30).flatMap((line) => [...tok.encode(line), EOS]);
  const lengths = [16, 16, 16, 16, 11, 5];
  const ids: number[] = [];
  let at = 0;
  for (const length of lengths) {
    const row = stream.slice(at, at + length);
    at += length;
    ids.push(...row, ...new Array<number>(SEQ - length).fill(0));
  }
  return {
    ids,
    lengths,
    windows: {
      contextLength: SEQ,
      read: async (start, end) => ({ tokens: ids.slice(start * SEQ, end * SEQ), lengths: Uint32Array.from(lengths.slice(start, end)) }),
    },
  };
}

/** The metrics computed window by window with the float64 model and SAE. */
function referenceMetrics(sae: SpliceSae, ids: number[], lengths: number[]) {
  const weights = referenceWeights();
  const p = toReferenceParams(sae.params, { architecture: sae.architecture, d_in: D, d_sae: sae.dSae });
  const reconstruct = (x: Float64Array) =>
    inferenceForward({ architecture: sae.architecture, apply_b_dec_to_input: sae.applyBDecToInput, k: sae.k }, p, x, { B: x.length / D, dIn: D, dSae: sae.dSae }, null);
  let ce = [0, 0, 0];
  let kl = 0;
  let n = 0;
  let compared = 0;
  lengths.forEach((length, w) => {
    const tokens = ids.slice(w * SEQ, w * SEQ + length);
    const run = (edit: (x: Float64Array) => Float64Array) =>
      gpt2Forward(weights, tokens, { hook: (site, x) => (site.layer === 0 && site.kind === 'hook_resid_post' ? edit(x) : undefined) });
    const clean = run((x) => x);
    const spliced = run((x) => reconstruct(x).xHat);
    const zero = run((x) => x.map(() => 0));
    for (let t = 0; t < length; t++) {
      kl += klDivergence(clean, spliced, t * VOCAB, t * VOCAB, VOCAB);
      compared++;
      if (t + 1 < length) {
        ce = [clean, spliced, zero].map((l, i) => (ce[i] ?? 0) + tokenCrossEntropy(l, t * VOCAB, VOCAB, tokens[t + 1] ?? 0));
        n++;
      }
    }
  });
  return { ceClean: ce[0]! / n, ceSpliced: ce[1]! / n, ceZero: ce[2]! / n, kl: kl / compared };
}

async function evaluate(sae: SpliceSae, opts: { batchWindows?: number; stopAfter?: number; state?: EvaluationState; done?: number } = {}) {
  const f = factory();
  const spliced = await SplicedLm.create(f, model(), hookTensor(HOOK));
  const splice = await SaeSplice.create(f, sae, { output: 'reconstruction', stats: true });
  const { windows } = tinyWindows();
  let batches = 0;
  return runEvaluation({
    spliced,
    splice,
    windows,
    first: 0,
    count: 6,
    batchWindows: opts.batchWindows ?? 4,
    excludedTokens: new Set([EOS]),
    state: opts.state ?? emptyEvaluationState(D, sae.dSae),
    done: opts.done ?? 0,
    onBatch: async () => void batches++,
    shouldStop: () => opts.stopAfter !== undefined && batches >= opts.stopAfter,
  });
}

describe('evaluation metrics', () => {
  it('accumulates CE, KL, explained variance, L0 and dead/dense fractions', () => {
    const s = emptyEvaluationState(2, 4);
    // one window of 3 tokens over a vocabulary of 2; spliced = clean, zero = uniform
    const clean = Float32Array.of(0, Math.log(3), Math.log(3), 0, 0, 0);
    addLogits(s, { batch: 1, seq: 3, ids: [0, 1, 0], lengths: [3] }, 2, clean, clean, new Float32Array(6));
    const m0 = evaluationMetrics(s);
    // both predictions give the right token 3/4
    expect(m0.ceClean).toBeCloseTo(-Math.log(0.75), 6);
    expect(m0.ceZero).toBeCloseTo(Math.log(2), 12);
    expect(m0.ceLossRecovered).toBe(1);
    expect(m0.kl).toBe(0);
    // x = (1,0), (3,0): mean (2,0), variance sum 2; x̂ off by 1 in one row
    addActivations(s, Float32Array.of(1, 0, 3, 0, 9, 9), Float32Array.of(1, 0, 2, 0, 0, 0), [1, 1, 0], [2, 1, 7], [2, 0, 1, 1]);
    const m = evaluationMetrics(s, 0.5);
    expect(m.tokens).toBe(2);
    expect(m.explainedVariance).toBeCloseTo(0.5, 12);
    expect(m.l0).toBe(1.5);
    expect(m.deadFraction).toBe(0.25);
    // fires/tokens: 1, 0, 0.5, 0.5 → only the first is above 0.5
    expect(m.denseFraction).toBe(0.25);
    expect(parseEvaluationState(JSON.parse(JSON.stringify(s)), 2, 4)).toEqual(s);
    expect(parseEvaluationState(s, 3, 4)).toBeNull();
    expect(parseEvaluationState('x', 2, 4)).toBeNull();
  });

  it('sizes batches by the logits they produce', () => {
    expect(evaluationBatchWindows(128, 50_257)).toBe(1);
    expect(evaluationBatchWindows(16, 300)).toBe(32);
    expect(evaluationBatchWindows(64, 32_000, 8_192_000)).toBe(4);
  });
});

describe('evaluating an SAE spliced into the tiny model', () => {
  it('agrees with the float64 reference: CE clean/spliced/zero and KL within 1e-4', async () => {
    const sae = fixtureSae();
    const { ids, lengths } = tinyWindows();
    const outcome = await evaluate(sae);
    expect(outcome).toMatchObject({ done: 6, stopped: false });
    const m = evaluationMetrics(outcome.state);
    const ref = referenceMetrics(sae, ids, lengths);
    expect(m.ceClean).toBeCloseTo(ref.ceClean, 4);
    expect(m.ceSpliced).toBeCloseTo(ref.ceSpliced, 4);
    expect(m.ceZero).toBeCloseTo(ref.ceZero, 4);
    expect(m.kl).toBeCloseTo(ref.kl, 4);
    expect(m.windows).toBe(6);
    // (the tiny model's weights are random: zeroing its stream does not hurt it as it would a trained model,
    // so the ratio is not confined to [0, 1] here)
    expect(m.ceLossRecovered).toBeCloseTo((ref.ceZero - ref.ceSpliced) / (ref.ceZero - ref.ceClean), 3);
    // the fixture is a 12-direction projection: a partial reconstruction
    expect(m.explainedVariance).toBeGreaterThan(0.3);
    expect(m.explainedVariance).toBeLessThan(1);
    // ± pairs: one of each pair fires (or neither at exactly zero); the 8 random latents never fire
    expect(m.l0).toBeGreaterThan(10);
    expect(m.l0).toBeLessThanOrEqual(12);
    expect(m.deadFraction).toBe(8 / 32);
    // real tokens only, EOS left out
    expect(m.tokens).toBe(ids.filter((id, i) => id !== EOS && i % SEQ < (lengths[Math.floor(i / SEQ)] ?? 0)).length);
  });

  it('an identity SAE recovers all of the CE loss with explained variance 1; zeros recover none', async () => {
    const identity = evaluationMetrics((await evaluate(identitySae(D))).state);
    expect(identity.ceLossRecovered).toBeCloseTo(1, 4);
    expect(identity.explainedVariance).toBeCloseTo(1, 6);
    expect(identity.kl).toBeLessThan(1e-6);
    const zeros = identitySae(D);
    zeros.params.W_dec.fill(0);
    const zero = evaluationMetrics((await evaluate(zeros)).state);
    expect(zero.ceLossRecovered).toBeCloseTo(0, 6);
  });

  it('stops between batches and continues from the saved state to the same result', async () => {
    const sae = fixtureSae();
    const whole = evaluationMetrics((await evaluate(sae, { batchWindows: 2 })).state);
    const first = await evaluate(sae, { batchWindows: 2, stopAfter: 1 });
    expect(first).toMatchObject({ done: 2, stopped: true });
    const saved = parseEvaluationState(JSON.parse(JSON.stringify(first.state)), D, sae.dSae);
    if (!saved) throw new Error('state did not survive a round trip');
    const rest = await evaluate(sae, { batchWindows: 2, state: saved, done: first.done });
    const resumed = evaluationMetrics(rest.state);
    for (const key of ['ceClean', 'ceSpliced', 'ceZero', 'kl', 'explainedVariance', 'l0', 'deadFraction'] as const) {
      expect(resumed[key]).toBeCloseTo(whole[key], 9);
    }
  });
});

describe('ablation at the prompt', () => {
  const prompt = [12, 140, 7, 33, 258, 90, 4];

  it('ablating an active feature moves the distribution; an inactive one changes nothing', async () => {
    const f = factory();
    const sae = fixtureSae();
    const spliced = await SplicedLm.create(f, model(), hookTensor(HOOK));
    const probe = await ablationEffect(spliced, f, sae, prompt, { ablate: [24], clamp: [], keepError: true, topK: 5 });
    // latent 24 is one of the dead ones
    expect(probe.editedActivations).toEqual([{ index: 24, value: 0 }]);
    expect(probe.kl).toBe(0);
    expect(probe.before).toEqual(probe.after);
    const active = probe.activeFeatures[0];
    if (!active) throw new Error('no active feature');
    const ablated = await ablationEffect(spliced, f, sae, prompt, { ablate: [active.index], clamp: [], keepError: true, topK: 5 });
    expect(ablated.kl).toBeGreaterThan(0);
    expect(ablated.editedActivations[0]?.value).toBeCloseTo(active.value, 5);
    expect(ablated.changes.length).toBeGreaterThanOrEqual(5);
    expect(ablated.before[0]?.probability).toBeCloseTo(ablated.changes.find((c) => c.id === ablated.before[0]?.id)?.before ?? -1, 9);
    const clamped = await ablationEffect(spliced, f, sae, prompt, { ablate: [], clamp: [{ index: active.index, value: active.value * 10 }], keepError: true, topK: 5 });
    expect(clamped.kl).toBeGreaterThan(ablated.kl);
    // replacing the activation by the reconstruction also loses the SAE's error
    const lossy = await ablationEffect(spliced, f, sae, prompt, { ablate: [24], clamp: [], keepError: false, topK: 5 });
    expect(lossy.kl).toBeGreaterThan(0);
    await expect(ablationEffect(spliced, f, sae, prompt, { ablate: [], clamp: [], keepError: true, topK: 5 })).rejects.toThrow(/at least one/);
  });
});
