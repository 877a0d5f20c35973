// The steering and evaluation jobs end to end in Node: the tiny model stored as an import would store it,
// the tiny SAE imported through the Steering page's service, ORT on wasm, the real database (fake-indexeddb).
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { SaeRecord } from '../../../src/domain/entities';
import { runEvaluate } from '../../../src/jobs/handlers/evaluateRun';
import { runSteering } from '../../../src/jobs/handlers/generateRun';
import { DEFAULT_GENERATION_PARAMS } from '../../../src/lm/generate';
import { steeringRunResult, type GenerateRunResult, type SteeringRunParams } from '../../../src/lm/steering/run-params';
import { importSae } from '../../../src/services/interop/sae-import';
import { InteropError } from '../../../src/interop';
import type { BlobStore } from '../../../src/store/blob-store';
import { saeLensFiles, toSaeLens } from '../../../src/sae/formats/saelens';
import { saeRepo } from '../../../src/store/repos/saes';
import { fakeContext, storeTinyModel, storeTokenization, useFreshStores } from '../models/helpers';
import { SAE_DIR, ort, tokenizer } from './helpers';

const stores = useFreshStores();
// recomputing the whole sequence per token on the wasm backend, several outputs per test
vi.setConfig({ testTimeout: 60_000 });

function saeFiles(dir = 'sae-tiny') {
  return ['cfg.json', 'sae_weights.safetensors'].map((name) => ({ path: `${dir}/${name}`, data: new Uint8Array(readFileSync(resolve(SAE_DIR, name))) }));
}

async function setUp(blobs: BlobStore): Promise<{ modelId: string; sae: SaeRecord }> {
  const model = await storeTinyModel(blobs);
  const { sae } = await importSae({ kind: 'files', files: saeFiles() }, { modelId: model.id }, blobs);
  return { modelId: model.id, sae };
}

const deps = () => ({ ort, device: undefined, blobs: stores.blobs(), streamIntervalMs: 0 });

function lastResult(checkpoints: unknown[]) {
  return steeringRunResult(checkpoints[checkpoints.length - 1]);
}

describe('the tiny SAE imported for the tiny model (interop import service)', () => {
  it('is attached at its hook, with SAELens weights stored', async () => {
    const { modelId, sae } = await setUp(stores.blobs());
    expect(sae).toMatchObject({ modelId, hook: 'blocks.0.hook_resid_post', architecture: 'relu', dIn: 32, dSae: 32, origin: { kind: 'import', fileName: 'sae-tiny' } });
    expect(await stores.blobs().has(sae.blobKey)).toBe(true);
    expect(sae.cfg).toMatchObject({ d_in: 32, d_sae: 32, architecture: 'standard' });
  });

  it('is refused for a model of another width or a hook the model lacks, and nothing is stored', async () => {
    const model = await storeTinyModel(stores.blobs());
    const narrow = toSaeLens(
      { W_enc: new Float32Array(16 * 8), b_enc: new Float32Array(8), W_dec: new Float32Array(8 * 16), b_dec: new Float32Array(16) },
      { architecture: 'relu', d_in: 16, d_sae: 8, apply_b_dec_to_input: true },
      { hook_name: 'blocks.0.hook_resid_post' },
    );
    const files = Object.entries(saeLensFiles(narrow)).map(([name, data]) => ({ path: name, data }));
    await expect(importSae({ kind: 'files', files }, { modelId: model.id }, stores.blobs())).rejects.toThrow(/size 16, but the model tiny-gpt2 has d_model = 32/);
    await expect(importSae({ kind: 'files', files: saeFiles() }, { modelId: model.id, hook: 'blocks.7.hook_resid_post' }, stores.blobs())).rejects.toThrow(InteropError);
    expect(await saeRepo.all()).toEqual([]);
    expect(await stores.blobs().list('saes/')).toEqual([]);
  });
});

