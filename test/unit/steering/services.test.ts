// Steering page services over a real (fake-indexeddb) database: choices, starting and stopping runs,
// saving and reopening experiments, prompt templates, starting evaluations.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveJobCheckpoint } from '../../../src/jobs/jobStore';
import type { GenerateRunResult } from '../../../src/lm/steering/run-params';
import { evaluationBlocker, evaluationTokenizations, startEvaluation } from '../../../src/services/evaluation';
import { ensureBuiltInTemplates } from '../../../src/services/templates/seed';
import {
  experimentRequest,
  getExperiment,
  runRequest,
  saesForModel,
  saveExperiment,
  searchFeatures,
  startAblation,
  startGeneration,
  steerableModels,
  steeringRuns,
  stopSteeringRun,
} from '../../../src/services/steering';
import { importSae } from '../../../src/services/interop/sae-import';
import { promptTemplates } from '../../../src/services/steeringTemplates';
import { db } from '../../../src/store/db';
import { storeTinyModel, storeTokenization, useFreshStores } from '../models/helpers';
import { SAE_DIR } from './helpers';

const stores = useFreshStores();

async function setUp() {
  const model = await storeTinyModel(stores.blobs());
  const files = ['cfg.json', 'sae_weights.safetensors'].map((name) => ({ path: name, data: new Uint8Array(readFileSync(resolve(SAE_DIR, name))) }));
  const { sae } = await importSae({ kind: 'files', files }, { modelId: model.id, name: 'tiny SAE' }, stores.blobs());
  return { model, sae };
}

describe('steering services', () => {
  it('lists ready models and the SAEs attached to them; finds features by label, token or index', async () => {
    const { model, sae } = await setUp();
    expect((await steerableModels()).map((m) => m.id)).toEqual([model.id]);
    expect((await saesForModel(model.id)).map((s) => s.name)).toEqual(['tiny SAE']);
    expect(await saesForModel('other')).toEqual([]);
    await db().features.bulkAdd([
      { id: `${sae.id}:3`, saeId: sae.id, index: 3, label: 'rabbits and hares', category: 'animals', notes: '', favourite: 0, topTokens: [' rabbit'], updatedAt: 1 },
      { id: `${sae.id}:9`, saeId: sae.id, index: 9, label: 'rivers', category: '', notes: '', favourite: 1, updatedAt: 1 },
    ]);
    expect((await searchFeatures(sae.id, 'RABBIT')).map((f) => f.index)).toEqual([3]);
    expect((await searchFeatures(sae.id, '#9')).map((f) => f.index)).toEqual([9]);
    expect((await searchFeatures(sae.id, '')).map((f) => f.index)).toEqual([9, 3]);
  });

  it('starts a generation as a resumable GPU job for the SAE, checking the request first', async () => {
    const { model, sae } = await setUp();
    const base = { modelId: model.id, saeId: sae.id, prompt: 'The big rabbit', prependBos: false, generation: { maxNewTokens: 5 } };
    await expect(startGeneration({ ...base, mode: 'compare', features: [] })).rejects.toThrow(/at least one feature/);
    await expect(startGeneration({ ...base, mode: 'compare', features: [{ index: 40, coefficient: 1 }] })).rejects.toThrow(/features 0 to 31/);
    await expect(startGeneration({ ...base, mode: 'compare', features: [{ index: 1, coefficient: 1 }], generation: { topP: 7 } })).rejects.toThrow(/topP/);
    await expect(startGeneration({ ...base, prompt: '  ', mode: 'compare', features: [{ index: 1, coefficient: 1 }] })).rejects.toThrow(/prompt/);
    const job = await startGeneration({ ...base, mode: 'sweep', features: [{ index: 1, coefficient: 10 }], strengths: [-50, 50] });
    expect(job).toMatchObject({ kind: 'generate', lane: 'gpu', status: 'queued', subjectId: sae.id, resumable: true });
    expect(runRequest(job)).toMatchObject({ mode: 'sweep', strengths: [-50, 50], generation: { maxNewTokens: 5, temperature: 0.7 } });
    const ablation = await startAblation({ modelId: model.id, saeId: sae.id, prompt: 'x', prependBos: false, ablate: [2], clamp: [{ index: 4, value: 3 }], keepError: true });
    expect(ablation.title).toBe('Ablate #2, #4: “x”');
    await expect(startAblation({ modelId: model.id, saeId: sae.id, prompt: 'x', prependBos: false, ablate: [99], clamp: [], keepError: true })).rejects.toThrow(/does not exist/);
    expect((await steeringRuns(sae.id)).map((j) => j.id)).toEqual([ablation.id, job.id]);
    expect((await stopSteeringRun(job.id)).status).toBe('cancelled');
  });

  it('saves a run as an experiment and reopens it as the same request', async () => {
    const { model, sae } = await setUp();
    const request = {
      modelId: model.id, saeId: sae.id, prompt: 'Cleo said', prependBos: true, mode: 'compare' as const,
      features: [{ index: 0, coefficient: 120 }], generation: { maxNewTokens: 4, samples: 2, stopSequences: ['.'] },
    };
    const job = await startGeneration(request);
    await expect(saveExperiment(job.id, 'x')).rejects.toThrow(/no outputs/);
    const result: GenerateRunResult = {
      kind: 'generate',
      variants: [{ label: 'Baseline', features: [] }, { label: '#0 × 120', features: [{ index: 0, coefficient: 120 }] }],
      outputs: [0, 1].flatMap((variant) => [0, 1].map((sample) => ({ variant, sample, text: `v${variant}s${sample}`, tokens: [1], prngState: [1, 2, 3, 4], done: true, stopReason: 'length' as const }))),
      promptTokens: 3,
      backend: 'wasm',
      kvCache: false,
    };
    await saveJobCheckpoint(job.id, result);
    const saved = await saveExperiment(job.id, '  ');
    expect(saved.name).toBe('Cleo said (compare)');
    expect(saved.outputs).toEqual([
      { label: 'Baseline', text: 'v0s0', sample: 0, stopReason: 'length' },
      { label: 'Baseline', text: 'v0s1', sample: 1, stopReason: 'length' },
      { label: '#0 × 120', text: 'v1s0', sample: 0, stopReason: 'length' },
      { label: '#0 × 120', text: 'v1s1', sample: 1, stopReason: 'length' },
    ]);
    const reopened = await getExperiment(saved.id);
    if (!reopened) throw new Error('not saved');
    expect(experimentRequest(reopened)).toEqual({
      ...request,
      generation: { maxNewTokens: 4, temperature: 0.7, topK: 50, topP: 0.95, repetitionPenalty: 1.1, seed: 42, samples: 2, stopSequences: ['.'] },
    });
  });
});

