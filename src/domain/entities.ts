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
  info?: { family?: string; layers?: number; dModel?: number; heads?: number; vocab?: number; params?: number; dtype?: string; contextLength?: number };
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
  /** what the user can do about `error` */
  errorAction?: string;
  /** how the source was read (local text formats) */
  importOptions?: DatasetImportOptions;
  /** the stored documents, in order: each part a blob of length-prefixed UTF-8 texts */
  parts?: DocumentPartRef[];
  stats?: DatasetStats;
  /** the first malformed records left out (policy 'skip'), with their lines */
  issues?: DatasetIssue[];
  createdAt: number;
  updatedAt: number;
}

export interface DatasetImportOptions {
  /** .txt: one document per line, or per blank-line-separated paragraph */
  txtSplit?: 'line' | 'paragraph';
  /** malformed JSONL/CSV records: leave them out, or stop the import */
  onMalformed?: 'skip' | 'stop';
  /** stop after this many documents */
  limit?: number;
  /** CSV delimiter when not ',' */
  delimiter?: string;
}

export interface DocumentPartRef {
  blobKey: BlobKey;
  documents: number;
  bytes: number;
  /** index of the source file (Hub shard) the part's documents came from */
  file?: number;
}

/** Power-of-two buckets: counts[i] counts lengths in [edges[i], edges[i + 1]). */
export interface LengthHistogramData {
  edges: number[];
  counts: number[];
}

export interface DatasetStats {
  /** empty or null records left out */
  empty: number;
  /** malformed records left out */
  malformed: number;
  minChars: number;
  maxChars: number;
  meanChars: number;
  /** characters per document */
  lengthHistogram: LengthHistogramData;
  /** bytes read from the source (for parquet: fetched) */
  sourceBytes: number;
}

export interface DatasetIssue {
  line?: number;
  row: number;
  message: string;
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
  /** how documents became windows (the rest of the window layout) */
  settings?: TokenizationSettings;
  dtype?: 'uint16' | 'uint32';
  vocabSize?: number;
  /** the stored windows, in order: each part a complete token-windows (MITW) file */
  parts?: TokenWindowPartRef[];
  /** stored bytes over all parts */
  bytes?: number;
  stats?: TokenizationStatsRecord;
  error?: string;
  errorAction?: string;
  createdAt: number;
  updatedAt: number;
}

export interface TokenizationSettings {
  /** 'pack': documents run on, separated by EOS; 'truncate': one document per window, padded */
  mode: 'pack' | 'truncate';
  /** BOS first in every window, before every document, or nowhere */
  bos: 'none' | 'window' | 'document';
  /** EOS after each document */
  appendEos: boolean;
  /** tokens between window starts; absent: no overlap */
  stride?: number;
  /** 'truncate': continue long documents into further windows */
  overflow?: boolean;
}

export interface TokenWindowPartRef {
  blobKey: BlobKey;
  windows: number;
  bytes: number;
}

export interface TokenizationStatsRecord {
  documents: number;
  emptyDocuments: number;
  /** tokens the tokenizer produced, without inserted BOS/EOS */
  documentTokens: number;
  uniqueTokens: number;
  minDocTokens: number;
  maxDocTokens: number;
  meanDocTokens: number;
  tokensPerDocument: LengthHistogramData;
  specialTokens: number;
  paddingTokens: number;
  droppedTokens: number;
  topTokens: { id: number; count: number; token: string; text: string }[];
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
  /** count and per-dimension mean/std are filled by the extraction job (older rows may lack them) */
  stats?: { meanNorm: number; count?: number; mean?: number[]; std?: number[] };
  status: AssetStatus;
  error?: string;
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
  /** train on s·x with E‖s·x‖ = √d_in (s estimated at the start, folded into the exported SAE) */
  inputScaling?: boolean;
  /** how b_dec starts; 'mean' and 'geometric_median' use a sample of the source */
  bDecInit?: 'zeros' | 'mean' | 'geometric_median';
  /** checkpoints kept besides the best one (keep the newest K) */
  keepCheckpoints?: number;
  /** steps between stored metric rows */
  metricsEvery?: number;
  /** synthetic source: steps between ground-truth (MMCS) evaluations */
  mmcsEvery?: number;
  /** time spent running, summed over all runs (milliseconds) */
  elapsedMs?: number;
  /** one entry per run: the first, and each resume */
  runs?: TrainingRun[];
  /** synthetic source: the latest comparison of the decoder with the true feature directions */
  recovery?: RecoverySnapshot;
  createdAt: number;
  updatedAt: number;
}

/** One run of a training: where it started (0, or the checkpoint it resumed from). */
export interface TrainingRun {
  fromStep: number;
  startedAt: number;
  /** step of the first metric row this run wrote */
  firstMetricStep?: number;
}

