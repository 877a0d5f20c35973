import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS } from '../../../src/store/migrations';
import { MiStudioDatabase, openDatabase } from '../../../src/store/db';
import type { JobRecord } from '../../../src/domain/job';
import type { FeatureRecord, TrainingMetricRecord } from '../../../src/domain/entities';

// The pattern every schema change keeps passing: build the database as an older version wrote it,
// close it, open it through openDatabase (all migrations), and check the data survived the upgrade.
describe('schema migrations', () => {
  it('lists versions in increasing order', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(LATEST_VERSION).toBe(versions[versions.length - 1]);
  });

  it('opens a version-1 database with its data intact', async () => {
    const name = `migrate-${crypto.randomUUID()}`;
    const v1 = new MiStudioDatabase(name, MIGRATIONS.filter((m) => m.version <= 1));
    const job: JobRecord = {
      id: 'j1', kind: 'train', lane: 'gpu', title: 't', status: 'completed', params: { x: [1, 2] },
      progress: { phase: 'done', done: 1, total: 1, rate: 0, etaSeconds: null, message: '' },
      resumable: true, createdAt: 1, updatedAt: 2,
    };
    const metric: TrainingMetricRecord = {
      trainingId: 't1', step: 10, loss: 1, mse: 0.5, sparsity: 0.5, aux: 0, l0: 3, explained_variance: 0.9, dead_fraction: 0, lr: 1e-3,
    };
    const feature: FeatureRecord = { id: 's1:3', saeId: 's1', index: 3, label: 'cats', category: '', notes: '', favourite: 1, updatedAt: 5 };
    await v1.jobs.add(job);
    await v1.trainingMetrics.add(metric);
    await v1.features.add(feature);
    await v1.settings.put({ key: 'theme', value: 'dark' });
    v1.close();

    const latest = openDatabase(name);
    await latest.open();
    expect(latest.verno).toBe(LATEST_VERSION);
    expect(await latest.jobs.get('j1')).toEqual(job);
    expect(await latest.trainingMetrics.get(['t1', 10])).toEqual(metric);
    expect(await latest.features.where('[saeId+index]').equals(['s1', 3]).first()).toEqual(feature);
    expect(await latest.features.where('favourite').equals(1).count()).toBe(1);
    expect(await latest.settings.get('theme')).toEqual({ key: 'theme', value: 'dark' });
    await latest.delete();
  });

  it('creates every table of the schema', async () => {
    const d = openDatabase(`tables-${crypto.randomUUID()}`);
    await d.open();
    expect(d.tables.map((t) => t.name).sort()).toEqual(
      [
        'activationCaches', 'checkpoints', 'datasets', 'extractionTemplates', 'featureExamples', 'featureExtractions', 'features',
        'jobs', 'models', 'promptTemplates', 'saes', 'settings', 'steeringExperiments', 'tokenizations', 'trainingMetrics', 'trainingTemplates', 'trainings',
      ].sort(),
    );
    await d.delete();
  });
});
