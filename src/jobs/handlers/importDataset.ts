// 'import-dataset': reads a staged local file or a Hub split as a stream of documents and stores them in
// parts (services/datasets/document-parts.ts), never holding more than one part in memory.
//
// Resume: after every stored part the job checkpoints which source file it is in and the source row after
// the last stored document. A resumed run reads that file again from its start and skips the rows already
// stored (for the Hub: only the current shard is read again; finished shards are not). Statistics come
// from the importers' own counts, summed over finished files, so they are exact after a resume too.
import {
  DatasetImportError,
  importCsv,
  importHubParquet,
  importJson,
  importParquet,
  importTxt,
  listHubParquetFiles,
  readParquetMetadata,
  httpRangeBuffer,
  type AsyncBuffer,
  type DocumentStream,
  type FetchLike,
  type ImportSpec,
  type ImportStats,
} from '../../data/importers';
import type { DatasetIssue, DatasetRecord, DocumentPartRef } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import { datasetRepo, setDatasetStatus } from '../../store/repos/datasets';
import type { RecordPatch } from '../../store/repository';
import { DocumentPartBuilder, type PartLimits } from '../../services/datasets/document-parts';
import { collectIssues, datasetStatsOf, emptyImportStats, mergeImportStats } from '../../services/datasets/import-stats';
import { documentPartKey, documentsPrefix } from '../../services/datasets/keys';
import type { JobContext, JobHandler, JobOutcome, ProgressUpdate, StopRequest } from '../handlers';
import type { IoLaneEnv } from '../ioLane';
import { AssetGoneError, deleteBlobsUnder, enterRunning, formatByteCount, formatCount, ProgressThrottle, recordFailure, type AssetStatusAccess } from './importDatasetShared';

/** Where the documents come from. */
export type ImportSource =
  /** a local file the page copied into the BlobStore at `blobKey` before queuing the job */
  | { kind: 'upload'; blobKey: string; fileName: string; spec: ImportSpec }
  | { kind: 'hub'; repo: string; config: string; split: string; column: string; limit?: number; endpoint?: string; token?: string };

export interface ImportDatasetParams {
  datasetId: string;
  source: ImportSource;
}

export interface ImportCheckpoint {
  parts: DocumentPartRef[];
  /** the source file being read: 0 for a local file, the shard index for the Hub */
  file: number;
  /** documents of `file` already stored */
  storedInFile: number;
  /** source row after the last stored document of `file` */
  nextRow: number;
  /** statistics of the files finished before `file` */
  finished: ImportStats;
  issues: DatasetIssue[];
  /** the Hub split's shard URLs, listed once */
  urls?: string[];
  /** rows over all shards, when counted (Hub imports without a row limit) */
  totalRows?: number;
}

export interface ImportDeps {
  blobs: BlobStore;
  fetch?: FetchLike;
  /** milliseconds between progress reports (tests use 0) */
  progressIntervalMs?: number;
  /** when a stored part is full (tests use tiny parts) */
  partLimits?: PartLimits;
}

/** bytes of each Hub shard's footer fetched up front (hyparquet reads more when a footer is larger) */
const FOOTER_FETCH_BYTES = 64 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseImportParams(value: unknown): ImportDatasetParams {
  if (isRecord(value) && typeof value['datasetId'] === 'string' && isRecord(value['source'])) {
    const source = value['source'];
    if (source['kind'] === 'upload' && typeof source['blobKey'] === 'string' && typeof source['fileName'] === 'string' && isRecord(source['spec'])) {
      return value as unknown as ImportDatasetParams;
    }
    if (source['kind'] === 'hub' && typeof source['repo'] === 'string' && typeof source['config'] === 'string' && typeof source['split'] === 'string' && typeof source['column'] === 'string') {
      return value as unknown as ImportDatasetParams;
    }
  }
  throw new Error('The import job has unreadable parameters; import the dataset again.');
}

function parseCheckpoint(value: unknown): ImportCheckpoint | null {
  if (isRecord(value) && Array.isArray(value['parts']) && typeof value['file'] === 'number' && typeof value['nextRow'] === 'number' && isRecord(value['finished'])) {
    return value as unknown as ImportCheckpoint;
  }
  return null;
}

