// Every stored entity of the workflow (Dexie schema v1 in src/store/db.ts). Binary payloads live in the
// BlobStore and are referenced by key; rows hold metadata only.
import type { Architecture, SaeConfig, StepMetrics } from '../sae/config';

export type Id = string;
export type BlobKey = string;

export type AssetStatus = 'pending' | 'running' | 'ready' | 'failed';

export interface StoredFile {
  role: string; // 'model' | 'external-data' | 'config' | 'tokenizer' | 'tokenizer-config' | ...
  name: string;
  blobKey: BlobKey;
  bytes: number;
}

export interface ModelRecord {
  id: Id;
  name: string;
  source: { kind: 'hub'; repo: string; revision: string; file: string } | { kind: 'local' };
  status: AssetStatus;
  files: StoredFile[];
  /** summary read from config.json / the graph */
  info?: { family?: string; layers?: number; dModel?: number; heads?: number; vocab?: number; params?: number; dtype?: string };
  error?: string;
  createdAt: number;
  updatedAt: number;
}

export interface DatasetRecord {
  id: Id;
  name: string;
  source: { kind: 'hub'; repo: string; config?: string; split?: string; column: string } | { kind: 'local'; fileName: string; format: string; field?: string };
  status: AssetStatus;
  rows: number;
  chars: number;
  bytes: number;
  blobKey?: BlobKey;
  error?: string;
  createdAt: number;
  updatedAt: number;
}

export interface TokenizationRecord {
  id: Id;
  datasetId: Id;
  modelId: Id;
  contextLength: number;
  status: AssetStatus;
  windows: number;
  tokens: number;
  blobKey?: BlobKey;
  createdAt: number;
  updatedAt: number;
}

export interface ActivationCacheRecord {
  id: Id;
  modelId: Id;
  tokenizationId: Id;
  hook: string;
  dIn: number;
  dtype: 'f32' | 'f16';
  rows: number;
  shards: { blobKey: BlobKey; rows: number }[];
  stats?: { meanNorm: number };
  status: AssetStatus;
  createdAt: number;
  updatedAt: number;
}

export type TrainingStatus = 'draft' | 'queued' | 'running' | 'paused' | 'interrupted' | 'completed' | 'failed' | 'cancelled';

export type ActivationSourceSpec =
  | { kind: 'synthetic'; features: number; dIn: number; activeProb: number; seed: number }
  | { kind: 'cache'; cacheId: Id }
  | { kind: 'model'; modelId: Id; tokenizationId: Id; hook: string };

export interface TrainingRecord {
  id: Id;
  name: string;
  config: SaeConfig;
  batchSize: number;
  seed: number;
  source: ActivationSourceSpec;
  checkpointEvery: number;
  status: TrainingStatus;
  step: number;
  jobId?: Id;
  latestCheckpointId?: Id;
  saeId?: Id;
  templateId?: Id;
  error?: string;
  createdAt: number;
  updatedAt: number;
}

export interface TrainingMetricRecord extends StepMetrics {
  trainingId: Id;
  step: number;
  /** ground-truth recovery for the synthetic source */
  mmcs?: number;
}

export interface CheckpointRecord {
  id: Id;
  trainingId: Id;
  step: number;
  blobKey: BlobKey;
  bytes: number;
  metrics: Partial<StepMetrics>;
  createdAt: number;
}

export interface SaeRecord {
  id: Id;
  name: string;
  architecture: Architecture;
  dIn: number;
  dSae: number;
  /** where it came from: a training, or an import */
  origin: { kind: 'training'; trainingId: Id } | { kind: 'import'; fileName: string };
  modelId?: Id;
  hook?: string;
  blobKey: BlobKey; // safetensors weights
  cfg: Record<string, unknown>; // SAELens cfg.json
  metrics?: Partial<StepMetrics> & Record<string, number>;
  createdAt: number;
  updatedAt: number;
}

export interface FeatureExtractionRecord {
  id: Id;
  saeId: Id;
  tokenizationId: Id;
  templateId?: Id;
  status: AssetStatus;
  tokens: number;
  createdAt: number;
  updatedAt: number;
}

export interface FeatureRecord {
  id: string; // `${saeId}:${index}`
  saeId: Id;
  index: number;
  label: string;
  category: string;
  notes: string;
  favourite: 0 | 1; // indexable
  density?: number;
  maxActivation?: number;
  meanActivation?: number;
  topTokens?: string[];
  updatedAt: number;
}

export interface FeatureExampleRecord {
  id: string; // `${saeId}:${featureIndex}:${kind}:${rank}`
  saeId: Id;
  featureIndex: number;
  kind: 'top' | 'quantile';
  rank: number;
  tokens: string[];
  activations: number[];
}

export interface TrainingTemplate {
  id: Id;
  name: string;
  description: string;
  builtIn: boolean;
  favourite: 0 | 1;
  config: Partial<SaeConfig>;
  batchSize: number;
  source?: ActivationSourceSpec;
  createdAt: number;
  updatedAt: number;
}

export interface ExtractionTemplate {
  id: Id;
  name: string;
  description: string;
  builtIn: boolean;
  favourite: 0 | 1;
  maxTokens: number;
  batchSize: number;
  topK: number;
  contextPrefix: number;
  contextSuffix: number;
  quantileExamples: number;
  createdAt: number;
  updatedAt: number;
}

export interface SteeringExperiment {
  id: Id;
  name: string;
  modelId: Id;
  saeId: Id;
  prompt: string;
  features: { index: number; coefficient: number }[];
  params: Record<string, number | string | string[]>;
  outputs: { label: string; text: string }[];
  createdAt: number;
  updatedAt: number;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}