describe('prompt templates', () => {
  it('are seeded, listed, created, exported and imported like the other templates', async () => {
    await ensureBuiltInTemplates();
    const builtIns = await promptTemplates.list({ page: 0, pageSize: 50 });
    expect(builtIns.total).toBe(3);
    const mine = await promptTemplates.create({ name: 'Weather', description: '', prompt: 'Today the weather is' });
    await expect(promptTemplates.create({ name: 'weather', prompt: 'x' })).rejects.toThrow(/already called/);
    await expect(promptTemplates.create({ name: 'Empty', prompt: '' })).rejects.toThrow(/prompt/);
    expect((await promptTemplates.list({ search: 'weather', page: 0, pageSize: 10 })).rows.map((r) => r.id)).toEqual([mine.id]);
    const exported = await promptTemplates.exportTemplates([mine.id], new Date('2025-02-03T00:00:00Z'));
    expect(exported.filename).toBe('mistudio-prompt-templates-2025-02-03.json');
    expect(JSON.parse(exported.text)).toMatchObject({ version: 1, kind: 'prompt-templates', templates: [{ name: 'Weather', prompt: 'Today the weather is', favourite: false }] });
    const report = await promptTemplates.importTemplates(exported.text, 'rename');
    expect(report).toMatchObject({ errors: [], renamed: [{ from: 'Weather', to: 'Weather (2)' }] });
    expect((await promptTemplates.list({ search: 'weather', page: 0, pageSize: 10 })).total).toBe(2);
    const wrongKind = exported.text.replace('prompt-templates', 'training-templates');
    expect((await promptTemplates.importTemplates(wrongKind, 'skip')).errors[0]?.message).toMatch(/training templates/);
  });
});

describe('evaluation services', () => {
  it('offers the model’s tokenizations and starts a resumable evaluate job', async () => {
    const { model, sae } = await setUp();
    expect(evaluationBlocker(sae)).toBeNull();
    expect(evaluationBlocker({ source: { kind: 'synthetic', features: 4, dIn: 2, activeProb: 0.5, seed: 1 } })).toMatch(/not attached to a language model/);
    const tokenization = await storeTokenization(stores.blobs(), model.id, [[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect((await evaluationTokenizations(sae)).map((t) => t.id)).toEqual([tokenization.id]);
    const job = await startEvaluation({ saeId: sae.id, tokenizationId: tokenization.id, windows: 10 });
    expect(job).toMatchObject({ kind: 'evaluate', lane: 'gpu', subjectId: sae.id, resumable: true, params: { windows: 2, modelId: model.id } });
  });
});