function datasetAccess(id: string): AssetStatusAccess {
  return { get: () => datasetRepo.get(id), set: (to, patch) => setDatasetStatus(id, to, patch) };
}

/** One source file opened for reading: its documents and how far along it is. */
interface OpenedFile {
  stream: DocumentStream;
  /** the file's documents may be numbered by line (text formats) */
  progress(): { done: number; total: number; unit: 'bytes' | 'rows' };
}

/** The files of a source: one for a local file, one per shard for the Hub. */
interface SourceFiles {
  count: number;
  open(index: number, limit: number | undefined): Promise<OpenedFile>;
  /** the source's own row limit (Hub); a local file's limit is in its spec */
  limit: number | undefined;
}

function uploadBuffer(blobs: BlobStore, key: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice: async (start, end) => {
      const bytes = await blobs.readRange(key, start, end ?? size);
      return bytes.buffer.byteLength === bytes.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    },
  };
}

async function uploadFiles(source: Extract<ImportSource, { kind: 'upload' }>, deps: ImportDeps): Promise<SourceFiles> {
  const { blobs } = deps;
  if (!(await blobs.has(source.blobKey))) {
    throw new DatasetImportError('not-found', `The copy of "${source.fileName}" made for this import is gone.`, 'Import the file again.');
  }
  const size = await blobs.size(source.blobKey);
  const spec = source.spec;
  return {
    count: 1,
    limit: spec.limit,
    async open(_index, limit) {
      const withLimit = limit === undefined ? {} : { limit };
      if (spec.format === 'parquet') {
        const file = uploadBuffer(blobs, source.blobKey, size);
        const rows = Number((await readParquetMetadata(file)).num_rows);
        const stream = importParquet(file, { column: spec.column, ...withLimit });
        return {
          stream,
          progress: () => {
            const s = stream.stats();
            return { done: s.rows + s.empty, total: limit === undefined ? rows : Math.min(rows, limit), unit: 'rows' };
          },
        };
      }
      const bytes = blobs.stream(source.blobKey);
      const stream =
        spec.format === 'txt'
          ? importTxt(bytes, { ...withLimit, ...(spec.split ? { split: spec.split } : {}) })
          : spec.format === 'jsonl'
            ? importJson(bytes, { field: spec.field, ...withLimit, ...(spec.onMalformed ? { onMalformed: spec.onMalformed } : {}) })
            : importCsv(bytes, { column: spec.column, ...withLimit, ...(spec.onMalformed ? { onMalformed: spec.onMalformed } : {}), ...(spec.delimiter ? { delimiter: spec.delimiter } : {}) });
      return { stream, progress: () => ({ done: stream.stats().bytes, total: size, unit: 'bytes' }) };
    },
  };
}

