// The rows a project bundle carries, checked field by field: every field the studio knows is checked and
// normalised, and the first bad one throws InteropError('invalid-data') naming the table, the row and the
// field. Fields it does not know (added by another version of the studio) are kept as they are: they are
// plain JSON data, and dropping them could lose what that version needs.
import { ARCHITECTURES, type Architecture, type SaeConfig } from '../sae/config';
import type {
  ActivationSourceSpec,
  DatasetRecord,
  DocumentPartRef,
  ExtractionTemplate,
  FeatureExampleRecord,
  FeatureRecord,
  ModelRecord,
  SaeRecord,
  StoredFile,
  TokenFilters,
  TrainingTemplate,
} from '../domain/entities';
import { InteropError } from './errors';

/** Tables in the order a bundle stores them (referenced rows before the rows that reference them). */
export const BUNDLE_TABLES = ['trainingTemplates', 'extractionTemplates', 'models', 'datasets', 'saes', 'features', 'featureExamples'] as const;
export type BundleTable = (typeof BUNDLE_TABLES)[number];

export interface BundleRows {
  trainingTemplates: TrainingTemplate[];
  extractionTemplates: ExtractionTemplate[];
  models: ModelRecord[];
  datasets: DatasetRecord[];
  saes: SaeRecord[];
  features: FeatureRecord[];
  featureExamples: FeatureExampleRecord[];
}

export function emptyRows(): BundleRows {
  return { trainingTemplates: [], extractionTemplates: [], models: [], datasets: [], saes: [], features: [], featureExamples: [] };
}

export function isBundleTable(v: unknown): v is BundleTable {
  return typeof v === 'string' && (BUNDLE_TABLES as readonly string[]).includes(v);
}

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads typed fields of one row; the first bad field throws, naming where it is. */
class Fields {
  constructor(
    private readonly where: string,
    private readonly src: Plain,
  ) {}

  fail(field: string, problem: string): never {
    throw new InteropError('invalid-data', `${this.where}: ${field} ${problem}.`, 'The bundle was changed or damaged after it was made; export it again.');
  }

  has(key: string): boolean {
    return this.src[key] !== undefined;
  }

  str(key: string): string {
    const v = this.src[key];
    if (typeof v !== 'string') this.fail(key, 'must be text');
    return v;
  }

  id(key: string): string {
    const v = this.str(key);
    if (v.length === 0 || v.length > 200) this.fail(key, 'must be an id of 1–200 characters');
    return v;
  }

  num(key: string): number {
    const v = this.src[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'must be a finite number');
    return v;
  }

