import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { defaultFormValues, formValuesFromTemplate, formValuesFromTraining, parseTrainingForm, withSourceChoice, type TrainingFormValues } from '../../../src/sae/training/form';
import { checkSource, type SourceChoices } from '../../../src/sae/training/source-choices';
import { TrainingSpecError, validateTrainingSpec } from '../../../src/sae/training/spec';
import type { TrainingRecord, TrainingTemplate } from '../../../src/domain/entities';
import { createTraining } from '../../../src/services/training/trainings';
import { trainingSourceChoices } from '../../../src/services/training/sources';
import { activationCacheRepo } from '../../../src/store/repos/activationCaches';
import { modelRepo } from '../../../src/store/repos/models';
import { tinySpec, useFreshStores } from './helpers';

const CHOICES: SourceChoices = {
  caches: [
    { id: 'c1', modelName: 'tiny', hook: 'blocks.0.hook_resid_post', rows: 512, dIn: 32, status: 'ready' },
    { id: 'c2', modelName: 'tiny', hook: 'blocks.1.hook_resid_post', rows: 0, dIn: 32, status: 'running' },
  ],
  models: [
    {
      id: 'm1',
      name: 'tiny',
      status: 'ready',
      dModel: 32,
      hooks: ['blocks.0.hook_resid_pre', 'blocks.0.hook_resid_post'],
      tokenizations: [
        { id: 't1', datasetName: 'tiny.txt', contextLength: 16, windows: 40, status: 'ready' },
        { id: 't2', datasetName: 'big.txt', contextLength: 16, windows: 0, status: 'running' },
      ],
    },
    { id: 'm2', name: 'fresh', status: 'ready', tokenizations: [] },
    { id: 'm3', name: 'downloading', status: 'running', tokenizations: [] },
  ],
};

const form = (patch: Partial<TrainingFormValues>): TrainingFormValues => ({ ...defaultFormValues(), ...patch });

