// The 'extract-activations' job's work: run the model over a tokenization's windows, keep the activations
// at each chosen hook (real tokens only), and store them as shards (f32, or f16 at half the size) with
// statistics (count, mean norm, per-dimension mean and std), one activation cache per hook. Shards are
// written at batch boundaries and the job checkpoints after each, so a pause, a reload or a crash costs at
// most one shard of work. Independent of the browser: ORT, the device and the stores are passed in.
import { ActivationStatsAccumulator, type ActivationStatsState } from '../../data/activation-sources/activation-stats';
import { toHalf } from '../../data/activation-sources/f16';
import type { ActivationCacheRecord } from '../../domain/entities';
import { activationWidth, HookRunner, keptRows } from '../../lm/runner/hook-runner';
import type { Ort } from '../../lm/runner/lm-session';
import { readModelAnalysis, readModelBytes } from '../../services/models/model-files';
import { hookTensor } from '../../services/models/model-analysis';
import { moveCacheTo } from '../../services/models/model-status';
import { loadModelTokenizer } from '../../services/tokenization/model-tokenizer';
import { openStoredWindows } from '../../services/tokenization/window-parts';
import type { BlobStore } from '../../store/blob-store';
import { blobKey } from '../../store/blob-key';
import { activationCacheRepo } from '../../store/repos/activationCaches';
import { modelRepo } from '../../store/repos/models';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import type { JobContext, JobOutcome } from '../handlers';

export interface ExtractActivationsParams {
  modelId: string;
  tokenizationId: string;
  /** one cache per hook; each cache row names its hook */
  cacheIds: string[];
  /** rows (token positions) to store per hook */
  maxRows: number;
  /** windows per model run */
  batchWindows: number;
  dtype: 'f32' | 'f16';
  /** put the tokenizer's BOS in front of every window (its position is not stored) */
  prependBos: boolean;
}

interface CacheProgress {
  rows: number;
  shards: { blobKey: string; rows: number }[];
  stats: ActivationStatsState | null;
}

export interface ExtractCheckpoint {
  nextWindow: number;
  caches: Record<string, CacheProgress>;
}

export class ExtractionError extends Error {
  override readonly name = 'ExtractionError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseExtractParams(value: unknown): ExtractActivationsParams {
  const bad = () => new ExtractionError('This extraction job is missing its settings.', 'Start the extraction again from the Models page.');
  if (!isRecord(value) || typeof value.modelId !== 'string' || typeof value.tokenizationId !== 'string' || !Array.isArray(value.cacheIds)) throw bad();
  const cacheIds = value.cacheIds.filter((c): c is string => typeof c === 'string');
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (cacheIds.length === 0 || !positive(value.maxRows) || !positive(value.batchWindows)) throw bad();
  return {
    modelId: value.modelId,
    tokenizationId: value.tokenizationId,
    cacheIds,
    maxRows: value.maxRows as number,
    batchWindows: value.batchWindows as number,
    dtype: value.dtype === 'f16' ? 'f16' : 'f32',
    prependBos: value.prependBos === true,
  };
}

function parseCheckpoint(value: unknown, cacheIds: readonly string[]): ExtractCheckpoint {
  const empty: ExtractCheckpoint = { nextWindow: 0, caches: Object.fromEntries(cacheIds.map((id) => [id, { rows: 0, shards: [], stats: null }])) };
  if (!isRecord(value) || typeof value.nextWindow !== 'number' || !isRecord(value.caches)) return empty;
  for (const id of cacheIds) if (!isRecord(value.caches[id])) return empty;
  return value as unknown as ExtractCheckpoint;
}

export function shardKey(cacheId: string, index: number): string {
  return blobKey('caches', cacheId, `shard-${String(index).padStart(6, '0')}.bin`);
}

export interface ExtractDeps {
  ort: Ort;
  /** WebGPU device, or undefined to run the model on the CPU */
  device: GPUDevice | undefined;
  blobs: BlobStore;
  /** a shard is written once a cache holds this many bytes unsaved */
  shardBytes?: number;
  now?: () => number;
}

