// 'tokenize': a stored dataset × a model's tokenizer × a context length → token windows in the BlobStore,
// one part (a complete token-windows file of about 2 Mi tokens) per chunk, with statistics on the record.
//
// Resume: parts are checkpointed as they are stored. Chunk boundaries depend only on the documents and
// the settings, so a resumed run tokenizes from the first document again (the windows of a packed stream
// depend on everything before them) but skips storing the parts it already has; the statistics then
// cover the whole dataset without being saved between runs.
import { TokenizeError, tokenizeDocuments, type TextTokenizer, type TokenizeOptions, type TokenWindowStream } from '../../data/tokenize';
import { tokenWindowsSpecOf } from '../../data/token-windows';
import type { DatasetRecord, TokenizationRecord, TokenizationSettings, TokenizationStatsRecord, TokenWindowPartRef } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import { datasetRepo } from '../../store/repos/datasets';
import { modelRepo } from '../../store/repos/models';
import { setTokenizationStatus, tokenizationRepo } from '../../store/repos/tokenizations';
import { streamDocuments } from '../../services/datasets/document-parts';
import { tokenizationPrefix, windowPartKey } from '../../services/datasets/keys';
import { loadModelTokenizer } from '../../services/tokenization/model-tokenizer';
import { encodeWindowPart } from '../../services/tokenization/window-parts';
import type { JobContext, JobHandler, JobOutcome, StopRequest } from '../handlers';
import type { IoLaneEnv } from '../ioLane';
import { AssetGoneError, deleteBlobsUnder, enterRunning, formatCount, ProgressThrottle, recordFailure, type AssetStatusAccess } from './importDatasetShared';

export interface TokenizeParams {
  tokenizationId: string;
}

export interface TokenizeCheckpoint {
  parts: TokenWindowPartRef[];
  /** windows per part: fixed for the life of a tokenization so a resumed run cuts the same parts */
  windowsPerChunk: number;
}

export interface TokenizeDeps {
  blobs: BlobStore;
  progressIntervalMs?: number;
  /** tokens per stored part (default 2 Mi) */
  partTokens?: number;
}

const DEFAULT_PART_TOKENS = 1 << 21;

export function parseTokenizeParams(value: unknown): TokenizeParams {
  if (typeof value === 'object' && value !== null && 'tokenizationId' in value && typeof value.tokenizationId === 'string') return { tokenizationId: value.tokenizationId };
  throw new Error('The tokenization job has unreadable parameters; start the tokenization again.');
}

function parseCheckpoint(value: unknown): TokenizeCheckpoint | null {
  if (typeof value === 'object' && value !== null && 'parts' in value && Array.isArray(value.parts) && 'windowsPerChunk' in value && typeof value.windowsPerChunk === 'number') {
    return value as TokenizeCheckpoint;
  }
  return null;
}

function tokenizationAccess(id: string): AssetStatusAccess {
  return { get: () => tokenizationRepo.get(id), set: (to, patch) => setTokenizationStatus(id, to, patch) };
}

/** The tokenizer options a record's settings stand for. */
export function tokenizeOptionsOf(record: Pick<TokenizationRecord, 'contextLength' | 'settings'>, windowsPerChunk: number): TokenizeOptions {
  const settings: TokenizationSettings = record.settings ?? { mode: 'pack', bos: 'window', appendEos: true };
  const options: TokenizeOptions = { contextLength: record.contextLength, mode: settings.mode, bos: settings.bos, appendEos: settings.appendEos, windowsPerChunk };
  if (settings.stride !== undefined) options.stride = settings.stride;
  if (settings.overflow !== undefined) options.overflow = settings.overflow;
  return options;
}

export function statsRecordOf(stream: TokenWindowStream): TokenizationStatsRecord {
  const s = stream.stats();
  return {
    documents: s.documents,
    emptyDocuments: s.emptyDocuments,
    documentTokens: s.documentTokens,
    uniqueTokens: s.uniqueTokens,
    minDocTokens: s.minDocTokens,
    maxDocTokens: s.maxDocTokens,
    meanDocTokens: s.meanDocTokens,
    tokensPerDocument: s.tokensPerDocument,
    specialTokens: s.specialTokens,
    paddingTokens: s.paddingTokens,
    droppedTokens: s.droppedTokens,
    topTokens: s.topTokens,
  };
}

async function requireReadyDataset(id: string): Promise<DatasetRecord & { parts: NonNullable<DatasetRecord['parts']> }> {
  const dataset = await datasetRepo.get(id);
  if (!dataset) throw new AssetGoneError('The dataset of this tokenization no longer exists.');
  if (dataset.status !== 'ready' || !dataset.parts) {
    throw new TokenizeError(`The dataset "${dataset.name}" is not imported completely, so it cannot be tokenized yet.`, 'Wait for its import to finish (or import it again), then tokenize.');
  }
  return dataset as DatasetRecord & { parts: NonNullable<DatasetRecord['parts']> };
}

async function requireTokenizer(modelId: string, blobs: BlobStore): Promise<{ tokenizer: TextTokenizer; name: string }> {
  const model = await modelRepo.get(modelId);
  if (!model) throw new TokenizeError('The model of this tokenization no longer exists.', 'Delete this tokenization and tokenize with another model.');
  return { tokenizer: await loadModelTokenizer(model, blobs), name: model.name };
}

