// Exporting a stored SAE: as a SAELens folder in a .zip, or Neuronpedia-style (metadata, one JSON per
// feature, the SAELens folder). Both stream: the weights come from the BlobStore chunk by chunk and
// features are read one at a time. The stored weights already have the training's input scaling folded in
// (jobs/handlers/trainSae.ts; imports are stored in the same form), so they are exported as they are.
import type { SaeRecord } from '../../domain/entities';
import {
  InteropError,
  neuronpediaExport,
  neuronpediaExportFileName,
  saeLensFolderName,
  saeLensZipStream,
  type FeatureDetails,
  type FeatureSelection,
  type SaeLensFolderSource,
} from '../../interop';
import { featureDetail, type HistogramBar } from '../features/features';
import type { BlobStore } from '../../store/blob-store';
import { db } from '../../store/db';
import { openBlobStore } from '../../store/open-blob-store';
import { datasetRepo } from '../../store/repos/datasets';
import { examplesOf } from '../../store/repos/featureExamples';
import { modelRepo } from '../../store/repos/models';
import { saeRepo } from '../../store/repos/saes';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import { saeAttachment } from '../steeringAssets';

export interface ExportFile {
  fileName: string;
  chunks: AsyncGenerator<Uint8Array, void, undefined>;
}

/** The SAE's SAELens folder, its weights streamed from the BlobStore. */
export async function saeFolderSource(sae: SaeRecord, blobs: BlobStore): Promise<SaeLensFolderSource> {
  let size: number;
  try {
    size = await blobs.size(sae.blobKey);
  } catch (cause) {
    throw new InteropError('missing-entry', `The weights of the SAE "${sae.name}" are missing from the studio's storage.`, 'Delete the SAE and train or import it again.', { cause });
  }
  return { cfg: sae.cfg, weights: blobs.stream(sae.blobKey), weightsBytes: size };
}

/** "<name>.zip" holding one folder with cfg.json and sae_weights.safetensors. */
export async function saeLensExport(saeId: string, blobs?: BlobStore): Promise<ExportFile> {
  const sae = await saeRepo.require(saeId);
  const folder = await saeFolderSource(sae, blobs ?? (await openBlobStore()));
  return { fileName: `${saeLensFolderName(sae.name)}.zip`, chunks: saeLensZipStream(folder, { name: sae.name }) };
}

export interface NeuronpediaExportRequest {
  saeId: string;
  selection: FeatureSelection;
  examplesPerFeature: number;
  /** the model's Neuronpedia id (e.g. "gpt2-small"), when it differs from its studio name */
  neuronpediaModelId?: string;
}

/** What the export will say about the SAE's model, hook and dataset. */
export async function neuronpediaContext(sae: SaeRecord): Promise<{ modelName: string; hookName: string; dataset?: { name: string; path?: string } }> {
  const attached = saeAttachment(sae);
  const model = attached.modelId ? await modelRepo.get(attached.modelId) : undefined;
  const metaModel = typeof sae.cfg.metadata === 'object' && sae.cfg.metadata !== null ? (sae.cfg.metadata as Record<string, unknown>) : {};
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
  const modelName = model?.name ?? text(metaModel.model_name) ?? 'unknown-model';
  const hookName = attached.hook ?? text(metaModel.hook_name) ?? '';
  let dataset: { name: string; path?: string } | undefined;
  if (sae.source?.kind === 'model') {
    const tokenization = await tokenizationRepo.get(sae.source.tokenizationId);
    const record = tokenization ? await datasetRepo.get(tokenization.datasetId) : undefined;
    if (record) dataset = record.source.kind === 'hub' ? { name: record.name, path: record.source.repo } : { name: record.name };
  } else if (text(metaModel.dataset_path)) {
    dataset = { name: text(metaModel.dataset_path)!, path: text(metaModel.dataset_path)! };
  }
  return dataset ? { modelName, hookName, dataset } : { modelName, hookName };
}

export async function neuronpediaExportFile(request: NeuronpediaExportRequest, blobs?: BlobStore): Promise<ExportFile> {
  const sae = await saeRepo.require(request.saeId);
  const store = blobs ?? (await openBlobStore());
  const context = await neuronpediaContext(sae);
  if (!context.hookName) throw new InteropError('invalid-option', `The SAE "${sae.name}" does not say which hook point it reads.`, 'Attach it to a model and hook point first.');
  const saeFolder = await saeFolderSource(sae, store);
  const features = await db().features.where('saeId').equals(sae.id).toArray();
  const model: { name: string; neuronpediaId?: string } = { name: context.modelName };
  if (request.neuronpediaModelId?.trim()) model.neuronpediaId = request.neuronpediaModelId.trim();
  const chunks = neuronpediaExport(
    {
      sae,
      saeFolder,
      model,
      hookName: context.hookName,
      ...(context.dataset ? { dataset: context.dataset } : {}),
      features,
      details: (index) => neuronpediaDetails(sae.id, index, store),
    },
    { selection: request.selection, examplesPerFeature: request.examplesPerFeature },
  );
  return { fileName: neuronpediaExportFileName(sae.name), chunks };
}

/** Examples, the activation histogram and logit effects of one feature, from its latest feature extraction. */
async function neuronpediaDetails(saeId: string, index: number, store: BlobStore): Promise<FeatureDetails> {
  const detail = await featureDetail(saeId, index, store);
  if (!detail) return { examples: await examplesOf(saeId, index) };
  const out: FeatureDetails = { examples: detail.examples };
  const histogram = barsToHistogram(detail.histogram);
  if (histogram) out.activationHistogram = histogram;
  if (detail.promoted.length || detail.suppressed.length) {
    out.logitEffects = {
      pos: detail.promoted.map((e) => ({ token: e.text, value: e.value })),
      neg: detail.suppressed.map((e) => ({ token: e.text, value: e.value })),
    };
  }
  return out;
}

/** Contiguous log-spaced bars as {edges, counts}; the open last bar is closed one bar-width (in log) above its start. */
function barsToHistogram(bars: readonly HistogramBar[]): FeatureDetails['activationHistogram'] {
  if (bars.length < 2) return undefined;
  const edges = bars.map((b) => b.low);
  const last = bars[bars.length - 1]!;
  const prev = bars[bars.length - 2]!;
  edges.push(Number.isFinite(last.high) ? last.high : prev.low > 0 ? (last.low * last.low) / prev.low : last.low * 2);
  return { edges, counts: bars.map((b) => b.count) };
}

/** Parses "1, 5, 10-12" into feature indices. */
export function parseFeatureList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(/[\s,;]+/).filter((s) => s !== '')) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) throw new InteropError('invalid-option', `"${part}" is not a range: it ends before it starts.`, 'Write ranges as low-high, e.g. 10-20.');
      if (to - from > 100_000) throw new InteropError('invalid-option', `"${part}" is too long a range.`, 'Choose fewer features.');
      for (let i = from; i <= to; i++) out.push(i);
    } else if (/^\d+$/.test(part)) {
      out.push(Number(part));
    } else {
      throw new InteropError('invalid-option', `"${part}" is not a feature number.`, 'List feature numbers separated by commas, e.g. 3, 17, 40-45.');
    }
  }
  return out;
}
