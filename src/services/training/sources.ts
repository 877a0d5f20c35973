// The activation sources a training can use besides synthetic data, read from the store: the activation
// caches and every model with its tokenizations and hook points. The form offers them; createTraining
// checks a chosen one against them before it queues a run.
import type { ActivationSourceSpec, ModelRecord } from '../../domain/entities';
import { checkSource, widthMismatch, type CacheChoice, type ModelChoice, type SourceChoices } from '../../sae/training/source-choices';
import { TrainingSpecError } from '../../sae/training/spec';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import { activationCacheRepo } from '../../store/repos/activationCaches';
import { datasetRepo } from '../../store/repos/datasets';
import { modelRepo } from '../../store/repos/models';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import { readModelAnalysis } from '../models/model-files';

async function hooksOf(model: ModelRecord, blobs: BlobStore): Promise<{ hooks?: string[]; dModel?: number }> {
  // an unreadable or missing analysis leaves the hooks unknown (checkSource says so), it does not fail the list
  const analysis = await readModelAnalysis(model, blobs).catch(() => undefined);
  const out: { hooks?: string[]; dModel?: number } = {};
  if (analysis) out.hooks = analysis.hooks.ok ? analysis.hooks.points.map((p) => p.name) : [];
  const dModel = analysis?.shapes.ok ? analysis.shapes.value.dModel : model.info?.dModel;
  if (dModel !== undefined) out.dModel = dModel;
  return out;
}

/** Every cache and model a training could read, newest first. */
export async function trainingSourceChoices(blobs?: BlobStore): Promise<SourceChoices> {
  const [models, tokenizations, caches, datasets] = await Promise.all([modelRepo.all(), tokenizationRepo.all(), activationCacheRepo.all(), datasetRepo.all()]);
  const store = blobs ?? (await openBlobStore());
  const modelName = new Map(models.map((m) => [m.id, m.name]));
  const datasetName = new Map(datasets.map((d) => [d.id, d.name]));
  const newestFirst = <T extends { createdAt: number }>(rows: T[]) => [...rows].sort((a, b) => b.createdAt - a.createdAt);
  const modelChoices: ModelChoice[] = [];
  for (const m of newestFirst(models)) {
    modelChoices.push({
      id: m.id,
      name: m.name,
      status: m.status,
      ...(await hooksOf(m, store)),
      tokenizations: newestFirst(tokenizations.filter((t) => t.modelId === m.id)).map((t) => ({
        id: t.id,
        datasetName: datasetName.get(t.datasetId) ?? 'a deleted dataset',
        contextLength: t.contextLength,
        windows: t.windows,
        status: t.status,
      })),
    });
  }
  const cacheChoices: CacheChoice[] = newestFirst(caches).map((c) => ({
    id: c.id,
    modelName: modelName.get(c.modelId) ?? 'a deleted model',
    hook: c.hook,
    rows: c.rows,
    dIn: c.dIn,
    status: c.status,
  }));
  return { caches: cacheChoices, models: modelChoices };
}

/** Refuses a cache or model source that cannot feed a run of this width (TrainingSpecError, as the form says it). */
export async function assertSourceUsable(source: ActivationSourceSpec, dIn: number, blobs?: BlobStore): Promise<void> {
  if (source.kind === 'synthetic') return;
  const check = checkSource(source, await trainingSourceChoices(blobs));
  if (!check.ok) throw new TrainingSpecError([check.message.replace(/\.$/, '')]);
  if (check.dIn !== dIn) throw new TrainingSpecError([widthMismatch(source, check.dIn, dIn).replace(/\.$/, '')]);
}
