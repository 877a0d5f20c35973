// Schema history of the `mistudio` database. Each entry is one Dexie version: the store definitions it
// changes (null deletes a table) and, when data must be reshaped, an upgrade function. Add a version by
// appending an entry; never edit a released one. Binary payloads live in the BlobStore: index no binary field.
import type { Transaction } from 'dexie';

export interface Migration {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void> | void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    stores: {
      models: 'id, name, status, createdAt, updatedAt',
      datasets: 'id, name, status, createdAt, updatedAt',
      tokenizations: 'id, datasetId, modelId, status, createdAt',
      activationCaches: 'id, modelId, tokenizationId, status, createdAt',
      trainings: 'id, name, status, jobId, createdAt, updatedAt',
      trainingMetrics: '[trainingId+step], trainingId',
      checkpoints: 'id, trainingId, [trainingId+step], createdAt',
      saes: 'id, name, architecture, modelId, createdAt, updatedAt',
      featureExtractions: 'id, saeId, tokenizationId, status, createdAt',
      features: 'id, saeId, [saeId+index], favourite, [saeId+favourite], category, updatedAt',
      featureExamples: 'id, [saeId+featureIndex], saeId',
      trainingTemplates: 'id, name, favourite, createdAt, updatedAt',
      extractionTemplates: 'id, name, favourite, createdAt, updatedAt',
      steeringExperiments: 'id, name, modelId, saeId, createdAt, updatedAt',
      jobs: 'id, status, lane, [lane+status], subjectId, kind, createdAt',
      settings: 'key',
    },
  },
  {
    // prompt templates for the Steering page (a third kind of template)
    version: 2,
    stores: { promptTemplates: 'id, name, favourite, createdAt, updatedAt' },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
