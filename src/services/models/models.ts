// Use-cases on stored models: list them with their jobs, read a model's card, remember tensors picked by
// hand, import from disk (then analyse in the IO worker), and delete a model with everything made from it.
import type { ModelRecord } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { canTransitionJob } from '../../domain/status';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import { listJobs, setStatus as setJobStatus } from '../../store/repos/jobs';
import { modelRepo } from '../../store/repos/models';
import { deleteSetting, getSetting, setSetting } from '../../store/repos/settings';
import { tokenizationsOf } from '../../store/repos/tokenizations';
import { deleteTokenization } from '../tokenization/tokenizations';
import { enqueueJob } from '../jobs';
import { deleteCache, cachesOf } from './caches';
import { importLocalModel } from './importLocal';
import type { ModelAnalysis } from './model-analysis';
import { modelFolder, readModelAnalysis } from './model-files';
import { lastPromptKey } from './prompt-results';

export async function listModels(): Promise<ModelRecord[]> {
  return (await modelRepo.all()).sort((a, b) => b.createdAt - a.createdAt);
}

/** The model's jobs (downloads, analysis, extraction, prompts), newest first. */
export function modelJobs(modelId: string): Promise<JobRecord[]> {
  return listJobs({ subjectId: modelId });
}

export async function modelAnalysis(model: Pick<ModelRecord, 'files'>, blobs?: BlobStore): Promise<ModelAnalysis | undefined> {
  return readModelAnalysis(model, blobs ?? (await openBlobStore()));
}

/** Stores files chosen on disk (see importLocal.ts), then reads the graph for hook points in the IO worker. */
export async function importModelFiles(files: File[]): Promise<{ model: ModelRecord; job: JobRecord | undefined }> {
  const model = await importLocalModel(files);
  if (!model.files.some((f) => f.role === 'model')) return { model, job: undefined };
  const job = await enqueueJob('analyse-model', `Analyse ${model.name}`, { modelId: model.id }, { resumable: true, subjectId: model.id });
  return { model, job };
}

function picksKey(modelId: string): string {
  return `model-picks:${modelId}`;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Tensors picked by hand on the model card (beside the hook points found in the graph). */
export function pickedTensors(modelId: string): Promise<string[]> {
  return getSetting(picksKey(modelId), [], isStringList);
}

export async function setPickedTensors(modelId: string, tensors: readonly string[]): Promise<void> {
  await setSetting(picksKey(modelId), [...new Set(tensors)]);
}

/** Stops the model's jobs, then removes its tokenizations, caches, files and row. */
export async function deleteModel(modelId: string, blobs?: BlobStore): Promise<void> {
  const store = blobs ?? (await openBlobStore());
  for (const job of await listJobs({ subjectId: modelId })) {
    if (canTransitionJob(job, 'cancelled')) await setJobStatus(job.id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Cancelled: model deleted' } }).catch(() => undefined);
  }
  for (const cache of await cachesOf(modelId)) await deleteCache(cache.id, store);
  for (const t of await tokenizationsOf({ modelId })) await deleteTokenization(t.id, store);
  await modelRepo.delete(modelId);
  await deleteSetting(picksKey(modelId));
  await deleteSetting(lastPromptKey(modelId));
  for (const key of await store.list(modelFolder(modelId))) await store.delete(key);
}