const DEFAULT_SHARD_BYTES = 32 * 1024 * 1024;

interface CacheWork {
  record: ActivationCacheRecord;
  tensor: string;
  progress: CacheProgress;
  stats: ActivationStatsAccumulator | undefined;
  pending: Uint8Array[];
  pendingRows: number;
  pendingBytes: number;
  width: number;
}

export async function runExtraction(ctx: JobContext<unknown>, deps: ExtractDeps): Promise<JobOutcome> {
  const params = parseExtractParams(ctx.job.params);
  const { blobs } = deps;
  const model = await modelRepo.require(params.modelId);
  const tokenization = await tokenizationRepo.require(params.tokenizationId);
  if (tokenization.modelId !== model.id) {
    throw new ExtractionError('This tokenization was made for another model.', 'Tokenize the dataset for this model, then extract again.');
  }
  const records = await Promise.all(params.cacheIds.map((id) => activationCacheRepo.get(id)));
  const live = records.filter((r): r is ActivationCacheRecord => r !== undefined);
  if (live.length === 0) return { status: 'completed', message: 'The activation caches were deleted before the extraction ran.' };
  if (ctx.shouldStop() === 'cancel') return cancel(live, blobs);
  if (ctx.shouldStop()) return { status: 'stopped' };

  const analysis = await readModelAnalysis(model, blobs);
  if (!analysis) throw new ExtractionError(`The model "${model.name}" has not been analysed.`, 'Delete the model and add it again.');
  const checkpoint = parseCheckpoint(ctx.job.checkpoint, params.cacheIds);
  const work: CacheWork[] = live.map((record) => {
    const progress = checkpoint.caches[record.id] as CacheProgress;
    return {
      record,
      tensor: hookTensor(analysis, record.hook),
      progress,
      stats: progress.stats ? ActivationStatsAccumulator.fromState(progress.stats) : undefined,
      pending: [],
      pendingRows: 0,
      pendingBytes: 0,
      width: progress.stats?.width ?? 0,
    };
  });
  for (const w of work) await moveCacheTo(w.record.id, 'running', { error: undefined });

  let bos: number | undefined;
  if (params.prependBos) {
    const tokenizer = await loadModelTokenizer(model, blobs);
    const id = tokenizer.bosId ?? tokenizer.eosId;
    if (id === null) throw new ExtractionError('This tokenizer has no BOS (or EOS) token to put in front of the windows.', 'Extract without "prepend BOS".');
    bos = id;
  }
  const windows = await openStoredWindows(tokenization, blobs);
  const contextLimit = model.info?.contextLength;
  const seq = windows.contextLength + (bos === undefined ? 0 : 1);
  if (contextLimit !== undefined && seq > contextLimit) {
    throw new ExtractionError(`Windows of ${seq} tokens are longer than the model's context of ${contextLimit}.`, 'Tokenize with a shorter context length, or extract without "prepend BOS".');
  }

  const runner = await HookRunner.open(await readModelBytes(model, blobs), [...new Set(work.map((w) => w.tensor))], {
    ort: deps.ort,
    ...(deps.device ? { device: deps.device } : {}),
    ...(bos === undefined ? {} : { prependBos: bos }),
  });
  const backendNote = runner.backend === 'wasm' ? ' (on the CPU: WebGPU is not available)' : '';
  const shardBytes = deps.shardBytes ?? DEFAULT_SHARD_BYTES;
  const estimate = Math.min(params.maxRows, tokenization.tokens > 0 ? tokenization.tokens : params.maxRows);
  const rowsDone = () => Math.min(...work.map((w) => w.progress.rows + w.pendingRows));
  let nextWindow = checkpoint.nextWindow;

  const flush = async () => {
    for (const w of work) {
      if (w.pendingRows === 0) continue;
      const key = shardKey(w.record.id, w.progress.shards.length);
      const chunks = w.pending;
      await blobs.write(key, (async function* () {
        yield* chunks;
      })());
      w.progress.shards.push({ blobKey: key, rows: w.pendingRows });
      w.progress.rows += w.pendingRows;
      w.progress.stats = w.stats?.getState() ?? null;
      w.pending = [];
      w.pendingRows = 0;
      w.pendingBytes = 0;
    }
    checkpoint.nextWindow = nextWindow;
    await ctx.checkpoint(checkpoint);
    for (const w of work) await activationCacheRepo.update(w.record.id, { rows: w.progress.rows, shards: w.progress.shards, ...(w.width ? { dIn: w.width } : {}) });
  };

  try {
    await ctx.reportProgress({ phase: 'extracting', done: rowsDone(), total: estimate, message: `Running the model${backendNote}` });
    while (rowsDone() < params.maxRows && nextWindow < windows.count) {
      const stop = ctx.shouldStop();
      if (stop === 'cancel') return cancel(live, blobs);
      if (stop === 'pause') {
        await flush();
        return { status: 'stopped' };
      }
      const end = Math.min(windows.count, nextWindow + params.batchWindows);
      const range = await windows.read(nextWindow, end);
      const { batch, outputs } = await runner.run({ tokens: range.tokens, lengths: range.lengths, rows: end - nextWindow, contextLength: windows.contextLength });
      try {
        for (const w of work) {
          const index = runner.tensors.indexOf(w.tensor);
          const tensor = outputs[index]!;
          const width = activationWidth(tensor, w.record.hook, batch);
          if (w.width !== 0 && w.width !== width) throw new ExtractionError(`"${w.record.hook}" changed width from ${w.width} to ${width}.`, 'Extract again.');
          w.width = width;
          w.stats ??= new ActivationStatsAccumulator(width);
          const data = (tensor.location === 'cpu' ? tensor.data : await tensor.getData()) as Float32Array;
          const rows = keptRows(data, batch.keep, width, params.maxRows - w.progress.rows - w.pendingRows);
          const count = rows.length / width;
          w.stats.add(rows, count);
          const bytes = params.dtype === 'f16' ? toHalf(rows) : rows;
          w.pending.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          w.pendingRows += count;
          w.pendingBytes += bytes.byteLength;
        }
      } finally {
        for (const t of outputs) t.dispose();
      }
      nextWindow = end;
      if (work.some((w) => w.pendingBytes >= shardBytes)) await flush();
      await ctx.reportProgress({ phase: 'extracting', done: rowsDone(), total: estimate, message: `${rowsDone().toLocaleString('en')} activations from ${nextWindow.toLocaleString('en')} windows${backendNote}` });
    }
    await flush();
    for (const w of work) {
      const stats = w.stats?.result();
      await moveCacheTo(w.record.id, 'ready', {
        rows: w.progress.rows,
        shards: w.progress.shards,
        dIn: w.width,
        dtype: params.dtype,
        ...(stats ? { stats: { meanNorm: stats.meanNorm, count: stats.count, mean: stats.mean, std: stats.std } } : {}),
      });
    }
    const first = work[0]!;
    const hooks = work.length === 1 ? first.record.hook : `${work.length} hooks`;
    return { status: 'completed', message: `Stored ${first.progress.rows.toLocaleString('en')} activations of ${hooks} (d = ${first.width}, ${params.dtype})${backendNote}` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    for (const w of work) await moveCacheTo(w.record.id, 'failed', { error: message }).catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}

/** A cancelled extraction leaves nothing: its shards and its cache rows go. */
async function cancel(caches: readonly ActivationCacheRecord[], blobs: BlobStore): Promise<JobOutcome> {
  for (const cache of caches) {
    for (const key of await blobs.list(`${blobKey('caches', cache.id)}/`)) await blobs.delete(key);
    await activationCacheRepo.delete(cache.id);
  }
  return { status: 'stopped' };
}
