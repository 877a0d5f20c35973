import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it } from 'vitest';
import type { ModelRecord, TrainingMetricRecord, TrainingRecord } from '../../../src/domain/entities';
import { IllegalTransitionError } from '../../../src/domain/status';
import { RecordNotFoundError } from '../../../src/store/errors';
import type { NewRecord } from '../../../src/store/repository';
import { modelRepo, setModelStatus } from '../../../src/store/repos/models';
import { deleteTrainingWithData, setTrainingStatus, trainingRepo } from '../../../src/store/repos/trainings';
import { appendMetrics, deleteMetricsAfter, latestMetric, metricsOf, thin } from '../../../src/store/repos/trainingMetrics';
import { checkpointsOf, createCheckpoint, deleteCheckpoint, latestCheckpoint, pruneCheckpoints } from '../../../src/store/repos/checkpoints';
import { deleteSaeWithData, saeRepo } from '../../../src/store/repos/saes';
import { annotateFeature, getFeature, listFeatures, saveFeatureStats } from '../../../src/store/repos/features';
import { examplesOf, putExamples, replaceExamples } from '../../../src/store/repos/featureExamples';
import { featureExtractionRepo } from '../../../src/store/repos/featureExtractions';
import { allSettings, deleteSetting, getSetting, setSetting } from '../../../src/store/repos/settings';
import { datasetRepo } from '../../../src/store/repos/datasets';
import { tokenizationRepo, tokenizationsOf } from '../../../src/store/repos/tokenizations';
import { useFreshDatabase } from './test-db';

const model = (name: string): NewRecord<ModelRecord> => ({ name, source: { kind: 'local' }, status: 'pending', files: [] });

const training: NewRecord<TrainingRecord> = {
  name: 'run',
  config: { architecture: 'topk' } as TrainingRecord['config'],
  batchSize: 64,
  seed: 1,
  source: { kind: 'synthetic', features: 8, dIn: 4, activeProb: 0.1, seed: 2 },
  checkpointEvery: 100,
  status: 'draft',
  step: 0,
};

function metric(trainingId: string, step: number): TrainingMetricRecord {
  return { trainingId, step, loss: 1 / (step + 1), mse: 0, sparsity: 0, aux: 0, l0: 4, explained_variance: 0.5, dead_fraction: 0, lr: 1e-3 };
}

