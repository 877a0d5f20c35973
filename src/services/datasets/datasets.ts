// Use-cases on datasets: import a local file or a Hub split (queued as an IO job), list, read pages of
// documents, search them, import again after a failure, delete with everything derived from them.
//
// A local file is first copied into the BlobStore (uploads/<uploadId>/<name>) and the job reads that copy:
// a File in the job's parameters would not survive every browser's storage and the user would have to
// pick it again after a reload. The copy streams, so a 1 GB file never sits in memory; it is removed once
// the import completes (and kept after a failure or cancel, so "Import again" needs no file).
import { DatasetImportError, type ImportSpec } from '../../data/importers';
import type { DatasetImportOptions, DatasetRecord } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { canTransitionJob } from '../../domain/status';
import type { ImportDatasetParams, ImportSource } from '../../jobs/handlers/importDataset';
import type { BlobStore, BlobWriteOptions } from '../../store/blob-store';
import { sanitizeKeySegment } from '../../store/blob-key';
import { openBlobStore } from '../../store/open-blob-store';
import { datasetRepo, setDatasetStatus } from '../../store/repos/datasets';
import { listJobs, setStatus as setJobStatus } from '../../store/repos/jobs';
import { tokenizationsOf } from '../../store/repos/tokenizations';
import { enqueueJob } from '../jobs';
import { deleteTokenization } from '../tokenization/tokenizations';
import { readDocuments, readPartAll, type StoredDocument } from './document-parts';
import { documentsPrefix, uploadKey } from './keys';
import { assetDisplayStatus, type AssetDisplayStatus } from './status';

export class DatasetActionError extends Error {
  override readonly name = 'DatasetActionError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

export interface LocalImportRequest {
  file: Blob;
  fileName: string;
  /** shown in the list; default the file name */
  name?: string;
  spec: ImportSpec;
}

export interface HubImportRequest {
  repo: string;
  config: string;
  split: string;
  column: string;
  limit?: number;
  endpoint?: string;
  token?: string;
  name?: string;
}

export interface StartedImport {
  dataset: DatasetRecord;
  job: JobRecord;
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new DatasetImportError('invalid-option', `The row limit must be a whole number of at least 1 (got ${limit}).`, 'Enter a positive row limit, or leave it empty for all rows.');
  }
}

function checkSpec(spec: ImportSpec): void {
  checkLimit(spec.limit);
  const field = spec.format === 'jsonl' ? spec.field : spec.format === 'csv' || spec.format === 'parquet' ? spec.column : 'text';
  if (field.trim() === '') {
    throw new DatasetImportError('invalid-option', `Choose the ${spec.format === 'jsonl' ? 'field' : 'column'} that holds the text.`, 'Pick one of the fields found in the file.');
  }
}

function importOptionsOf(spec: ImportSpec): DatasetImportOptions {
  const options: DatasetImportOptions = {};
  if (spec.limit !== undefined) options.limit = spec.limit;
  if (spec.format === 'txt' && spec.split) options.txtSplit = spec.split;
  if ((spec.format === 'jsonl' || spec.format === 'csv') && spec.onMalformed) options.onMalformed = spec.onMalformed;
  if (spec.format === 'csv' && spec.delimiter) options.delimiter = spec.delimiter;
  return options;
}

function localSource(fileName: string, spec: ImportSpec): DatasetRecord['source'] {
  const field = spec.format === 'jsonl' ? spec.field : spec.format === 'csv' || spec.format === 'parquet' ? spec.column : undefined;
  return field === undefined ? { kind: 'local', fileName, format: spec.format } : { kind: 'local', fileName, format: spec.format, field };
}

function enqueueImport(dataset: DatasetRecord, source: ImportSource): Promise<JobRecord> {
  const params: ImportDatasetParams = { datasetId: dataset.id, source };
  return enqueueJob('import-dataset', `Import ${dataset.name}`, params, { subjectId: dataset.id, resumable: true });
}

