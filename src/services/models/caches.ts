// Activation caches: list a model's, start an extraction (one cache per hook, one GPU job for all), and
// delete a cache with its shards.
import type { ActivationCacheRecord } from '../../domain/entities';
import type { ExtractionTemplate } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { canTransitionJob } from '../../domain/status';
import type { ExtractActivationsParams } from '../../jobs/handlers/extractActivationsRun';
import type { BlobStore } from '../../store/blob-store';
import { blobKey } from '../../store/blob-key';
import { db } from '../../store/db';
import { openBlobStore } from '../../store/open-blob-store';
import { activationCacheRepo } from '../../store/repos/activationCaches';
import { listJobs, setStatus as setJobStatus } from '../../store/repos/jobs';
import { modelRepo } from '../../store/repos/models';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import { enqueueJob } from '../jobs';
import { hookTensor } from './model-analysis';
import { readModelAnalysis } from './model-files';

export class ExtractionRequestError extends Error {
  override readonly name = 'ExtractionRequestError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

export interface ExtractionRequest {
  modelId: string;
  tokenizationId: string;
  /** hook point names (blocks.L.hook_…) or tensors picked by hand */
  hooks: string[];
  /** activations to store per hook */
  maxRows: number;
  /** windows per model run */
  batchWindows: number;
  dtype: 'f32' | 'f16';
  prependBos: boolean;
}

/** Defaults from an extraction template: its token budget and batch size. */
export function extractionDefaults(template: Pick<ExtractionTemplate, 'maxTokens' | 'batchSize'> | undefined): Pick<ExtractionRequest, 'maxRows' | 'batchWindows'> {
  return { maxRows: template?.maxTokens ?? 100_000, batchWindows: template?.batchSize ?? 8 };
}

export function cachesOf(modelId: string): Promise<ActivationCacheRecord[]> {
  return db().activationCaches.where('modelId').equals(modelId).reverse().sortBy('createdAt');
}

export async function startExtraction(request: ExtractionRequest): Promise<{ caches: ActivationCacheRecord[]; job: JobRecord }> {
  const model = await modelRepo.require(request.modelId);
  if (model.status !== 'ready') throw new ExtractionRequestError('The model is not ready yet.', 'Wait for its download or import to finish.');
  const tokenization = await tokenizationRepo.require(request.tokenizationId);
  if (tokenization.status !== 'ready') throw new ExtractionRequestError('The tokenization is not ready yet.', 'Wait for it to finish on the Datasets page.');
  if (tokenization.modelId !== model.id) throw new ExtractionRequestError('That tokenization was made with another model.', 'Pick a tokenization of this model.');
  const hooks = [...new Set(request.hooks)];
  if (hooks.length === 0) throw new ExtractionRequestError('No hook point is chosen.', 'Tick at least one hook point or picked tensor.');
  if (!Number.isInteger(request.maxRows) || request.maxRows < 1) throw new ExtractionRequestError('The number of activations must be a whole number above 0.', 'Enter how many token positions to store.');
  if (!Number.isInteger(request.batchWindows) || request.batchWindows < 1 || request.batchWindows > 4096) {
    throw new ExtractionRequestError('The batch size must be between 1 and 4096 windows.', 'Enter a smaller batch size.');
  }
  const analysis = await readModelAnalysis(model, await openBlobStore());
  if (!analysis) throw new ExtractionRequestError('The model has not been analysed yet.', 'Wait for its analysis job to finish.');
  for (const hook of hooks) {
    try {
      hookTensor(analysis, hook);
    } catch (err) {
      throw new ExtractionRequestError(err instanceof Error ? err.message : String(err), 'Pick a hook point or tensor from the model card.');
    }
  }
  const dIn = analysis.shapes.ok ? analysis.shapes.value.dModel : 0;
  const caches: ActivationCacheRecord[] = [];
  for (const hook of hooks) {
    const isHookPoint = analysis.hooks.ok && analysis.hooks.points.some((p) => p.name === hook);
    caches.push(
      await activationCacheRepo.create({
        modelId: model.id,
        tokenizationId: tokenization.id,
        hook,
        dIn: isHookPoint ? dIn : 0,
        dtype: request.dtype,
        rows: 0,
        shards: [],
        status: 'pending',
      }),
    );
  }
  const params: ExtractActivationsParams = {
    modelId: model.id,
    tokenizationId: tokenization.id,
    cacheIds: caches.map((c) => c.id),
    maxRows: request.maxRows,
    batchWindows: request.batchWindows,
    dtype: request.dtype,
    prependBos: request.prependBos,
  };
  const what = hooks.length === 1 ? hooks[0] : `${hooks.length} hooks`;
  const job = await enqueueJob('extract-activations', `Extract ${what}`, params, { resumable: true, subjectId: model.id });
  return { caches, job };
}

/** Removes a cache's shards and row; a running extraction writing it is cancelled when it has no other cache. */
export async function deleteCache(cacheId: string, blobs?: BlobStore): Promise<void> {
  const cache = await activationCacheRepo.get(cacheId);
  if (!cache) return;
  for (const job of await listJobs({ subjectId: cache.modelId })) {
    const params = job.params as Partial<ExtractActivationsParams> | undefined;
    if (job.kind !== 'extract-activations' || !params?.cacheIds?.includes(cacheId) || !canTransitionJob(job, 'cancelled')) continue;
    const others = params.cacheIds.filter((id) => id !== cacheId);
    const othersLeft = (await Promise.all(others.map((id) => activationCacheRepo.get(id)))).some((c) => c !== undefined);
    if (!othersLeft) await setJobStatus(job.id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Cancelled: cache deleted' } }).catch(() => undefined);
  }
  await activationCacheRepo.delete(cacheId);
  const store = blobs ?? (await openBlobStore());
  for (const key of await store.list(`${blobKey('caches', cacheId)}/`)) await store.delete(key);
}
