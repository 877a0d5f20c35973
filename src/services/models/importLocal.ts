// Importing a model from files on disk: the ONNX graph (and its external weights), config.json and the
// tokenizer files go into the BlobStore under models/<id>/<name>, with a ModelRecord summarising config.json.
// A model needs an .onnx graph (to run) or a tokenizer.json (to tokenize datasets), and usually both.
import { tokenizerFromJson } from '../../data/tokenize';
import type { ModelRecord, StoredFile } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { blobKey } from '../../store/blob-key';
import { openBlobStore } from '../../store/open-blob-store';
import { modelRepo, setModelStatus } from '../../store/repos/models';

export class ModelImportError extends Error {
  override readonly name = 'ModelImportError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

const ACCEPTED = '.onnx, .onnx_data, config.json, tokenizer.json and tokenizer_config.json';

/** What a file is to a model, from its name; null for files this importer does not take. */
export function modelFileRole(name: string): StoredFile['role'] | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.onnx')) return 'model';
  if (/\.onnx(_data|\.data)(_\d+)?$/.test(lower)) return 'external-data';
  if (lower === 'config.json') return 'config';
  if (lower === 'tokenizer.json') return 'tokenizer';
  if (lower === 'tokenizer_config.json') return 'tokenizer-config';
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function parseJsonFile(file: File): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    throw new ModelImportError(`${file.name} is not valid JSON.`, `Use the ${file.name} that comes with the model.`);
  }
  if (!isRecord(value)) throw new ModelImportError(`${file.name} does not hold a JSON object.`, `Use the ${file.name} that comes with the model.`);
  return value;
}

function firstNumber(config: Record<string, unknown>, keys: string[]): number | undefined {
  for (const key of keys) {
    const v = config[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** The summary shown for a model, from config.json (GPT-2 and Llama-style names alike). */
export function modelInfoFromConfig(config: Record<string, unknown>): NonNullable<ModelRecord['info']> {
  const info: NonNullable<ModelRecord['info']> = {};
  if (typeof config['model_type'] === 'string') info.family = config['model_type'];
  const fields: [keyof NonNullable<ModelRecord['info']>, string[]][] = [
    ['layers', ['n_layer', 'num_hidden_layers', 'num_layers']],
    ['dModel', ['n_embd', 'hidden_size', 'd_model']],
    ['heads', ['n_head', 'num_attention_heads']],
    ['vocab', ['vocab_size']],
    ['contextLength', ['n_positions', 'max_position_embeddings', 'n_ctx']],
  ];
  for (const [field, keys] of fields) {
    const value = firstNumber(config, keys);
    if (value !== undefined) (info as Record<string, number>)[field] = value;
  }
  if (typeof config['torch_dtype'] === 'string') info.dtype = config['torch_dtype'];
  return info;
}

function defaultName(files: readonly File[], config: Record<string, unknown> | undefined): string {
  const named = config?.['_name_or_path'];
  if (typeof named === 'string' && named.trim() !== '') return named.trim();
  // a folder chosen whole gives its files a relative path: the folder is the model's name
  // (webkitRelativePath is '' for files picked one by one, and absent outside browsers)
  const folder = files.map((f) => (typeof f.webkitRelativePath === 'string' ? f.webkitRelativePath.split('/')[0] : undefined)).find((p): p is string => typeof p === 'string' && p !== '');
  if (folder) return folder;
  const graph = files.find((f) => modelFileRole(f.name) === 'model');
  if (graph) return graph.name.replace(/\.onnx$/i, '');
  return typeof config?.['model_type'] === 'string' ? config['model_type'] : 'Local model';
}

/** Checks the set of files: known kinds, no duplicates, a graph or a tokenizer, weights with their graph. */
export function validateModelFiles(files: readonly { name: string; size: number }[]): void {
  if (files.length === 0) throw new ModelImportError('No files were chosen.', `Choose the model's files: ${ACCEPTED}.`);
  const unknown = files.filter((f) => modelFileRole(f.name) === null).map((f) => f.name);
  if (unknown.length > 0) {
    throw new ModelImportError(`${unknown.join(', ')} ${unknown.length === 1 ? 'is not a file' : 'are not files'} this import takes.`, `Choose only ${ACCEPTED}.`);
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.name)) throw new ModelImportError(`${f.name} was chosen twice.`, 'Choose each file once.');
    seen.add(f.name);
    if (f.size === 0) throw new ModelImportError(`${f.name} is empty.`, 'Download the file again and choose the complete copy.');
  }
  const roles = files.map((f) => modelFileRole(f.name));
  if (!roles.includes('model') && !roles.includes('tokenizer')) {
    throw new ModelImportError(
      'These files hold neither a model graph (.onnx) nor a tokenizer (tokenizer.json).',
      'Add the model’s .onnx file to run it, and its tokenizer.json to tokenize datasets with it.',
    );
  }
  for (const f of files) {
    if (modelFileRole(f.name) !== 'external-data') continue;
    const graph = f.name.replace(/(_data|\.data)(_\d+)?$/i, '');
    if (!seen.has(graph)) throw new ModelImportError(`${f.name} holds the weights of ${graph}, which was not chosen.`, `Choose ${graph} together with its weights.`);
  }
}

/** Stores the files and a ready ModelRecord; on failure nothing of the model is left behind. */
export async function importLocalModel(files: File[], options: { name?: string; blobs?: BlobStore } = {}): Promise<ModelRecord> {
  validateModelFiles(files);
  const configFile = files.find((f) => modelFileRole(f.name) === 'config');
  const config = configFile ? await parseJsonFile(configFile) : undefined;
  const tokenizerFile = files.find((f) => modelFileRole(f.name) === 'tokenizer');
  if (tokenizerFile) {
    // load it once now: a tokenizer that cannot load should fail here, not in a tokenization job later
    const tokenizerConfigFile = files.find((f) => modelFileRole(f.name) === 'tokenizer-config');
    const tokenizerConfig = tokenizerConfigFile ? await parseJsonFile(tokenizerConfigFile) : {};
    try {
      tokenizerFromJson(await parseJsonFile(tokenizerFile), tokenizerConfig);
    } catch (error) {
      const action = error instanceof Error && 'action' in error && typeof error.action === 'string' ? error.action : 'Use the tokenizer.json that comes with the model.';
      throw new ModelImportError(error instanceof Error ? error.message : String(error), action);
    }
  }
  const blobs = options.blobs ?? (await openBlobStore());
  const record = await modelRepo.create({
    name: options.name?.trim() || defaultName(files, config),
    source: { kind: 'local' },
    status: 'running',
    files: [],
    ...(config ? { info: modelInfoFromConfig(config) } : {}),
  });
  const stored: StoredFile[] = [];
  try {
    for (const file of files) {
      const key = blobKey('models', record.id, file.name);
      const { bytes } = await blobs.write(key, file);
      stored.push({ role: modelFileRole(file.name)!, name: file.name, blobKey: key, bytes });
    }
    return await setModelStatus(record.id, 'ready', { files: stored });
  } catch (error) {
    for (const f of stored) await blobs.delete(f.blobKey).catch(() => undefined);
    await modelRepo.delete(record.id);
    throw error;
  }
}