/** Copies the file into the store (reporting progress) and queues its import. */
export async function importLocalDataset(request: LocalImportRequest, options: BlobWriteOptions & { blobs?: BlobStore } = {}): Promise<StartedImport> {
  checkSpec(request.spec);
  if (request.file.size === 0) throw new DatasetImportError('empty', 'The file is empty.', 'Choose a file that contains text.');
  const blobs = options.blobs ?? (await openBlobStore());
  const key = uploadKey(crypto.randomUUID(), sanitizeKeySegment(request.fileName));
  try {
    const writeOptions: BlobWriteOptions = {};
    if (options.onProgress) writeOptions.onProgress = options.onProgress;
    if (options.signal) writeOptions.signal = options.signal;
    await blobs.write(key, request.file, writeOptions);
  } catch (error) {
    await blobs.delete(key).catch(() => undefined);
    throw error;
  }
  const dataset = await datasetRepo.create({
    name: request.name?.trim() || request.fileName,
    source: localSource(request.fileName, request.spec),
    status: 'pending',
    rows: 0,
    chars: 0,
    bytes: 0,
    importOptions: importOptionsOf(request.spec),
  });
  const job = await enqueueImport(dataset, { kind: 'upload', blobKey: key, fileName: request.fileName, spec: request.spec });
  return { dataset, job };
}

/** Queues the import of a Hub dataset split (read over range requests by the job). */
export async function importHubDataset(request: HubImportRequest): Promise<StartedImport> {
  checkLimit(request.limit);
  if (request.column.trim() === '') throw new DatasetImportError('invalid-option', 'Choose the column that holds the text.', 'Look the dataset up and pick one of its text columns.');
  const defaultName = `${request.repo}${request.config === 'default' ? '' : ` · ${request.config}`} · ${request.split}`;
  const options: DatasetImportOptions = request.limit === undefined ? {} : { limit: request.limit };
  const dataset = await datasetRepo.create({
    name: request.name?.trim() || defaultName,
    source: { kind: 'hub', repo: request.repo, config: request.config, split: request.split, column: request.column },
    status: 'pending',
    rows: 0,
    chars: 0,
    bytes: 0,
    importOptions: options,
  });
  const source: ImportSource = { kind: 'hub', repo: request.repo, config: request.config, split: request.split, column: request.column };
  if (request.limit !== undefined) source.limit = request.limit;
  if (request.endpoint) source.endpoint = request.endpoint;
  if (request.token) source.token = request.token;
  const job = await enqueueImport(dataset, source);
  return { dataset, job };
}

/** Datasets, newest first. */
export async function listDatasets(): Promise<DatasetRecord[]> {
  return (await datasetRepo.all()).sort((a, b) => b.createdAt - a.createdAt);
}

export function getDataset(id: string): Promise<DatasetRecord | undefined> {
  return datasetRepo.get(id);
}

export interface DatasetRow {
  dataset: DatasetRecord;
  status: AssetDisplayStatus;
  /** its latest import job */
  job?: JobRecord;
}

/** Datasets, newest first, each with the status its latest import job gives it (for the list page). */
export async function datasetRows(): Promise<DatasetRow[]> {
  const [datasets, jobs] = await Promise.all([listDatasets(), listJobs()]);
  const latest = new Map<string, JobRecord>();
  for (const job of jobs) if (job.kind === 'import-dataset' && job.subjectId !== undefined && !latest.has(job.subjectId)) latest.set(job.subjectId, job);
  return datasets.map((dataset) => {
    const job = latest.get(dataset.id);
    const row: DatasetRow = { dataset, status: assetDisplayStatus(dataset.status, job) };
    if (job) row.job = job;
    return row;
  });
}

/** The import jobs of a dataset, newest first. */
export function datasetJobs(datasetId: string): Promise<JobRecord[]> {
  return listJobs({ subjectId: datasetId });
}

const ACTIVE: ReadonlySet<JobRecord['status']> = new Set(['queued', 'running', 'paused', 'interrupted']);

/**
 * Starts the import over with the settings of the last attempt (for a failed or cancelled import);
 * `onMalformed` switches a local JSONL/CSV import to skipping or stopping at malformed records.
 */
export async function importAgain(datasetId: string, overrides: { onMalformed?: 'skip' | 'stop' } = {}, blobs?: BlobStore): Promise<JobRecord> {
  const dataset = await datasetRepo.require(datasetId);
  const jobs = await datasetJobs(datasetId);
  if (dataset.status === 'ready') throw new DatasetActionError('This dataset is already imported.', 'Delete it first to import it again.');
  if (jobs.some((j) => ACTIVE.has(j.status))) throw new DatasetActionError('This dataset is still being imported.', 'Resume or cancel its import job first.');
  const last = jobs.find((j) => j.kind === 'import-dataset');
  if (!last) throw new DatasetActionError('The settings of this import are lost.', 'Delete the dataset and import it again.');
  let source = (last.params as ImportDatasetParams).source;
  if (source.kind === 'upload') {
    const store = blobs ?? (await openBlobStore());
    if (!(await store.has(source.blobKey))) throw new DatasetActionError(`The copy of "${source.fileName}" is gone.`, 'Delete the dataset and import the file again.');
    if (overrides.onMalformed && (source.spec.format === 'jsonl' || source.spec.format === 'csv')) {
      source = { ...source, spec: { ...source.spec, onMalformed: overrides.onMalformed } };
      await datasetRepo.update(datasetId, { importOptions: importOptionsOf(source.spec) });
    }
  }
  if (dataset.status === 'failed') await setDatasetStatus(datasetId, 'pending', { error: undefined, errorAction: undefined });
  return enqueueImport(dataset, source);
}

