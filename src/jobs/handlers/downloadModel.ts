// 'download-model': fetches a model's files from the Hub (or a mirror) into the BlobStore with progress,
// rate and time left; pauses, reloads and dropped connections continue where the stored bytes end (see
// downloadModelFile.ts). When every file is stored, the graph is analysed and the model becomes ready.
import type { StoredFile } from '../../domain/entities';
import { createHubClient, parseRepoRef, type HubClientOptions } from '../../lm/hub';
import { finishStoredModel } from '../../services/models/finish-model';
import { modelFileKey, type ModelFileRole } from '../../services/models/model-files';
import { moveModelTo } from '../../services/models/model-status';
import type { BlobStore } from '../../store/blob-store';
import { blobKey } from '../../store/blob-key';
import { openBlobStore } from '../../store/open-blob-store';
import { modelRepo } from '../../store/repos/models';
import type { JobContext, JobHandler, JobOutcome } from '../handlers';
import type { IoLaneEnv } from '../ioLane';
import { downloadFile } from './downloadModelFile';

export interface DownloadFileSpec {
  /** path in the repository, e.g. onnx/model.onnx */
  path: string;
  role: ModelFileRole;
  /** size the listing announced (for progress before the first byte) */
  size?: number;
}

export interface DownloadModelParams {
  modelId: string;
  endpoint: string;
  repo: string;
  /** the commit the files are pinned to */
  revision: string;
  files: DownloadFileSpec[];
  /** a Hub access token for gated or private repositories (kept in this browser only) */
  token?: string;
}

export interface DownloadModelCheckpoint {
  /** ETag per path of the bytes stored so far */
  etags: Record<string, string>;
}

export class DownloadParamsError extends Error {
  override readonly name = 'DownloadParamsError';
  readonly action = 'Add the model again from the Models page.';
}

const ROLES: readonly ModelFileRole[] = ['model', 'external-data', 'config', 'tokenizer', 'tokenizer-config'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseDownloadModelParams(value: unknown): DownloadModelParams {
  const bad = () => new DownloadParamsError('This download job is missing what to download.');
  if (!isRecord(value) || typeof value.modelId !== 'string' || typeof value.endpoint !== 'string' || typeof value.repo !== 'string') throw bad();
  if (typeof value.revision !== 'string' || !Array.isArray(value.files)) throw bad();
  const files = value.files.map((f): DownloadFileSpec => {
    if (!isRecord(f) || typeof f.path !== 'string' || !ROLES.includes(f.role as ModelFileRole)) throw bad();
    return { path: f.path, role: f.role as ModelFileRole, ...(typeof f.size === 'number' ? { size: f.size } : {}) };
  });
  if (!files.some((f) => f.role === 'model')) throw bad();
  return {
    modelId: value.modelId,
    endpoint: value.endpoint,
    repo: value.repo,
    revision: value.revision,
    files,
    ...(typeof value.token === 'string' && value.token !== '' ? { token: value.token } : {}),
  };
}

function parseCheckpoint(value: unknown): DownloadModelCheckpoint {
  const etags: Record<string, string> = {};
  if (isRecord(value) && isRecord(value.etags)) for (const [k, v] of Object.entries(value.etags)) if (typeof v === 'string') etags[k] = v;
  return { etags };
}

/** The folder holding a file's parts while it downloads. */
export function partsFolder(modelId: string, fileIndex: number): string {
  return blobKey('models', modelId, 'parts', String(fileIndex));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export interface DownloadDeps {
  blobs: BlobStore;
  fetch?: typeof fetch;
  /** milliseconds; performance.now() in the worker */
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
  /** time between progress reports */
  reportEveryMs?: number;
}

export async function runModelDownload(ctx: JobContext<unknown>, deps: DownloadDeps): Promise<JobOutcome> {
  const params = parseDownloadModelParams(ctx.job.params);
  const { blobs } = deps;
  const now = deps.now ?? (() => performance.now());
  const wait = deps.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const model = await modelRepo.get(params.modelId);
  if (!model) return { status: 'completed', message: 'The model was deleted before its download finished.' };
  const stop = ctx.shouldStop();
  if (stop) return stop === 'cancel' ? cancel(params, blobs) : { status: 'stopped' };
  await moveModelTo(params.modelId, 'running', { error: undefined });

  const hubOptions: HubClientOptions = { endpoint: params.endpoint, ...(params.token ? { token: params.token } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  const hub = createHubClient(hubOptions);
  const repo = parseRepoRef(params.repo);
  const checkpoint = parseCheckpoint(ctx.job.checkpoint);
  const total = params.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  const done = new Map<string, number>();
  let lastReport = -Infinity;
  const report = async (path: string, force = false) => {
    const t = now();
    if (!force && t - lastReport < (deps.reportEveryMs ?? 250)) return;
    lastReport = t;
    const sum = [...done.values()].reduce((a, b) => a + b, 0);
    await ctx.reportProgress({ phase: 'downloading', done: sum, total: Math.max(total, sum), message: `Downloading ${path}` });
  };

  try {
    const stored: StoredFile[] = [];
    for (const [i, file] of params.files.entries()) {
      const key = modelFileKey(params.modelId, file.path);
      let pendingReport: Promise<void> = Promise.resolve();
      const result = await downloadFile(
        hub,
        blobs,
        { repo, revision: params.revision, path: file.path, key, partsFolder: partsFolder(params.modelId, i), ...(checkpoint.etags[file.path] ? { etag: checkpoint.etags[file.path] } : {}) },
        {
          onBytes: (bytes) => {
            done.set(file.path, bytes);
            pendingReport = pendingReport.then(() => report(file.path));
          },
          onEtag: async (etag) => {
            if (etag === undefined) delete checkpoint.etags[file.path];
            else checkpoint.etags[file.path] = etag;
            await ctx.checkpoint(checkpoint);
          },
          shouldStop: () => ctx.shouldStop(),
          wait,
        },
      );
      await pendingReport;
      if (result.status === 'stopped') {
        return ctx.shouldStop() === 'cancel' ? cancel(params, blobs) : { status: 'stopped' };
      }
      stored.push({ role: file.role, name: file.role === 'external-data' ? baseName(file.path) : file.path, blobKey: key, bytes: result.bytes });
      await report(file.path, true);
    }
    await modelRepo.update(params.modelId, { files: stored });
    await ctx.reportProgress({ phase: 'analysing', done: total, total, message: 'Reading the graph for hook points' });
    const ready = await finishStoredModel(params.modelId, blobs);
    const size = stored.reduce((sum, f) => sum + f.bytes, 0);
    const hooks = ready.info?.layers ? `${ready.info.layers} layers` : 'no layers recognised';
    return { status: 'completed', message: `Stored ${params.files.length} files (${(size / 1e6).toFixed(1)} MB) · ${hooks}` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await moveModelTo(params.modelId, 'failed', { error: message }).catch(() => undefined);
    throw err;
  }
}

/** A cancelled download leaves nothing behind: its parts, its files and its row go. */
async function cancel(params: DownloadModelParams, blobs: BlobStore): Promise<JobOutcome> {
  const prefix = `${blobKey('models', params.modelId)}/`;
  for (const key of await blobs.list(prefix)) await blobs.delete(key);
  await modelRepo.delete(params.modelId);
  return { status: 'stopped' };
}

export const downloadModelHandler: JobHandler<IoLaneEnv> = async (ctx) => runModelDownload(ctx, { blobs: await openBlobStore() });