/** Learned-vs-true cosines for the synthetic source, for the heat map. */
export interface RecoverySnapshot {
  step: number;
  /** rows: true features shown (the first ones, when there are many) */
  features: number;
  /** columns: latents shown, best matches first */
  latents: number;
  /** [features, latents] row-major, columns reordered so each feature's best latent sits on the diagonal */
  cosines: number[];
  /** original latent index of each column */
  columnLatents: number[];
  mmcs: number;
  /** share of true features with a best cosine ≥ 0.9 */
  recovered: number;
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
  /** the activations it was trained on (kept when its training is deleted) */
  source?: ActivationSourceSpec;
  modelId?: Id;
  hook?: string;
  blobKey: BlobKey; // safetensors weights
  cfg: Record<string, unknown>; // SAELens cfg.json
  metrics?: Partial<StepMetrics> & Record<string, number>;
  /** the latest evaluation inside its model (CE loss recovered and more) */
  evaluation?: SaeEvaluation;
  createdAt: number;
  updatedAt: number;
}

/** An SAE spliced into its model at its hook on held-out token windows (src/analysis/evaluation-metrics.ts). */
export interface SaeEvaluation {
  modelId: Id;
  hook: string;
  tokenizationId: Id;
  /** windows [firstWindow, firstWindow + windows) of the tokenization */
  firstWindow: number;
  windows: number;
  /** token positions counted for the activation statistics */
  tokens: number;
  ceClean: number;
  ceSpliced: number;
  ceZero: number;
  /** (CE_zero − CE_spliced) / (CE_zero − CE_clean) */
  ceLossRecovered: number;
  /** mean KL(clean ‖ spliced) of the next-token distributions, nats */
  kl: number;
  explainedVariance: number;
  l0: number;
  deadFraction: number;
  denseFraction: number;
  /** dense: fires on more than this share of tokens */
  denseThreshold: number;
  jobId?: Id;
  evaluatedAt: number;
}

export interface FeatureExtractionRecord {
  id: Id;
  saeId: Id;
  tokenizationId: Id;
  templateId?: Id;
  status: AssetStatus;
  tokens: number;
  /** the model whose activations are encoded (the tokenization's model) and the hook read */
  modelId?: Id;
  hook?: string;
  /** read the activations from this stored cache of the hook instead of running the model */
  cacheId?: Id;
  /** the settings the run uses (a copy of the template's, as edited in the form) */
  settings?: ExtractionSettings;
  jobId?: Id;
  /** windows run through the model and SAE */
  windows?: number;
  /** per-latent histograms and logit effects (src/analysis/extraction/details-codec.ts) */
  detailsKey?: BlobKey;
  summary?: { alive: number; dead: number; dense: number; denseThreshold: number };
  error?: string;
  errorAction?: string;
  finishedAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** What an extraction run is asked to do: an extraction template's settings. */
export type ExtractionSettings = Pick<ExtractionTemplate, 'maxTokens' | 'batchSize' | 'topK' | 'contextPrefix' | 'contextSuffix' | 'quantileExamples' | 'tokenFilters'>;

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
  /** tokens on which it fired, of `tokens` seen by the extraction that wrote these statistics */
  fired?: number;
  tokens?: number;
  /** never fired / fired on more than the dense threshold's share of tokens (0/1, like favourite) */
  dead?: 0 | 1;
  dense?: 0 | 1;
  /** the extraction run these statistics come from */
  extractionId?: Id;
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
  /** index in `tokens` of the example's own token */
  focus?: number;
  /** its activation, and where it is in the tokenized dataset */
  act?: number;
  window?: number;
  pos?: number;
  /** quantile examples: the activation band (0: lowest) */
  band?: number;
}

export interface TrainingTemplate {
  id: Id;
  name: string;
  description: string;
  builtIn: boolean;
  favourite: 0 | 1;
  config: Partial<SaeConfig>;
  batchSize: number;
  /** d_sae as a multiple of d_in, for templates that leave d_in to the activation source (config.d_sae unset) */
  expansionFactor?: number;
  source?: ActivationSourceSpec;
  createdAt: number;
  updatedAt: number;
}

/** Which token positions an extraction ignores when it ranks examples (a filtered token is never a peak). */
export interface TokenFilters {
  /** BOS, EOS, padding and other special tokens */
  skipSpecialTokens: boolean;
  /** tokens made only of whitespace */
  skipWhitespace: boolean;
  /** tokens made only of punctuation */
  skipPunctuation: boolean;
  /** exact token strings to ignore */
  skipTokens: string[];
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
  /** absent: no filtering */
  tokenFilters?: TokenFilters;
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
  outputs: { label: string; text: string; sample?: number; stopReason?: string }[];
  /** how the outputs were produced: baseline and each feature, one feature over strengths, or all together */
  mode?: 'compare' | 'sweep' | 'combined';
  /** sweep: the strengths tried */
  strengths?: number[];
  /** whether the prompt started with the tokenizer's BOS */
  prependBos?: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A saved prompt for the Steering page; listed, exported and imported like the other templates. */
export interface PromptTemplate {
  id: Id;
  name: string;
  description: string;
  builtIn: boolean;
  favourite: 0 | 1;
  prompt: string;
  createdAt: number;
  updatedAt: number;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}
