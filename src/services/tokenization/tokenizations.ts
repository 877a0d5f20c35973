// Use-cases on tokenizations: start one (checked, unique per dataset × model × context length, queued as
// an IO job), retry, delete, and preview a stored window with its token boundaries.
import { resolveWindowLayout, tokenSpans, type TextTokenizer } from '../../data/tokenize';
import type { ModelRecord, TokenizationRecord, TokenizationSettings } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { canTransitionJob } from '../../domain/status';
import { tokenizeOptionsOf, type TokenizeParams } from '../../jobs/handlers/tokenize';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import { datasetRepo } from '../../store/repos/datasets';
import { listJobs, setStatus as setJobStatus } from '../../store/repos/jobs';
import { modelRepo } from '../../store/repos/models';
import { setTokenizationStatus, tokenizationRepo, tokenizationsOf } from '../../store/repos/tokenizations';
import { tokenizationPrefix } from '../datasets/keys';
import { assetDisplayStatus, type AssetDisplayStatus } from '../datasets/status';
import { enqueueJob } from '../jobs';
import { hasTokenizer, loadModelTokenizer } from './model-tokenizer';
import { openStoredWindows } from './window-parts';

export class TokenizationRequestError extends Error {
  override readonly name = 'TokenizationRequestError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

export interface TokenizationRequest {
  datasetId: string;
  modelId: string;
  contextLength: number;
  settings: TokenizationSettings;
}

export interface StartedTokenization {
  tokenization: TokenizationRecord;
  job: JobRecord;
}

const tokenizers = new Map<string, Promise<TextTokenizer>>();

/** The model's tokenizer, loaded once per page. */
export function tokenizerForModel(model: Pick<ModelRecord, 'id' | 'name' | 'files'>, blobs?: BlobStore): Promise<TextTokenizer> {
  let loading = tokenizers.get(model.id);
  if (!loading) {
    loading = (async () => loadModelTokenizer(model, blobs ?? (await openBlobStore())))();
    tokenizers.set(model.id, loading);
    loading.catch(() => tokenizers.delete(model.id));
  }
  return loading;
}

/** Models that can tokenize: ready, with a tokenizer.json. */
export async function tokenizerModels(): Promise<ModelRecord[]> {
  return (await modelRepo.all()).filter((m) => m.status === 'ready' && hasTokenizer(m)).sort((a, b) => a.name.localeCompare(b.name));
}

export function listTokenizations(datasetId: string): Promise<TokenizationRecord[]> {
  return tokenizationsOf({ datasetId });
}

export interface TokenizationRow {
  tokenization: TokenizationRecord;
  /** the model's name ('(deleted model)' when it is gone) */
  modelName: string;
  status: AssetDisplayStatus;
  /** its jobs, newest first */
  jobs: JobRecord[];
}

/** A dataset's tokenizations, oldest first, with their model's name and the status their latest job gives them. */
export async function tokenizationRows(datasetId: string): Promise<TokenizationRow[]> {
  const [tokenizations, models, jobs] = await Promise.all([tokenizationsOf({ datasetId }), modelRepo.all(), listJobs()]);
  const names = new Map(models.map((m) => [m.id, m.name]));
  return tokenizations.map((tokenization) => {
    const own = jobs.filter((j) => j.kind === 'tokenize' && j.subjectId === tokenization.id);
    return { tokenization, modelName: names.get(tokenization.modelId) ?? '(deleted model)', status: assetDisplayStatus(tokenization.status, own[0]), jobs: own };
  });
}

export function tokenizationJobs(tokenizationId: string): Promise<JobRecord[]> {
  return listJobs({ subjectId: tokenizationId });
}

const ACTIVE: ReadonlySet<JobRecord['status']> = new Set(['queued', 'running', 'paused', 'interrupted']);

function enqueueTokenize(tokenization: TokenizationRecord, datasetName: string, modelName: string): Promise<JobRecord> {
  const params: TokenizeParams = { tokenizationId: tokenization.id };
  return enqueueJob('tokenize', `Tokenize ${datasetName} · ${modelName} · ${tokenization.contextLength}`, params, { subjectId: tokenization.id, resumable: true });
}

/** Checks the request (dataset, model, settings against the tokenizer) and queues the tokenization. */
export async function startTokenization(request: TokenizationRequest, blobs?: BlobStore): Promise<StartedTokenization> {
  const dataset = await datasetRepo.get(request.datasetId);
  if (!dataset) throw new TokenizationRequestError('The dataset no longer exists.', 'Go back to the list of datasets.');
  if (dataset.status !== 'ready') throw new TokenizationRequestError(`"${dataset.name}" is not imported yet.`, 'Wait for its import to finish, then tokenize it.');
  const model = await modelRepo.get(request.modelId);
  if (!model) throw new TokenizationRequestError('Choose a model: its tokenizer splits the text into tokens.', 'Import a model on the Models page first.');
  if (!hasTokenizer(model)) throw new TokenizationRequestError(`The model "${model.name}" has no tokenizer.json.`, 'Import the model again together with its tokenizer.json.');
  const { contextLength } = request;
  if (!Number.isInteger(contextLength) || contextLength < 2) {
    throw new TokenizationRequestError(`The context length must be a whole number of at least 2 (got ${contextLength}).`, 'Enter a context length such as 128.');
  }
  const maxContext = model.info?.contextLength;
  if (maxContext !== undefined && contextLength > maxContext) {
    throw new TokenizationRequestError(`"${model.name}" reads at most ${maxContext} tokens at a time; ${contextLength} is too long.`, `Choose a context length of at most ${maxContext}.`);
  }
  // the same checks the job makes, before anything is stored: a missing BOS/EOS token, a bad stride
  const tokenizer = await tokenizerForModel(model, blobs);
  resolveWindowLayout(tokenizeOptionsOf({ contextLength, settings: request.settings }, 1), tokenizer);

  const existing = (await tokenizationsOf({ datasetId: dataset.id })).find((t) => t.modelId === model.id && t.contextLength === contextLength);
  if (existing) {
    const jobs = await tokenizationJobs(existing.id);
    if (existing.status !== 'failed' || jobs.some((j) => ACTIVE.has(j.status))) {
      throw new TokenizationRequestError(
        `"${dataset.name}" is already tokenized for ${model.name} at context length ${contextLength}.`,
        'Use that tokenization, choose another context length, or delete it first.',
      );
    }
    // a failed or cancelled one is started over with the new settings
    await tokenizationRepo.update(existing.id, { settings: request.settings });
    const pending = await setTokenizationStatus(existing.id, 'pending', { error: undefined, errorAction: undefined });
    return { tokenization: pending, job: await enqueueTokenize(pending, dataset.name, model.name) };
  }
  const tokenization = await tokenizationRepo.create({
    datasetId: dataset.id,
    modelId: model.id,
    contextLength,
    settings: request.settings,
    status: 'pending',
    windows: 0,
    tokens: 0,
  });
  return { tokenization, job: await enqueueTokenize(tokenization, dataset.name, model.name) };
}

/** Starts a failed or cancelled tokenization over with its settings. */
export async function retryTokenization(id: string, blobs?: BlobStore): Promise<StartedTokenization> {
  const t = await tokenizationRepo.require(id);
  return startTokenization({ datasetId: t.datasetId, modelId: t.modelId, contextLength: t.contextLength, settings: t.settings ?? { mode: 'pack', bos: 'window', appendEos: true } }, blobs);
}

/** Cancels its job, removes its stored windows and its record. */
export async function deleteTokenization(id: string, blobs?: BlobStore): Promise<void> {
  for (const job of await tokenizationJobs(id)) {
    if (canTransitionJob(job, 'cancelled')) await setJobStatus(job.id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Cancelled: deleted' } }).catch(() => undefined);
  }
  await tokenizationRepo.delete(id);
  const store = blobs ?? (await openBlobStore());
  for (const key of await store.list(tokenizationPrefix(id))) await store.delete(key);
}

export interface PreviewToken {
  id: number;
  /** vocabulary string ('Ġworld') */
  token: string;
  /** what it adds to the text (' world') */
  piece: string;
  /** BOS, EOS or padding */
  special: boolean;
}

export interface WindowPreview {
  index: number;
  /** windows stored */
  count: number;
  tokens: PreviewToken[];
  /** padding tokens after `tokens` (not shown) */
  padding: number;
}

/** One stored window, read back from the BlobStore and split into its tokens for display. */
export async function previewWindow(tokenization: TokenizationRecord, index: number, blobs?: BlobStore): Promise<WindowPreview> {
  const store = blobs ?? (await openBlobStore());
  const model = await modelRepo.get(tokenization.modelId);
  if (!model) throw new TokenizationRequestError('The model of this tokenization no longer exists, so its tokens cannot be shown as text.', 'Import the model again.');
  const [windows, tokenizer] = await Promise.all([openStoredWindows(tokenization, store), tokenizerForModel(model, store)]);
  const at = Math.max(0, Math.min(windows.count - 1, Math.floor(index)));
  const { tokens, lengths } = await windows.read(at, at + 1);
  const length = lengths ? lengths[0]! : tokens.length;
  const ids = Array.from(tokens.subarray(0, length));
  const specials = new Set([tokenizer.bosId, tokenizer.eosId, tokenizer.padId].filter((id): id is number => id !== null));
  const { spans } = tokenSpans(ids, tokenizer);
  return {
    index: at,
    count: windows.count,
    tokens: spans.map((s) => ({ id: s.id, token: s.token, piece: s.piece, special: specials.has(s.id) })),
    padding: tokens.length - length,
  };
}