/** Stops every job of the dataset (and of its tokenizations) that can still run. */
async function cancelJobsOf(subjectId: string): Promise<void> {
  for (const job of await listJobs({ subjectId })) {
    if (canTransitionJob(job, 'cancelled')) await setJobStatus(job.id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Cancelled: deleted' } }).catch(() => undefined);
  }
}

/** The staged copies of a dataset's local file (one per import attempt that still has it). */
async function uploadKeysOf(datasetId: string): Promise<string[]> {
  const keys = new Set<string>();
  for (const job of await datasetJobs(datasetId)) {
    if (job.kind !== 'import-dataset') continue;
    const { source } = job.params as ImportDatasetParams;
    if (source.kind === 'upload') keys.add(source.blobKey);
  }
  return [...keys];
}

/** Deletes the dataset, its tokenizations and all their blobs (documents, staged upload, token windows). */
export async function deleteDataset(datasetId: string, blobs?: BlobStore): Promise<void> {
  const store = blobs ?? (await openBlobStore());
  await cancelJobsOf(datasetId);
  for (const t of await tokenizationsOf({ datasetId })) await deleteTokenization(t.id, store);
  const uploads = await uploadKeysOf(datasetId);
  await datasetRepo.delete(datasetId);
  for (const key of await store.list(documentsPrefix(datasetId))) await store.delete(key);
  for (const key of uploads) await store.delete(key);
}

export interface DocumentPage {
  documents: StoredDocument[];
  /** documents in the dataset */
  total: number;
}

/** One page of stored documents (0-based page), read with a few range requests. */
export async function readDocumentPage(dataset: Pick<DatasetRecord, 'rows' | 'parts'>, page: number, pageSize: number, blobs?: BlobStore): Promise<DocumentPage> {
  const parts = dataset.parts ?? [];
  const total = parts.reduce((sum, p) => sum + p.documents, 0);
  const start = Math.max(0, page) * pageSize;
  if (start >= total) return { documents: [], total };
  const store = blobs ?? (await openBlobStore());
  return { documents: await readDocuments(store, parts, start, Math.min(total, start + pageSize)), total };
}

export interface SearchResult {
  matches: StoredDocument[];
  /** the part to continue from with "search further"; null when every part was searched */
  nextPart: number | null;
  partsSearched: number;
  partsTotal: number;
}

/**
 * Documents containing `query` (case-insensitive), searching part by part from `fromPart` until
 * `maxResults` matches are found or `maxBytes` of text were read; then it says where to continue.
 */
export async function searchDocuments(
  dataset: Pick<DatasetRecord, 'parts'>,
  query: string,
  options: { fromPart?: number; maxResults?: number; maxBytes?: number; blobs?: BlobStore } = {},
): Promise<SearchResult> {
  const parts = dataset.parts ?? [];
  const needle = query.trim().toLowerCase();
  const maxResults = options.maxResults ?? 50;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const store = options.blobs ?? (await openBlobStore());
  const matches: StoredDocument[] = [];
  let base = 0;
  const from = Math.max(0, options.fromPart ?? 0);
  for (let i = 0; i < from && i < parts.length; i++) base += parts[i]!.documents;
  let read = 0;
  let part = from;
  if (needle === '') return { matches, nextPart: null, partsSearched: 0, partsTotal: parts.length };
  for (; part < parts.length; part++) {
    if (matches.length >= maxResults || (read >= maxBytes && part > from)) break;
    for (const doc of await readPartAll(store, parts[part]!, base)) {
      if (doc.text.toLowerCase().includes(needle)) matches.push(doc);
    }
    read += parts[part]!.bytes;
    base += parts[part]!.documents;
    // breaking mid-part would lose the rest of its matches: a part is searched whole
  }
  return { matches, nextPart: part < parts.length ? part : null, partsSearched: part, partsTotal: parts.length };
}