function errorsOf(v: TrainingFormValues, choices: SourceChoices | undefined = CHOICES) {
  const r = parseTrainingForm(v, choices);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('cache and model sources in the new-training form', () => {
  it('a ready cache of the right width parses into a cache source', () => {
    const r = parseTrainingForm(form({ sourceKind: 'cache', cacheId: 'c1', dIn: '32', dSae: '128', synthFeatures: 'ignored' }), CHOICES);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.source).toEqual({ kind: 'cache', cacheId: 'c1' });
    expect(r.spec.config.d_in).toBe(32);
  });

  it('a model, one of its ready tokenizations and a hook parse into a model source; expansion × d_in gives d_sae', () => {
    const r = parseTrainingForm(
      form({ sourceKind: 'model', modelId: 'm1', tokenizationId: 't1', hook: 'blocks.0.hook_resid_post', dIn: '32', sizeMode: 'expansion', expansion: '4' }),
      CHOICES,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.source).toEqual({ kind: 'model', modelId: 'm1', tokenizationId: 't1', hook: 'blocks.0.hook_resid_post' });
    expect(r.spec.config.d_sae).toBe(128);
  });

  it('says clearly what is wrong with a chosen source', () => {
    expect(errorsOf(form({ sourceKind: 'cache', cacheId: '' })).cacheId).toMatch(/Choose an activation cache/);
    expect(errorsOf(form({ sourceKind: 'cache', cacheId: 'c2', dIn: '32' })).cacheId).toBe(
      'The cache of blocks.1.hook_resid_post is not ready (running). Wait for its extraction to finish, or choose another.',
    );
    expect(errorsOf(form({ sourceKind: 'cache', cacheId: 'gone' })).cacheId).toMatch(/no longer exists/);
    expect(errorsOf(form({ sourceKind: 'cache', cacheId: 'c1', dIn: '16' })).dIn).toBe('The cache holds 32-wide activations, so d_in must be 32 (it is 16).');
    expect(errorsOf(form({ sourceKind: 'model', modelId: 'm3' })).modelId).toMatch(/downloading is not ready \(running\)/);
    expect(errorsOf(form({ sourceKind: 'model', modelId: 'm2' })).tokenizationId).toBe('fresh has no tokenized dataset. Tokenize one for it on the Datasets page.');
    expect(errorsOf(form({ sourceKind: 'model', modelId: 'm1', tokenizationId: '' })).tokenizationId).toBe('Choose a tokenized dataset.');
    expect(errorsOf(form({ sourceKind: 'model', modelId: 'm1', tokenizationId: 't2' })).tokenizationId).toMatch(/big.txt is not ready/);
    expect(errorsOf(form({ sourceKind: 'model', modelId: 'm1', tokenizationId: 't1', hook: '' })).hook).toBe('Choose a hook point.');
    expect(errorsOf(form({ sourceKind: 'model', modelId: 'm1', tokenizationId: 't1', hook: 'blocks.9.hook_resid_post' })).hook).toMatch(/no hook point named/);
    expect(errorsOf(form({ sourceKind: 'model', modelId: 'm1', tokenizationId: 't1', hook: 'blocks.0.hook_resid_pre', dIn: '16' })).dIn).toBe(
      'The hook gives 32-wide activations, so d_in must be 32 (it is 16).',
    );
  });

  it('the synthetic fields are not checked for a real source', () => {
    const e = errorsOf(form({ sourceKind: 'cache', cacheId: 'c1', dIn: '32', synthFeatures: '0', synthActive: 'x', lr: '0' }));
    expect(e.synthFeatures).toBeUndefined();
    expect(e.synthActive).toBeUndefined();
    expect(e.lr).toBeDefined();
  });

  it('checkSource reports an unanalysed model and an unknown width', () => {
    const choices: SourceChoices = { caches: [], models: [{ id: 'm', name: 'm', status: 'ready', tokenizations: [{ id: 't', datasetName: 'd', contextLength: 8, windows: 1, status: 'ready' }] }] };
    expect(checkSource({ kind: 'model', modelId: 'm', tokenizationId: 't', hook: 'blocks.0.hook_resid_post' }, choices)).toMatchObject({ ok: false, field: 'hook', message: expect.stringMatching(/not been analysed/) });
    choices.models[0]!.hooks = ['blocks.0.hook_resid_post'];
    expect(checkSource({ kind: 'model', modelId: 'm', tokenizationId: 't', hook: 'blocks.0.hook_resid_post' }, choices)).toMatchObject({ ok: false, field: 'modelId' });
    choices.models[0]!.dModel = 8;
    expect(checkSource({ kind: 'model', modelId: 'm', tokenizationId: 't', hook: 'blocks.0.hook_resid_post' }, choices)).toEqual({ ok: true, dIn: 8 });
  });

  it('choosing a source fills in the first ready choice and d_in', () => {
    const cache = withSourceChoice(form({ sourceKind: 'cache' }), 'sourceKind', CHOICES);
    expect(cache).toMatchObject({ cacheId: 'c1', dIn: '32' });
    const model = withSourceChoice(form({ sourceKind: 'model', hook: 'blocks.0.hook_resid_post' }), 'sourceKind', CHOICES);
    expect(model).toMatchObject({ modelId: 'm1', tokenizationId: 't1', hook: 'blocks.0.hook_resid_post', dIn: '32' });
    const other = withSourceChoice({ ...model, modelId: 'm2' }, 'modelId', CHOICES);
    expect(other).toMatchObject({ modelId: 'm2', tokenizationId: '', hook: '', dIn: '32' });
    expect(withSourceChoice(form({ sourceKind: 'cache' }), 'sourceKind', undefined).cacheId).toBe('');
    expect(withSourceChoice(form({ sourceKind: 'cache', lr: '1' }), 'lr', CHOICES).cacheId).toBe('');
  });

  it('templates and earlier runs with a cache or model source prefill it', () => {
    const t: TrainingTemplate = {
      id: 'x',
      name: 'LM TopK',
      description: '',
      builtIn: false,
      favourite: 0,
      config: { architecture: 'topk', k: 8 },
      expansionFactor: 4,
      batchSize: 64,
      source: { kind: 'model', modelId: 'm1', tokenizationId: 't1', hook: 'blocks.0.hook_resid_post' },
      createdAt: 0,
      updatedAt: 0,
    };
    const v = formValuesFromTemplate(t);
    expect(v).toMatchObject({ sourceKind: 'model', modelId: 'm1', tokenizationId: 't1', hook: 'blocks.0.hook_resid_post', sizeMode: 'expansion', expansion: '4' });
    const r = parseTrainingForm({ ...v, dIn: '32' }, CHOICES);
    expect(r.ok && r.spec.config.d_sae).toBe(128);
    const run = { ...tinySpec(), id: 'r', name: 'run', source: { kind: 'cache', cacheId: 'c1' } } as unknown as TrainingRecord;
    expect(formValuesFromTraining(run)).toMatchObject({ sourceKind: 'cache', cacheId: 'c1' });
  });

  it('the spec accepts cache and model sources but not empty choices', () => {
    const base = tinySpec();
    expect(validateTrainingSpec({ ...base, source: { kind: 'cache', cacheId: 'c1' } }).source.kind).toBe('cache');
    expect(() => validateTrainingSpec({ ...base, source: { kind: 'model', modelId: 'm', tokenizationId: '', hook: '' } })).toThrow(
      /no tokenized dataset is chosen; no hook point is chosen/,
    );
  });
});

describe('createTraining with a cache or model source', () => {
  useFreshStores();

  it('queues a run on a ready cache of its width and refuses one that is not ready or of another width', async () => {
    const model = await modelRepo.create({ name: 'tiny', source: { kind: 'local' }, status: 'ready', files: [], info: { dModel: 32 } });
    const base = { modelId: model.id, tokenizationId: 'tok', hook: 'blocks.0.hook_resid_post', dtype: 'f32' as const, shards: [] };
    const ready = await activationCacheRepo.create({ ...base, dIn: 32, rows: 256, status: 'ready' });
    const pending = await activationCacheRepo.create({ ...base, dIn: 32, rows: 0, status: 'pending' });
    const spec = tinySpec();
    const sized = { ...spec, config: { ...spec.config, d_in: 32, d_sae: 64 } };
    const training = await createTraining({ ...sized, source: { kind: 'cache', cacheId: ready.id } });
    expect(training.source).toEqual({ kind: 'cache', cacheId: ready.id });
    expect(training.jobId).toBeDefined();
    await expect(createTraining({ ...sized, source: { kind: 'cache', cacheId: pending.id } })).rejects.toThrow(/is not ready \(pending\)/);
    await expect(createTraining({ ...spec, source: { kind: 'cache', cacheId: ready.id } })).rejects.toThrow(TrainingSpecError);
    await expect(createTraining({ ...sized, source: { kind: 'model', modelId: model.id, tokenizationId: 'tok', hook: 'blocks.0.hook_resid_post' } })).rejects.toThrow(
      /That tokenized dataset does not belong to tiny/,
    );
    const choices = await trainingSourceChoices();
    expect(choices.caches.map((c) => c.id)).toEqual(expect.arrayContaining([ready.id, pending.id]));
    expect(choices.models[0]).toMatchObject({ name: 'tiny', dModel: 32, tokenizations: [] });
  });
});