describe('the generate job', () => {
  const generation = { ...DEFAULT_GENERATION_PARAMS, maxNewTokens: 6, samples: 2, temperature: 0.9, seed: 5 };

  it('streams a compare run: baseline and each feature, two samples each; a large coefficient changes the text', async () => {
    const { modelId, sae } = await setUp(stores.blobs());
    const params: SteeringRunParams = {
      kind: 'generate', modelId, saeId: sae.id, prompt: 'The big rabbit', prependBos: false, mode: 'compare',
      features: [{ index: 0, coefficient: 250 }, { index: 2, coefficient: -250 }], generation,
    };
    const ctx = fakeContext('generate', params, {});
    expect(await runSteering(ctx, deps())).toMatchObject({ status: 'completed' });
    const result = lastResult(ctx.checkpoints) as GenerateRunResult;
    expect(result.variants.map((v) => v.label)).toEqual(['Baseline', '#0 × 250', '#2 × −250']);
    expect(result.outputs.map((o) => [o.variant, o.sample])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    expect(result.outputs.every((o) => o.done && o.tokens.length > 0)).toBe(true);
    expect(result).toMatchObject({ backend: 'wasm', kvCache: false, promptTokens: tokenizer().encode('The big rabbit').length });
    const text = (v: number, s: number) => result.outputs.find((o) => o.variant === v && o.sample === s)?.text;
    expect(text(1, 0)).not.toBe(text(0, 0));
    // streamed: checkpoints grew token by token before the end
    const lengths = ctx.checkpoints.map((c) => (steeringRunResult(c) as GenerateRunResult).outputs[0]?.tokens.length ?? 0);
    expect(new Set(lengths).size).toBeGreaterThan(3);

    // the same request gives the same outputs (seeded)
    const again = fakeContext('generate', params, {});
    await runSteering(again, deps());
    expect((lastResult(again.checkpoints) as GenerateRunResult).outputs.map((o) => o.text)).toEqual(result.outputs.map((o) => o.text));
  });

  it('stops when asked, keeps what it generated, and a resumed run finishes with the same outputs', async () => {
    const { modelId, sae } = await setUp(stores.blobs());
    const params: SteeringRunParams = {
      kind: 'generate', modelId, saeId: sae.id, prompt: 'Cleo finds', prependBos: true, mode: 'sweep',
      features: [{ index: 1, coefficient: 0 }], strengths: [-100, 100], generation: { ...generation, samples: 1 },
    };
    const whole = fakeContext('generate', params, {});
    await runSteering(whole, deps());
    const expected = (lastResult(whole.checkpoints) as GenerateRunResult).outputs.map((o) => o.text);
    expect(expected.length).toBe(3);

    const stopped = fakeContext('generate', params, {});
    const original = stopped.checkpoint.bind(stopped);
    stopped.checkpoint = async (state) => {
      await original(state);
      const r = steeringRunResult(state) as GenerateRunResult;
      if ((r.outputs[1]?.tokens.length ?? 0) >= 2) stopped.requestStop('cancel');
    };
    expect(await runSteering(stopped, deps())).toEqual({ status: 'stopped' });
    const partial = lastResult(stopped.checkpoints) as GenerateRunResult;
    expect(partial.outputs[0]?.done).toBe(true);
    expect(partial.outputs[1]?.done).toBe(false);
    expect(partial.outputs[2]?.tokens).toEqual([]);

    const resumed = fakeContext('generate', params, {}, partial);
    expect(await runSteering(resumed, deps())).toMatchObject({ status: 'completed' });
    expect((lastResult(resumed.checkpoints) as GenerateRunResult).outputs.map((o) => o.text)).toEqual(expected);
  });

  it('ablates a feature at the prompt and reports the distribution before and after, with token texts', async () => {
    const { modelId, sae } = await setUp(stores.blobs());
    const ctx = fakeContext('generate', { kind: 'ablate', modelId, saeId: sae.id, prompt: 'The river is', prependBos: false, ablate: [], clamp: [{ index: 0, value: 40 }], keepError: true, topK: 5 }, {});
    expect(await runSteering(ctx, deps())).toMatchObject({ status: 'completed' });
    const result = lastResult(ctx.checkpoints);
    if (result?.kind !== 'ablate') throw new Error('no ablation result');
    expect(result.before.length).toBe(5);
    expect(result.kl).toBeGreaterThan(0);
    expect(result.lastToken).toBe(tokenizer().decode([tokenizer().encode('The river is').at(-1) ?? 0]));
    expect(result.changes.every((c) => typeof result.tokenText[c.id] === 'string')).toBe(true);
  });

  it('fails with a typed error when the SAE is gone', async () => {
    const { modelId } = await setUp(stores.blobs());
    const ctx = fakeContext('generate', { kind: 'ablate', modelId, saeId: 'nope', prompt: 'x', prependBos: false, ablate: [1], clamp: [], keepError: true, topK: 5 }, {});
    await expect(runSteering(ctx, deps())).rejects.toThrow(/no longer exists/);
  });
});

describe('the evaluate job', () => {
  it('evaluates on the last windows of a tokenization and stores the result with the SAE', async () => {
    const { modelId, sae } = await setUp(stores.blobs());
    const tok = tokenizer();
    const lines = readFileSync(resolve(import.meta.dirname, '../../fixtures/datasets/tiny.txt'), 'utf8').split('\n').filter(Boolean);
    const stream = lines.flatMap((line) => [...tok.encode(line), 299]);
    const windows = Array.from({ length: 10 }, (_, w) => stream.slice(w * 16, w * 16 + 16));
    const tokenization = await storeTokenization(stores.blobs(), modelId, windows);
    const ctx = fakeContext('evaluate', { saeId: sae.id, modelId, tokenizationId: tokenization.id, windows: 4, batchWindows: 3 }, {});
    const outcome = await runEvaluate(ctx, deps());
    expect(outcome.status).toBe('completed');
    if (outcome.status === 'completed') expect(outcome.message).toMatch(/^CE loss recovered -?\d\.\d{3} · KL/);
    const stored = await saeRepo.require(sae.id);
    expect(stored.evaluation).toMatchObject({ modelId, hook: 'blocks.0.hook_resid_post', tokenizationId: tokenization.id, firstWindow: 6, windows: 4, deadFraction: 0.25, jobId: ctx.job.id });
    const e = stored.evaluation!;
    expect(e.ceLossRecovered).toBeCloseTo((e.ceZero - e.ceSpliced) / (e.ceZero - e.ceClean), 9);
    expect(e.tokens).toBe(windows.slice(6).flat().filter((id) => id !== 299).length);
    expect(ctx.checkpoints.map((c) => (c as { done: number }).done)).toEqual([3, 4]);

    // continuing from the first checkpoint gives the same numbers
    const resumed = fakeContext('evaluate', ctx.job.params, {}, ctx.checkpoints[0]);
    await runEvaluate(resumed, deps());
    const again = (await saeRepo.require(sae.id)).evaluation!;
    expect(again.ceSpliced).toBeCloseTo(e.ceSpliced, 9);
    expect(again.explainedVariance).toBeCloseTo(e.explainedVariance, 9);
  });
});