describe('entity repositories', () => {
  useFreshDatabase();

  it('creates, reads, patches and deletes a record', async () => {
    const m = await modelRepo.create(model('gpt2'));
    expect(m).toMatchObject({ name: 'gpt2', status: 'pending' });
    expect(m.createdAt).toBe(m.updatedAt);
    expect(await modelRepo.get(m.id)).toEqual(m);
    const patched = await modelRepo.update(m.id, { name: 'GPT-2 small', info: { layers: 12 } });
    expect(patched).toMatchObject({ id: m.id, name: 'GPT-2 small', info: { layers: 12 }, createdAt: m.createdAt });
    expect(patched.updatedAt).toBeGreaterThan(m.updatedAt);
    expect(await modelRepo.require(m.id)).toEqual(patched);
    await modelRepo.delete(m.id);
    expect(await modelRepo.get(m.id)).toBeUndefined();
    await expect(modelRepo.require(m.id)).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(modelRepo.update(m.id, { name: 'x' })).rejects.toThrow(/model .* does not exist/);
  });

  it('lists with search, filter, sort and page', async () => {
    for (const name of ['pythia-70m', 'gpt2', 'Pythia-160m', 'tiny-stories']) await modelRepo.create(model(name));
    const page = await modelRepo.list({ search: 'pythia', sort: { field: 'name', dir: 'asc' }, page: 0, pageSize: 1 });
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.name)).toEqual(['pythia-70m']); // natural order: 70 < 160
    const newest = await modelRepo.list({ sort: { field: 'createdAt', dir: 'desc' }, page: 0, pageSize: 2 });
    expect(newest).toMatchObject({ total: 4, rows: [{ name: 'tiny-stories' }, { name: 'Pythia-160m' }] });
    expect((await modelRepo.list({ filters: { status: 'ready' }, page: 0, pageSize: 10 })).total).toBe(0);
    expect(await modelRepo.all()).toHaveLength(4);
  });

  it('moves asset status only along legal transitions', async () => {
    const m = await modelRepo.create(model('m'));
    await setModelStatus(m.id, 'running');
    const ready = await setModelStatus(m.id, 'ready', { files: [{ role: 'model', name: 'model.onnx', blobKey: 'models/x/model.onnx', bytes: 3 }] });
    expect(ready.files).toHaveLength(1);
    await expect(setModelStatus(m.id, 'running')).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await modelRepo.require(m.id)).status).toBe('ready');
  });

  it('moves training status along the training machine', async () => {
    const t = await trainingRepo.create(training);
    await expect(setTrainingStatus(t.id, 'running')).rejects.toThrow('A training that is draft cannot become running');
    await setTrainingStatus(t.id, 'queued', { jobId: 'j' });
    expect(await setTrainingStatus(t.id, 'running')).toMatchObject({ status: 'running', jobId: 'j' });
  });

  it('keeps metrics per training in step order and thins them for charts', async () => {
    await appendMetrics([metric('t', 30), metric('t', 10), metric('u', 5), metric('t', 20)]);
    await appendMetrics([{ ...metric('t', 20), loss: 9 }]); // a re-written step replaces its row
    expect((await metricsOf('t')).map((m) => m.step)).toEqual([10, 20, 30]);
    expect((await metricsOf('t', { fromStep: 20 })).map((m) => m.loss)).toEqual([9, 1 / 31]);
    expect((await metricsOf('t', { toStep: 20 })).map((m) => m.step)).toEqual([10, 20]);
    expect((await latestMetric('t'))?.step).toBe(30);
    expect(await deleteMetricsAfter('t', 10)).toBe(2);
    expect((await metricsOf('t')).map((m) => m.step)).toEqual([10]);
    expect(thin([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([1, 4, 7, 10]);
    expect(thin([1, 2, 3], 10)).toEqual([1, 2, 3]);
    await appendMetrics(Array.from({ length: 100 }, (_, i) => metric('v', i)));
    const thinned = await metricsOf('v', { maxPoints: 10 });
    expect(thinned.length).toBeLessThanOrEqual(10);
    expect(thinned.at(-1)?.step).toBe(99);
  });

  it('keeps checkpoints per training, latest and pruned', async () => {
    const mk = (step: number) => createCheckpoint({ trainingId: 't', step, blobKey: `checkpoints/t/${step}.safetensors`, bytes: 10, metrics: { loss: 1 } });
    const c1 = await mk(100);
    await mk(300);
    await mk(200);
    expect((await checkpointsOf('t')).map((c) => c.step)).toEqual([100, 200, 300]);
    expect((await latestCheckpoint('t'))?.step).toBe(300);
    const removed = await pruneCheckpoints('t', 2);
    expect(removed.map((c) => c.step)).toEqual([100]);
    expect(await deleteCheckpoint(c1.id)).toBeUndefined();
    expect((await checkpointsOf('t')).map((c) => c.step)).toEqual([200, 300]);
  });

  it('deletes a training with its metrics and checkpoints, returning blob keys', async () => {
    const t = await trainingRepo.create(training);
    const other = await trainingRepo.create(training);
    await appendMetrics([metric(t.id, 1), metric(other.id, 1)]);
    await createCheckpoint({ trainingId: t.id, step: 1, blobKey: 'checkpoints/a', bytes: 1, metrics: {} });
    expect(await deleteTrainingWithData(t.id)).toEqual({ blobKeys: ['checkpoints/a'] });
    expect(await trainingRepo.get(t.id)).toBeUndefined();
    expect(await metricsOf(t.id)).toEqual([]);
    expect(await metricsOf(other.id)).toHaveLength(1);
  });

  it('saves feature statistics without touching annotations', async () => {
    await annotateFeature('s', 2, { label: 'cats', favourite: 1 });
    await saveFeatureStats('s', [
      { index: 0, density: 0.1, topTokens: ['the'] },
      { index: 1, density: 0.01, topTokens: ['dog', 'puppy'] },
      { index: 2, density: 0.05, topTokens: ['cat'] },
    ]);
    expect(await getFeature('s', 2)).toMatchObject({ id: 's:2', label: 'cats', favourite: 1, density: 0.05 });
    await saveFeatureStats('s', [{ index: 2, density: 0.07 }]);
    expect(await getFeature('s', 2)).toMatchObject({ label: 'cats', density: 0.07, topTokens: ['cat'] });
    await saveFeatureStats('other', [{ index: 0 }]);

    const byIndex = await listFeatures('s', { sort: { field: 'index', dir: 'desc' }, page: 0, pageSize: 2 });
    expect(byIndex).toMatchObject({ total: 3, rows: [{ index: 2 }, { index: 1 }] });
    expect((await listFeatures('s', { search: 'puppy', page: 0, pageSize: 10 })).rows.map((f) => f.index)).toEqual([1]);
    expect((await listFeatures('s', { filters: { favourite: 1 }, page: 0, pageSize: 10 })).rows.map((f) => f.index)).toEqual([2]);
    const byDensity = await listFeatures('s', { filters: { saeId: 'other' }, sort: { field: 'density', dir: 'asc' }, page: 0, pageSize: 10 });
    expect(byDensity.rows.map((f) => f.index)).toEqual([1, 2, 0]);
  });

  it('stores feature examples by kind and rank', async () => {
    const ex = (kind: 'top' | 'quantile', rank: number) => ({ saeId: 's', featureIndex: 4, kind, rank, tokens: ['a'], activations: [rank] });
    await putExamples([ex('quantile', 0), ex('top', 1), ex('top', 0)]);
    expect((await examplesOf('s', 4)).map((e) => `${e.kind}${e.rank}`)).toEqual(['top0', 'top1', 'quantile0']);
    await replaceExamples('s', 4, [{ kind: 'top', rank: 0, tokens: ['b'], activations: [9] }]);
    expect(await examplesOf('s', 4)).toEqual([{ id: 's:4:top:0', saeId: 's', featureIndex: 4, kind: 'top', rank: 0, tokens: ['b'], activations: [9] }]);
  });

  it('deletes an SAE with its features, examples and extractions', async () => {
    const sae = await saeRepo.create({
      name: 'sae', architecture: 'topk', dIn: 4, dSae: 8, origin: { kind: 'import', fileName: 'x' }, blobKey: 'saes/x/sae.safetensors', cfg: {},
    });
    await saveFeatureStats(sae.id, [{ index: 0 }]);
    await putExamples([{ saeId: sae.id, featureIndex: 0, kind: 'top', rank: 0, tokens: [], activations: [] }]);
    const extraction = await featureExtractionRepo.create({ saeId: sae.id, tokenizationId: 'tok', status: 'ready', tokens: 10 });
    await saveFeatureStats('keep', [{ index: 0 }]);
    expect(await deleteSaeWithData(sae.id)).toEqual({ blobKeys: ['saes/x/sae.safetensors'], blobPrefixes: [`features/extractions/${extraction.id}/`] });
    expect(await getFeature(sae.id, 0)).toBeUndefined();
    expect(await examplesOf(sae.id, 0)).toEqual([]);
    expect(await featureExtractionRepo.all()).toEqual([]);
    expect(await getFeature('keep', 0)).toBeDefined();
  });

  it('finds tokenizations of a dataset and a model', async () => {
    const ds = await datasetRepo.create({ name: 'd', source: { kind: 'local', fileName: 'a.txt', format: 'txt' }, status: 'ready', rows: 1, chars: 1, bytes: 1 });
    const a = await tokenizationRepo.create({ datasetId: ds.id, modelId: 'm1', contextLength: 128, status: 'ready', windows: 1, tokens: 128 });
    await tokenizationRepo.create({ datasetId: ds.id, modelId: 'm2', contextLength: 128, status: 'ready', windows: 1, tokens: 128 });
    expect(await tokenizationsOf({ datasetId: ds.id })).toHaveLength(2);
    expect(await tokenizationsOf({ datasetId: ds.id, modelId: 'm1' })).toEqual([a]);
    expect(await tokenizationsOf({ modelId: 'm1' })).toEqual([a]);
  });

  it('reads settings through a shape guard', async () => {
    const isTheme = (v: unknown): v is 'light' | 'dark' => v === 'light' || v === 'dark';
    expect(await getSetting('theme', 'dark', isTheme)).toBe('dark');
    await setSetting('theme', 'light');
    expect(await getSetting('theme', 'dark', isTheme)).toBe('light');
    await setSetting('theme', 42);
    expect(await getSetting('theme', 'dark', isTheme)).toBe('dark');
    expect(await allSettings()).toEqual({ theme: 42 });
    await deleteSetting('theme');
    expect(await allSettings()).toEqual({});
  });
});
