// The metadata database (Dexie over IndexedDB). Every thread opens its own instance of the same named
// database; IndexedDB keeps them consistent and liveQuery propagates changes between them.
import Dexie, { type Table } from 'dexie';
import type {
  ActivationCacheRecord,
  CheckpointRecord,
  DatasetRecord,
  ExtractionTemplate,
  FeatureExampleRecord,
  FeatureExtractionRecord,
  FeatureRecord,
  ModelRecord,
  PromptTemplate,
  SaeRecord,
  SettingRecord,
  SteeringExperiment,
  TokenizationRecord,
  TrainingMetricRecord,
  TrainingRecord,
  TrainingTemplate,
} from '../domain/entities';
import type { JobRecord } from '../domain/job';
import { MIGRATIONS, type Migration } from './migrations';

export const DEFAULT_DATABASE_NAME = 'mistudio';

export class MiStudioDatabase extends Dexie {
  // `declare`: Dexie assigns the tables in its constructor; class fields would overwrite them with undefined.
  declare models: Table<ModelRecord, string>;
  declare datasets: Table<DatasetRecord, string>;
  declare tokenizations: Table<TokenizationRecord, string>;
  declare activationCaches: Table<ActivationCacheRecord, string>;
  declare trainings: Table<TrainingRecord, string>;
  declare trainingMetrics: Table<TrainingMetricRecord, [string, number]>;
  declare checkpoints: Table<CheckpointRecord, string>;
  declare saes: Table<SaeRecord, string>;
  declare featureExtractions: Table<FeatureExtractionRecord, string>;
  declare features: Table<FeatureRecord, string>;
  declare featureExamples: Table<FeatureExampleRecord, string>;
  declare trainingTemplates: Table<TrainingTemplate, string>;
  declare extractionTemplates: Table<ExtractionTemplate, string>;
  declare steeringExperiments: Table<SteeringExperiment, string>;
  declare promptTemplates: Table<PromptTemplate, string>;
  declare jobs: Table<JobRecord, string>;
  declare settings: Table<SettingRecord, string>;

  /** `migrations` is for tests that build an older schema; the app always uses the full history. */
  constructor(name: string, migrations: readonly Migration[] = MIGRATIONS) {
    super(name);
    for (const m of migrations) {
      const version = this.version(m.version).stores(m.stores);
      if (m.upgrade) version.upgrade(m.upgrade);
    }
  }
}

/** Opens (creating or upgrading as needed) the database. Dexie opens lazily on first use. */
export function openDatabase(name = DEFAULT_DATABASE_NAME): MiStudioDatabase {
  return new MiStudioDatabase(name);
}

let current: MiStudioDatabase | undefined;

/** The database every repository uses; created on first call. */
export function db(): MiStudioDatabase {
  current ??= openDatabase();
  return current;
}

/** Points the repositories at another database (tests, or a page that wants a named profile). */
export function useDatabase(instance: MiStudioDatabase | undefined): void {
  current = instance;
}
