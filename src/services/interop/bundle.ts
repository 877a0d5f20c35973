// Project bundles in the studio: export the chosen templates and SAEs (with their features, labels and
// examples, and optionally the models and datasets they come from) as one streamed file; import one into
// this studio. An import is all or nothing: the bundle is checked in full and planned first
// (src/interop/bundle-import-plan.ts), then every blob is written, and only when all of them are complete
// are the rows committed in one transaction; any failure deletes the blobs written so far.
import type { DatasetRecord, ModelRecord, SaeRecord } from '../../domain/entities';
import { readBundleForImport, writeBundle, type BundleRows, type BundleSource, type ImportPlan } from '../../interop';
import type { BlobStore } from '../../store/blob-store';
import { db } from '../../store/db';
import { openBlobStore } from '../../store/open-blob-store';
import { saeAttachment } from '../steeringAssets';
import type { ExportFile } from './sae-export';

export interface BundleExportChoice {
  trainingTemplateIds: readonly string[];
  extractionTemplateIds: readonly string[];
  saeIds: readonly string[];
  /** the SAEs' features, labels and examples */
  includeFeatures: boolean;
  /** the models the SAEs and templates read, and the datasets they were trained on, with their files */
  includeModelsAndDatasets: boolean;
}

async function byIds<T>(table: { bulkGet(keys: string[]): Promise<(T | undefined)[]> }, ids: readonly string[]): Promise<T[]> {
  return (await table.bulkGet([...ids])).filter((r): r is T => r !== undefined);
}

/** The models and datasets the chosen SAEs and templates refer to. */
async function referencedAssets(saes: readonly SaeRecord[], templateModelIds: readonly string[]): Promise<{ models: ModelRecord[]; datasets: DatasetRecord[] }> {
  const d = db();
  const modelIds = new Set(templateModelIds);
  const tokenizationIds = new Set<string>();
  for (const sae of saes) {
    const { modelId } = saeAttachment(sae);
    if (modelId) modelIds.add(modelId);
    if (sae.source?.kind === 'model') tokenizationIds.add(sae.source.tokenizationId);
  }
  const tokenizations = await byIds(d.tokenizations, [...tokenizationIds]);
  const models = await byIds(d.models, [...modelIds]);
  const datasets = await byIds(d.datasets, [...new Set(tokenizations.map((t) => t.datasetId))]);
  return { models: models.filter((m) => m.status === 'ready'), datasets: datasets.filter((x) => x.status === 'ready') };
}

/** The rows the bundle will hold (read now, so the dialog can say what goes in). */
export async function bundleRows(choice: BundleExportChoice): Promise<Partial<BundleRows>> {
  const d = db();
  const saes = await byIds(d.saes, choice.saeIds);
  const trainingTemplates = await byIds(d.trainingTemplates, choice.trainingTemplateIds);
  const extractionTemplates = await byIds(d.extractionTemplates, choice.extractionTemplateIds);
  const rows: Partial<BundleRows> = { trainingTemplates, extractionTemplates, saes };
  if (choice.includeFeatures) {
    rows.features = [];
    rows.featureExamples = [];
    for (const sae of saes) {
      rows.features.push(...(await d.features.where('saeId').equals(sae.id).toArray()));
      rows.featureExamples.push(...(await d.featureExamples.where('saeId').equals(sae.id).toArray()));
    }
  }
  if (choice.includeModelsAndDatasets) {
    const templateModels = trainingTemplates.flatMap((t) => (t.source?.kind === 'model' ? [t.source.modelId] : []));
    Object.assign(rows, await referencedAssets(saes, templateModels));
  }
  return rows;
}

export function bundleFileName(now = new Date()): string {
  return `mistudio-bundle-${now.toISOString().slice(0, 10)}.zip`;
}

/** The bundle as a stream of zip chunks; blobs stream from the BlobStore one after another. */
export async function bundleExport(choice: BundleExportChoice, blobs?: BlobStore): Promise<ExportFile> {
  const store = blobs ?? (await openBlobStore());
  const rows = await bundleRows(choice);
  const source: BundleSource = rows;
  const chunks = writeBundle(source, { stream: (key) => store.stream(key), size: (key) => store.size(key) });
  return { fileName: bundleFileName(), chunks };
}

export interface BundleImportResult {
  counts: { [T in keyof BundleRows]: number };
  warnings: string[];
  remapped: number;
}

export interface BundleImportOptions {
  /** bytes of blobs written so far, of the total */
  onProgress?: (written: number, total: number) => void;
  signal?: AbortSignal;
}

/** Checks and plans an import without changing anything (the dialog shows the plan before importing). */
export async function planBundleFile(file: File, blobs?: BlobStore): Promise<ImportPlan> {
  const store = blobs ?? (await openBlobStore());
  const d = db();
  return readBundleForImport(
    file,
    {
      hasRow: async (table, id) => (await d.table(table).get(id)) !== undefined,
      hasBlob: (key) => store.has(key),
    },
    { fileName: file.name },
  );
}

/** Carries out a plan: blobs first, then every row in one transaction. */
export async function applyBundlePlan(plan: ImportPlan, options: BundleImportOptions = {}, blobs?: BlobStore): Promise<BundleImportResult> {
  const store = blobs ?? (await openBlobStore());
  const total = plan.blobs.reduce((n, b) => n + b.bytes, 0);
  const written: string[] = [];
  let done = 0;
  try {
    for (const blob of plan.blobs) {
      const before = done;
      const writeOptions: Parameters<BlobStore['write']>[2] = { onProgress: (n) => options.onProgress?.(before + n, total) };
      if (options.signal) writeOptions.signal = options.signal;
      // a damaged blob errors before its last chunk, so its write never completes
      written.push(blob.key);
      await store.write(blob.key, blob.stream(), writeOptions);
      done += blob.bytes;
      options.onProgress?.(done, total);
    }
    const d = db();
    const { rows } = plan;
    await d.transaction('rw', [d.trainingTemplates, d.extractionTemplates, d.models, d.datasets, d.saes, d.features, d.featureExamples], async () => {
      await d.trainingTemplates.bulkAdd(rows.trainingTemplates);
      await d.extractionTemplates.bulkAdd(rows.extractionTemplates);
      await d.models.bulkAdd(rows.models);
      await d.datasets.bulkAdd(rows.datasets);
      await d.saes.bulkAdd(rows.saes);
      // features of an SAE the studio already has replace those with the same index (the plan warns)
      await d.features.bulkPut(rows.features);
      await d.featureExamples.bulkPut(rows.featureExamples);
    });
  } catch (e) {
    for (const key of written) await store.delete(key).catch(() => undefined);
    throw e;
  }
  const { rows } = plan;
  return {
    counts: {
      trainingTemplates: rows.trainingTemplates.length,
      extractionTemplates: rows.extractionTemplates.length,
      models: rows.models.length,
      datasets: rows.datasets.length,
      saes: rows.saes.length,
      features: rows.features.length,
      featureExamples: rows.featureExamples.length,
    },
    warnings: plan.warnings,
    remapped: plan.remapped.length,
  };
}