async function hubFiles(source: Extract<ImportSource, { kind: 'hub' }>, deps: ImportDeps, checkpoint: ImportCheckpoint, ctx: JobContext<unknown>): Promise<SourceFiles> {
  const access = { ...(source.endpoint ? { endpoint: source.endpoint } : {}), ...(source.token ? { token: source.token } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  if (!checkpoint.urls) {
    await ctx.reportProgress({ phase: 'listing', done: 0, total: 0, message: `Listing the parquet files of ${source.repo} (${source.config}/${source.split})` });
    checkpoint.urls = await listHubParquetFiles(source.repo, source.config, source.split, access);
    await ctx.checkpoint(checkpoint);
  }
  const urls = checkpoint.urls;
  const headers = source.token ? { Authorization: `Bearer ${source.token}` } : undefined;
  if (source.limit === undefined && checkpoint.totalRows === undefined) {
    // without a limit, the footers give the row total, so progress and time left are real
    let total = 0;
    for (let i = 0; i < urls.length; i++) {
      if (ctx.shouldStop()) break;
      await ctx.reportProgress({ phase: 'counting rows', done: i, total: urls.length, message: `Reading the footer of shard ${i + 1} of ${urls.length}` });
      const file = await httpRangeBuffer(urls[i]!, { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(headers ? { headers } : {}) });
      total += Number((await readParquetMetadata(file, FOOTER_FETCH_BYTES)).num_rows);
    }
    if (!ctx.shouldStop()) {
      checkpoint.totalRows = total;
      await ctx.checkpoint(checkpoint);
    }
  }
  return {
    count: urls.length,
    limit: source.limit,
    async open(index, limit) {
      const stream = importHubParquet([urls[index]!], { ...access, column: source.column, footerFetchBytes: FOOTER_FETCH_BYTES, ...(limit === undefined ? {} : { limit }) });
      return {
        stream,
        progress: () => {
          // once this shard is finished its counts are in checkpoint.finished
          const s = checkpoint.file === index ? stream.stats() : emptyImportStats();
          const done = checkpoint.finished.rows + checkpoint.finished.empty + s.rows + s.empty;
          return { done: source.limit === undefined ? done : checkpoint.finished.rows + s.rows, total: source.limit ?? checkpoint.totalRows ?? 0, unit: 'rows' };
        },
      };
    },
  };
}

function freshCheckpoint(): ImportCheckpoint {
  return { parts: [], file: 0, storedInFile: 0, nextRow: 0, finished: emptyImportStats(), issues: [] };
}

function storedDocuments(checkpoint: ImportCheckpoint): number {
  return checkpoint.parts.reduce((sum, p) => sum + p.documents, 0);
}

export async function runImportDataset(ctx: JobContext<unknown>, deps: ImportDeps): Promise<JobOutcome> {
  const params = parseImportParams(ctx.job.params);
  const { datasetId, source } = params;
  const { blobs } = deps;
  const asset = datasetAccess(datasetId);
  const previous = parseCheckpoint(ctx.job.checkpoint);
  const checkpoint = previous ?? freshCheckpoint();
  try {
    await enterRunning(asset, 'dataset');
    // a fresh run owns the documents folder: clear what an earlier, abandoned run left there
    if (!previous) await deleteBlobsUnder(blobs, documentsPrefix(datasetId));
    const files = source.kind === 'upload' ? await uploadFiles(source, deps) : await hubFiles(source, deps, checkpoint, ctx);
    const stop = ctx.shouldStop() ?? (await importFiles(ctx, deps, datasetId, files, checkpoint));
    if (stop !== null) return await stopped(stop, deps, datasetId, checkpoint);
    return await complete(deps, datasetId, source, checkpoint);
  } catch (error) {
    if (error instanceof AssetGoneError) {
      await deleteBlobsUnder(blobs, documentsPrefix(datasetId));
      if (source.kind === 'upload') await blobs.delete(source.blobKey);
      return { status: 'stopped' };
    }
    await recordFailure(asset, error);
    throw error;
  }
}

/** Reads the files from the checkpoint on; returns the stop request that ended it early, or null. */
async function importFiles(ctx: JobContext<unknown>, deps: ImportDeps, datasetId: string, files: SourceFiles, checkpoint: ImportCheckpoint): Promise<StopRequest | null> {
  const { blobs } = deps;
  const builder = new DocumentPartBuilder(deps.partLimits);
  const throttle = new ProgressThrottle((u) => ctx.reportProgress(u), deps.progressIntervalMs ?? 250);
  const multiFile = files.count > 1;
  let lastRow = -1;
  let opened: OpenedFile | undefined;

  const progress = (phase: string): ProgressUpdate => {
    const p = opened?.progress() ?? { done: 0, total: 0, unit: 'rows' as const };
    const stored = storedDocuments(checkpoint) + builder.documents;
    const read = p.unit === 'bytes' ? ` · ${formatByteCount(p.done)} of ${formatByteCount(p.total)} read` : '';
    const shard = multiFile ? ` · shard ${checkpoint.file + 1} of ${files.count}` : '';
    return { phase, done: p.done, total: p.total, message: `${formatCount(stored)} documents${read}${shard}` };
  };

  const flush = async (): Promise<void> => {
    if (builder.documents === 0) return;
    // a dataset deleted meanwhile gets no more blobs
    if (!(await datasetRepo.get(datasetId))) throw new AssetGoneError('The dataset no longer exists.');
    const documents = builder.documents;
    const bytes = builder.take();
    const key = documentPartKey(datasetId, checkpoint.parts.length);
    await blobs.write(key, bytes);
    const part: DocumentPartRef = { blobKey: key, documents, bytes: bytes.byteLength };
    if (multiFile) part.file = checkpoint.file;
    checkpoint.parts.push(part);
    checkpoint.storedInFile += documents;
    checkpoint.nextRow = lastRow + 1;
    await ctx.checkpoint(checkpoint);
  };

  for (; checkpoint.file < files.count; ) {
    const limit = files.limit;
    const storedBefore = storedDocuments(checkpoint) - checkpoint.storedInFile;
    if (limit !== undefined && storedBefore >= limit) break;
    // the stream counts the documents skipped on resume too, so its limit includes them
    opened = await files.open(checkpoint.file, limit === undefined ? undefined : limit - storedBefore);
    const { stream } = opened;
    const skipBelow = checkpoint.nextRow;
    let stop: StopRequest | null = null;
    try {
      for await (const doc of stream) {
        stop = ctx.shouldStop();
        if (stop !== null) break;
        if (doc.row < skipBelow) {
          await throttle.maybe(() => progress('resuming'));
          continue;
        }
        builder.add(doc.text, doc.line ?? doc.row);
        lastRow = doc.row;
        if (builder.full) await flush();
        await throttle.maybe(() => progress('importing'));
      }
    } catch (error) {
      // a Hub shard with no usable text is not the end of a split that has others
      if (!(multiFile && error instanceof DatasetImportError && error.code === 'no-documents')) throw error;
    }
    if (stop !== null) {
      if (stop === 'pause') await flush();
      return stop;
    }
    await flush();
    checkpoint.finished = mergeImportStats(checkpoint.finished, stream.stats());
    collectIssues(checkpoint.issues, stream.issues, multiFile ? checkpoint.file : undefined);
    checkpoint.file++;
    checkpoint.storedInFile = 0;
    checkpoint.nextRow = 0;
    lastRow = -1;
    await ctx.checkpoint(checkpoint);
    await throttle.flush(progress('importing'));
  }
  return null;
}

async function stopped(stop: StopRequest, deps: ImportDeps, datasetId: string, checkpoint: ImportCheckpoint): Promise<JobOutcome> {
  if (stop === 'cancel') {
    // the staged upload stays, so "Import again" needs no file; the partial documents go
    await deleteBlobsUnder(deps.blobs, documentsPrefix(datasetId));
    checkpoint.parts = [];
    const row = await datasetRepo.get(datasetId);
    if (row && (row.status === 'running' || row.status === 'pending')) {
      await setDatasetStatus(datasetId, 'failed', { error: 'The import was cancelled.', errorAction: 'Import it again, or delete it.' });
    }
  }
  return { status: 'stopped' };
}

async function complete(deps: ImportDeps, datasetId: string, source: ImportSource, checkpoint: ImportCheckpoint): Promise<JobOutcome> {
  const { blobs } = deps;
  const rows = storedDocuments(checkpoint);
  if (rows === 0) {
    throw new DatasetImportError('no-documents', 'No text was found in any of the files.', 'Check that the right text column is chosen.');
  }
  const keep = new Set(checkpoint.parts.map((p) => p.blobKey));
  await deleteBlobsUnder(blobs, documentsPrefix(datasetId), keep);
  const stats = checkpoint.finished;
  const patch: RecordPatch<DatasetRecord> = {
    rows,
    chars: stats.chars,
    bytes: checkpoint.parts.reduce((sum, p) => sum + p.bytes, 0),
    parts: checkpoint.parts,
    stats: datasetStatsOf(stats),
    issues: checkpoint.issues,
  };
  await setDatasetStatus(datasetId, 'ready', patch);
  if (source.kind === 'upload') await blobs.delete(source.blobKey);
  const left = stats.malformed > 0 ? `; ${formatCount(stats.malformed)} malformed record${stats.malformed === 1 ? '' : 's'} left out` : '';
  return { status: 'completed', message: `Imported ${formatCount(rows)} documents (${formatCount(stats.chars)} characters)${left}.` };
}

/** The IO lane's handler: the page's BlobStore and the global fetch. */
export const importDatasetHandler: JobHandler<IoLaneEnv> = async (ctx) => runImportDataset(ctx, { blobs: await openBlobStore() });