  int(key: string, min = 0): number {
    const v = this.num(key);
    if (!Number.isSafeInteger(v) || v < min) this.fail(key, `must be an integer ≥ ${min}`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.src[key];
    if (typeof v !== 'boolean') this.fail(key, 'must be true or false');
    return v;
  }

  flag(key: string): 0 | 1 {
    const v = this.src[key];
    if (v !== 0 && v !== 1) this.fail(key, 'must be 0 or 1');
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.src[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) this.fail(key, `must be one of ${values.join(', ')}`);
    return v as T;
  }

  obj(key: string): Plain {
    const v = this.src[key];
    if (!isPlain(v)) this.fail(key, 'must be an object');
    return v;
  }

  strings(key: string): string[] {
    const v = this.src[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(key, 'must be a list of texts');
    return [...(v as string[])];
  }

  numbers(key: string): number[] {
    const v = this.src[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'number' && Number.isFinite(s))) this.fail(key, 'must be a list of finite numbers');
    return [...(v as number[])];
  }

  list(key: string): unknown[] {
    const v = this.src[key];
    if (!Array.isArray(v)) this.fail(key, 'must be a list');
    return v;
  }

  numOrNull(key: string): number | null {
    return this.src[key] === null ? null : this.num(key);
  }

  item(key: string, index: number, value: unknown): Fields {
    if (!isPlain(value)) this.fail(`${key}[${index}]`, 'must be an object');
    return new Fields(`${this.where}, ${key}[${index}]`, value);
  }

  nested(key: string): Fields {
    return new Fields(`${this.where}, ${key}`, this.obj(key));
  }

  /** `checked` over the row's other (unknown) fields. */
  withRest<T extends object>(checked: T): T {
    return { ...this.src, ...checked };
  }

  /** Copies optional fields that are present, each read with `read`. */
  optional<K extends string, V>(target: Partial<Record<K, V>>, keys: readonly K[], read: (key: K) => V): void {
    for (const k of keys) if (this.has(k)) target[k] = read(k);
  }
}

function fieldsOf(table: BundleTable, index: number, row: unknown): Fields {
  if (!isPlain(row)) {
    throw new InteropError('invalid-data', `${table} row ${index + 1} is not an object.`, 'The bundle was changed or damaged after it was made; export it again.');
  }
  const id = typeof row.id === 'string' ? ` ("${row.id.slice(0, 80)}")` : '';
  return new Fields(`${table} row ${index + 1}${id}`, row);
}

const CONFIG_NUMBERS = [
  'd_in', 'd_sae', 'lr', 'adam_beta1', 'adam_beta2', 'adam_eps', 'lr_warmup_steps', 'lr_decay_steps', 'total_steps', 'dead_steps_threshold',
  'l1_coefficient', 'l1_warmup_steps', 'k', 'k_aux', 'aux_coefficient', 'threshold_momentum', 'l0_coefficient', 'bandwidth', 'initial_threshold',
] as const;

function saeConfig(f: Fields): Partial<SaeConfig> {
  const out: Partial<SaeConfig> = {};
  if (f.has('architecture')) out.architecture = f.oneOf<Architecture>('architecture', ARCHITECTURES);
  f.optional(out, ['apply_b_dec_to_input', 'normalize_decoder'] as const, (k) => f.bool(k));
  f.optional(out, CONFIG_NUMBERS, (k) => f.num(k));
  if (f.has('grad_clip_norm')) out.grad_clip_norm = f.numOrNull('grad_clip_norm');
  return f.withRest(out);
}

function activationSource(f: Fields): ActivationSourceSpec {
  const kind = f.oneOf('kind', ['synthetic', 'cache', 'model'] as const);
  if (kind === 'synthetic') return { kind, features: f.int('features', 1), dIn: f.int('dIn', 1), activeProb: f.num('activeProb'), seed: f.num('seed') };
  if (kind === 'cache') return { kind, cacheId: f.id('cacheId') };
  return { kind, modelId: f.id('modelId'), tokenizationId: f.id('tokenizationId'), hook: f.str('hook') };
}

function trainingTemplate(f: Fields): TrainingTemplate {
  const row: TrainingTemplate = {
    id: f.id('id'),
    name: f.str('name'),
    description: f.str('description'),
    builtIn: f.bool('builtIn'),
    favourite: f.flag('favourite'),
    config: saeConfig(f.nested('config')),
    batchSize: f.int('batchSize', 1),
    createdAt: f.num('createdAt'),
    updatedAt: f.num('updatedAt'),
  };
  if (f.has('expansionFactor')) {
    const e = f.num('expansionFactor');
    if (!(e > 0)) f.fail('expansionFactor', 'must be positive');
    row.expansionFactor = e;
  }
  if (f.has('source')) row.source = activationSource(f.nested('source'));
  return f.withRest(row);
}

function tokenFilters(f: Fields): TokenFilters {
  return { skipSpecialTokens: f.bool('skipSpecialTokens'), skipWhitespace: f.bool('skipWhitespace'), skipPunctuation: f.bool('skipPunctuation'), skipTokens: f.strings('skipTokens') };
}

function extractionTemplate(f: Fields): ExtractionTemplate {
  const row: ExtractionTemplate = {
    id: f.id('id'),
    name: f.str('name'),
    description: f.str('description'),
    builtIn: f.bool('builtIn'),
    favourite: f.flag('favourite'),
    maxTokens: f.int('maxTokens', 1),
    batchSize: f.int('batchSize', 1),
    topK: f.int('topK'),
    contextPrefix: f.int('contextPrefix'),
    contextSuffix: f.int('contextSuffix'),
    quantileExamples: f.int('quantileExamples'),
    createdAt: f.num('createdAt'),
    updatedAt: f.num('updatedAt'),
  };
  if (f.has('tokenFilters')) row.tokenFilters = tokenFilters(f.nested('tokenFilters'));
  return f.withRest(row);
}

function storedFile(f: Fields): StoredFile {
  return f.withRest({ role: f.str('role'), name: f.str('name'), blobKey: f.id('blobKey'), bytes: f.int('bytes') });
}

function model(f: Fields): ModelRecord {
  const src = f.nested('source');
  const kind = src.oneOf('kind', ['hub', 'local'] as const);
  const files = f.list('files');
  const row: ModelRecord = {
    id: f.id('id'),
    name: f.str('name'),
    source: kind === 'hub' ? { kind, repo: src.str('repo'), revision: src.str('revision'), file: src.str('file') } : { kind },
    status: f.oneOf('status', ['ready'] as const),
    files: files.map((file, i) => storedFile(f.item('files', i, file))),
    createdAt: f.num('createdAt'),
    updatedAt: f.num('updatedAt'),
  };
  if (f.has('info')) {
    const info = f.nested('info');
    const out: NonNullable<ModelRecord['info']> = {};
    info.optional(out, ['layers', 'dModel', 'heads', 'vocab', 'params'] as const, (k) => info.num(k));
    info.optional(out, ['family', 'dtype'] as const, (k) => info.str(k));
    row.info = info.withRest(out);
  }
  return f.withRest(row);
}

function dataset(f: Fields): DatasetRecord {
  const src = f.nested('source');
  const kind = src.oneOf('kind', ['hub', 'local'] as const);
  let source: DatasetRecord['source'];
  if (kind === 'hub') {
    const hub: Extract<DatasetRecord['source'], { kind: 'hub' }> = { kind, repo: src.str('repo'), column: src.str('column') };
    src.optional(hub, ['config', 'split'] as const, (k) => src.str(k));
    source = hub;
  } else {
    const local: Extract<DatasetRecord['source'], { kind: 'local' }> = { kind, fileName: src.str('fileName'), format: src.str('format') };
    if (src.has('field')) local.field = src.str('field');
    source = local;
  }
  const row: DatasetRecord = {
    id: f.id('id'),
    name: f.str('name'),
    source,
    status: f.oneOf('status', ['ready'] as const),
    rows: f.int('rows'),
    chars: f.int('chars'),
    bytes: f.int('bytes'),
    createdAt: f.num('createdAt'),
    updatedAt: f.num('updatedAt'),
  };
  if (f.has('blobKey')) row.blobKey = f.id('blobKey');
  if (f.has('parts')) {
    row.parts = f.list('parts').map((value, i) => {
      const part = f.item('parts', i, value);
      const ref: DocumentPartRef = { blobKey: part.id('blobKey'), documents: part.int('documents'), bytes: part.int('bytes') };
      if (part.has('file')) ref.file = part.int('file');
      return part.withRest(ref);
    });
  }
  return f.withRest(row);
}

function sae(f: Fields): SaeRecord {
  const origin = f.nested('origin');
  const kind = origin.oneOf('kind', ['training', 'import'] as const);
  const row: SaeRecord = {
    id: f.id('id'),
    name: f.str('name'),
    architecture: f.oneOf('architecture', ARCHITECTURES),
    dIn: f.int('dIn', 1),
    dSae: f.int('dSae', 1),
    origin: kind === 'training' ? { kind, trainingId: origin.id('trainingId') } : { kind, fileName: origin.str('fileName') },
    blobKey: f.id('blobKey'),
    // cfg.json came out of JSON.parse: plain data, kept whole
    cfg: f.obj('cfg'),
    createdAt: f.num('createdAt'),
    updatedAt: f.num('updatedAt'),
  };
  if (f.has('modelId')) row.modelId = f.id('modelId');
  if (f.has('hook')) row.hook = f.str('hook');
  if (f.has('source')) row.source = activationSource(f.nested('source'));
  if (f.has('metrics')) {
    const m = f.nested('metrics');
    const metrics: Record<string, number> = {};
    for (const key of Object.keys(f.obj('metrics'))) metrics[key] = m.num(key);
    row.metrics = metrics;
  }
  return f.withRest(row);
}

function feature(f: Fields): FeatureRecord {
  const row: FeatureRecord = {
    id: f.str('id'),
    saeId: f.id('saeId'),
    index: f.int('index'),
    label: f.str('label'),
    category: f.str('category'),
    notes: f.str('notes'),
    favourite: f.flag('favourite'),
    updatedAt: f.num('updatedAt'),
  };
  if (row.id !== `${row.saeId}:${row.index}`) f.fail('id', `must be "${row.saeId}:${row.index}" (SAE id and index)`);
  f.optional(row, ['density', 'maxActivation', 'meanActivation'] as const, (k) => f.num(k));
  if (f.has('topTokens')) row.topTokens = f.strings('topTokens');
  return f.withRest(row);
}

function featureExample(f: Fields): FeatureExampleRecord {
  const row: FeatureExampleRecord = {
    id: f.str('id'),
    saeId: f.id('saeId'),
    featureIndex: f.int('featureIndex'),
    kind: f.oneOf('kind', ['top', 'quantile'] as const),
    rank: f.int('rank'),
    tokens: f.strings('tokens'),
    activations: f.numbers('activations'),
  };
  if (row.id !== featureExampleId(row)) f.fail('id', `must be "${featureExampleId(row)}"`);
  if (row.tokens.length !== row.activations.length) f.fail('activations', `has ${row.activations.length} values for ${row.tokens.length} tokens`);
  return f.withRest(row);
}

export function featureId(saeId: string, index: number): string {
  return `${saeId}:${index}`;
}

export function featureExampleId(e: Pick<FeatureExampleRecord, 'saeId' | 'featureIndex' | 'kind' | 'rank'>): string {
  return `${e.saeId}:${e.featureIndex}:${e.kind}:${e.rank}`;
}

const CHECKS: { [T in BundleTable]: (f: Fields) => BundleRows[T][number] } = {
  trainingTemplates: trainingTemplate,
  extractionTemplates: extractionTemplate,
  models: model,
  datasets: dataset,
  saes: sae,
  features: feature,
  featureExamples: featureExample,
};

/** Checks one row of `table` (the `index`-th, for messages) and returns its clean copy. */
export function checkRow<T extends BundleTable>(table: T, index: number, row: unknown): BundleRows[T][number] {
  return CHECKS[table](fieldsOf(table, index, row)) as BundleRows[T][number];
}

/** The blob keys a row refers to (its stored binaries). */
export function blobKeysOf(table: BundleTable, row: BundleRows[BundleTable][number]): string[] {
  if (table === 'models') return (row as ModelRecord).files.map((f) => f.blobKey);
  if (table === 'datasets') {
    const d = row as DatasetRecord;
    return [...(d.blobKey ? [d.blobKey] : []), ...(d.parts ?? []).map((p) => p.blobKey)];
  }
  if (table === 'saes') return [(row as SaeRecord).blobKey];
  return [];
}
