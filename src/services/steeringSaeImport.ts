// Adding an SAE from SAELens files to a model in the studio (the Steering page's "Import SAE"): the files,
// a .zip or a Hugging Face folder are read by the interop importers, checked against the model (width and
// hook point), normalised to SAELens weights the studio runs (conversions folded in) and stored.
import type { SaeRecord } from '../domain/entities';
import type { SaeLensImport } from '../interop/saelens-folder';
import { checkCompatibility } from '../interop/sae-compatibility';
import { importSaeLensFiles, importSaeLensFromHub, importSaeLensZip, type HubSaeRequest, type ImportFile } from '../interop/saelens-import';
import { SAELENS_WEIGHTS_FILENAME, saeLensFiles, toSaeLens, type SaeLensMetadata } from '../sae/formats/saelens';
import type { BlobStore } from '../store/blob-store';
import { blobKey } from '../store/blob-key';
import { openBlobStore } from '../store/open-blob-store';
import { modelRepo } from '../store/repos/models';
import { saeRepo } from '../store/repos/saes';
import { readModelAnalysis } from './models/model-files';
import { SteeringAssetError } from './steeringAssets';

export type SaeImportSource =
  | { kind: 'files'; files: readonly ImportFile[] }
  | { kind: 'zip'; file: Blob | Uint8Array; fileName: string }
  | ({ kind: 'hub' } & HubSaeRequest);

export interface SaeImportRequest {
  source: SaeImportSource;
  modelId: string;
  /** the model's hook point; absent: the one the SAE names (or its equivalent) */
  hook?: string;
  name?: string;
}

export interface SaeImportResult {
  sae: SaeRecord;
  /** conversions made and facts worth knowing */
  notes: string[];
}

function readSource(source: SaeImportSource): Promise<SaeLensImport> {
  if (source.kind === 'files') return importSaeLensFiles(source.files);
  if (source.kind === 'zip') return importSaeLensZip(source.file);
  const { kind: _kind, ...request } = source;
  return importSaeLensFromHub(request);
}

function sourceName(source: SaeImportSource, imported: SaeLensImport): string {
  if (source.kind === 'zip') return source.fileName;
  if (source.kind === 'hub') return `${source.repo}${source.path ? `/${source.path}` : ''}`;
  return imported.folder || source.files[0]?.path.split('/')[0] || 'SAE files';
}

function metadataOf(imported: SaeLensImport): Partial<SaeLensMetadata> {
  const m = imported.metadata;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  return {
    model_name: text(m.model_name),
    hook_name: text(m.hook_name),
    hook_head_index: int(m.hook_head_index),
    context_size: int(m.context_size),
    prepend_bos: typeof m.prepend_bos === 'boolean' ? m.prepend_bos : null,
    dataset_path: text(m.dataset_path),
    ...(text(m.neuronpedia_id) ? { neuronpedia_id: text(m.neuronpedia_id) } : {}),
    ...(int(m.hook_layer) !== null ? { hook_layer: int(m.hook_layer) } : {}),
  };
}

export async function importSaeForModel(request: SaeImportRequest, store?: BlobStore): Promise<SaeImportResult> {
  const blobs = store ?? (await openBlobStore());
  const model = await modelRepo.require(request.modelId);
  const analysis = await readModelAnalysis(model, blobs);
  const hookPoints = analysis?.hooks.ok ? analysis.hooks.points.map((p) => p.name) : [];
  const imported = await readSource(request.source);
  const compatibility = checkCompatibility(
    { dIn: imported.dIn, hookName: request.hook ?? imported.hookName, modelName: imported.modelName },
    { dModel: model.info?.dModel ?? imported.dIn, hookPoints, name: model.name },
  );
  if (!compatibility.compatible) {
    throw new SteeringAssetError(compatibility.problems.map((p) => p.message).join(' '), 'Choose the model this SAE was trained on, or pick the hook point by hand.');
  }
  const hook = compatibility.hook;
  if (!hook) throw new SteeringAssetError('The SAE does not say which hook point it reads.', 'Choose the hook point by hand.');

  const exported = toSaeLens(
    imported.params,
    { architecture: imported.architecture, d_in: imported.dIn, d_sae: imported.dSae, apply_b_dec_to_input: imported.applyBDecToInput, ...(imported.k !== undefined ? { k: imported.k } : {}) },
    { ...metadataOf(imported), hook_name: hook },
  );
  const id = crypto.randomUUID();
  const key = blobKey('saes', `import-${id}`, SAELENS_WEIGHTS_FILENAME);
  const weights = saeLensFiles(exported)[SAELENS_WEIGHTS_FILENAME];
  await blobs.write(key, weights);
  const fileName = sourceName(request.source, imported);
  try {
    const sae = await saeRepo.create({
      name: request.name?.trim() || `${imported.modelName ?? model.name} ${hook}`,
      architecture: imported.architecture,
      dIn: imported.dIn,
      dSae: imported.dSae,
      origin: { kind: 'import', fileName },
      modelId: model.id,
      hook,
      blobKey: key,
      cfg: { ...exported.cfgJson },
    });
    return { sae, notes: [...imported.warnings, ...compatibility.notes] };
  } catch (err) {
    await blobs.delete(key);
    throw err;
  }
}