export async function runTokenize(ctx: JobContext<unknown>, deps: TokenizeDeps): Promise<JobOutcome> {
  const { tokenizationId } = parseTokenizeParams(ctx.job.params);
  const { blobs } = deps;
  const asset = tokenizationAccess(tokenizationId);
  try {
    await enterRunning(asset, 'tokenization');
    const record = await tokenizationRepo.require(tokenizationId);
    const dataset = await requireReadyDataset(record.datasetId);
    await ctx.reportProgress({ phase: 'loading tokenizer', done: 0, total: dataset.rows, message: 'Loading the tokenizer' });
    const { tokenizer, name } = await requireTokenizer(record.modelId, blobs);
    const previous = parseCheckpoint(ctx.job.checkpoint);
    const windowsPerChunk = previous?.windowsPerChunk ?? Math.max(1, Math.floor((deps.partTokens ?? DEFAULT_PART_TOKENS) / record.contextLength));
    const checkpoint: TokenizeCheckpoint = previous ?? { parts: [], windowsPerChunk };
    if (!previous) await deleteBlobsUnder(blobs, tokenizationPrefix(tokenizationId));

    // set inside the document generator (a closure), so declared through a cast to keep its full type
    let stop = null as StopRequest | null;
    let documentsRead = 0;
    async function* documents(): AsyncGenerator<{ text: string }> {
      for await (const doc of streamDocuments(blobs, dataset.parts)) {
        stop = ctx.shouldStop();
        if (stop !== null) return;
        documentsRead++;
        yield doc;
      }
    }

    const stream = tokenizeDocuments(documents(), tokenizer, tokenizeOptionsOf(record, windowsPerChunk));
    const spec = tokenWindowsSpecOf(stream);
    const throttle = new ProgressThrottle((u) => ctx.reportProgress(u), deps.progressIntervalMs ?? 250);
    const started = performance.now();
    const progress = (phase: string) => {
      const s = stream.stats();
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? ` · ${formatCount(s.documentTokens / seconds)} tokens/s` : '';
      const resuming = phase === 'resuming' ? ` (${formatCount(checkpoint.parts.length)} stored parts kept)` : '';
      return { phase, done: documentsRead, total: dataset.rows, message: `${formatCount(s.windows)} windows of ${record.contextLength} tokens${rate}${resuming}` };
    };

    let chunkIndex = 0;
    for await (const chunk of stream) {
      // a stop ends the documents early; the pipeline then hands over its last partial chunk, which is not kept
      if (stop !== null) break;
      const stored = checkpoint.parts[chunkIndex];
      if (stored) {
        if (stored.windows !== chunk.count) throw new TokenizeError('The dataset changed since this tokenization started.', 'Delete the tokenization and start it again.');
        chunkIndex++;
        await throttle.maybe(() => progress('resuming'));
        continue;
      }
      if (!(await tokenizationRepo.get(tokenizationId))) throw new AssetGoneError('The tokenization no longer exists.');
      const bytes = await encodeWindowPart(chunk, spec);
      const key = windowPartKey(tokenizationId, chunkIndex);
      await blobs.write(key, bytes);
      checkpoint.parts.push({ blobKey: key, windows: chunk.count, bytes: bytes.byteLength });
      chunkIndex++;
      await ctx.checkpoint(checkpoint);
      await throttle.maybe(() => progress('tokenizing'));
    }
    if (stop !== null) {
      if (stop === 'cancel') await cancelTokenization(tokenizationId, blobs);
      return { status: 'stopped' };
    }

    const stats = stream.stats();
    if (stats.windows === 0) {
      throw new TokenizeError(
        `The dataset has ${formatCount(stats.documentTokens)} tokens, too few for one window of ${record.contextLength}.`,
        'Choose a shorter context length, or "pad" the last window by using per-document truncation.',
      );
    }
    const keep = new Set(checkpoint.parts.map((p) => p.blobKey));
    await deleteBlobsUnder(blobs, tokenizationPrefix(tokenizationId), keep);
    await setTokenizationStatus(tokenizationId, 'ready', {
      windows: stats.windows,
      tokens: stats.windowTokens,
      parts: checkpoint.parts,
      bytes: checkpoint.parts.reduce((sum, p) => sum + p.bytes, 0),
      dtype: stream.dtype,
      vocabSize: stream.vocabSize,
      stats: statsRecordOf(stream),
    });
    return {
      status: 'completed',
      message: `${formatCount(stats.windows)} windows of ${record.contextLength} tokens from ${formatCount(stats.documents)} documents with ${name}'s tokenizer.`,
    };
  } catch (error) {
    if (error instanceof AssetGoneError) {
      await deleteBlobsUnder(blobs, tokenizationPrefix(tokenizationId));
      return { status: 'stopped' };
    }
    await recordFailure(asset, error);
    throw error;
  }
}

async function cancelTokenization(id: string, blobs: BlobStore): Promise<void> {
  await deleteBlobsUnder(blobs, tokenizationPrefix(id));
  const row = await tokenizationRepo.get(id);
  if (row && (row.status === 'running' || row.status === 'pending')) {
    await setTokenizationStatus(id, 'failed', { error: 'The tokenization was cancelled.', errorAction: 'Start it again, or delete it.' });
  }
}

/** The IO lane's handler, over the worker's BlobStore. */
export const tokenizeHandler: JobHandler<IoLaneEnv> = async (ctx) => runTokenize(ctx, { blobs: await openBlobStore() });
