// Importing a SAELens SAE into the studio: read and check it (src/interop does the decoding), compare it
// with the studio's models, then store it. The weights are stored re-encoded in the plain float32 SAELens
// form the rest of the studio reads (features, steering, evaluation all go through readSaeLensFolder),
// so folded decoder norms, half-precision tensors and BatchTopK thresholds need no special case there.
// Blob first, row last: a failed row write deletes the blob, so an import never leaves half an SAE.
import type { SaeRecord } from '../../domain/entities';
import {
  checkCompatibility,
  equivalentHook,
  InteropError,
  importSaeLensFiles,
  importSaeLensFromHub,
  importSaeLensZip,
  locateSaeLensFolder,
  type Compatibility,
  type ImportFile,
  type SaeLensImport,
} from '../../interop';
import { createHubClient, parseRepoRef } from '../../lm/hub';
import { SAELENS_WEIGHTS_FILENAME, saeLensFiles, toSaeLens } from '../../sae/formats/saelens';
import type { BlobStore } from '../../store/blob-store';
import { blobKey } from '../../store/blob-key';
import { openBlobStore } from '../../store/open-blob-store';
import { saeRepo } from '../../store/repos/saes';
import { hubEndpoint } from '../datasets/hub';
import { studioModelShapes, type StudioModelShape } from './model-shapes';

export type SaeImportSource =
  | { kind: 'files'; files: readonly ImportFile[]; folder?: string }
  | { kind: 'zip'; file: Blob; fileName: string; folder?: string }
  | { kind: 'hub'; repo: string; revision?: string; path?: string; token?: string; signal?: AbortSignal; onProgress?: (loaded: number, total: number | undefined) => void };

/** The checked SAE and how it fits each of the studio's models. */
export interface SaeImportPreview {
  imported: SaeLensImport;
  /** a name to offer: the folder's, else the source's */
  suggestedName: string;
  /** where it came from, for the SAE's origin */
  fileName: string;
  models: { model: StudioModelShape; compatibility: Compatibility }[];
  /** the model to preselect: the first compatible one, if any */
  bestModelId: string | null;
}

export interface SaveImportOptions {
  name: string;
  /** attach to this model (checked: d_in must equal its d_model) */
  modelId?: string;
  /** the model's hook point the SAE reads (defaults to the compatible hook of the chosen model) */
  hook?: string;
}

function lastSegment(path: string): string {
  return path.split('/').filter((s) => s !== '').at(-1) ?? '';
}

function sourceFileName(source: SaeImportSource, imported: SaeLensImport): string {
  if (source.kind === 'zip') return source.fileName;
  if (source.kind === 'hub') return `${source.repo}${source.path ? `/${source.path}` : ''}`;
  if (imported.folder) return imported.folder;
  // loose files: name the import after its weights file
  const weights = source.files.find((f) => f.path.toLowerCase().endsWith('.safetensors') && !f.path.endsWith('sparsity.safetensors'));
  return lastSegment(weights?.path ?? source.files[0]?.path ?? 'SAE');
}

/** Reads and checks the SAE in `source`; nothing is stored. */
export async function readSaeImport(source: SaeImportSource): Promise<SaeLensImport> {
  if (source.kind === 'files') {
    if (source.files.length === 0) throw new InteropError('missing-entry', 'No files were chosen.', 'Choose the folder SAELens saved (with cfg.json and sae_weights.safetensors).');
    return importSaeLensFiles(source.files, source.folder === undefined ? {} : { folder: source.folder });
  }
  if (source.kind === 'zip') return importSaeLensZip(source.file, source.folder === undefined ? {} : { folder: source.folder });
  const endpoint = await hubEndpoint();
  const request: Parameters<typeof importSaeLensFromHub>[0] = { repo: source.repo, endpoint };
  if (source.revision) request.revision = source.revision;
  // The repository's file list names its SAE folders (SAELens releases keep one per hook), so an empty or
  // mistyped folder is answered with the folders to choose from rather than a bare "not found".
  const hub = createHubClient({ endpoint, ...(source.token ? { token: source.token } : {}) });
  const files = (await hub.listFiles(parseRepoRef(source.repo), { revision: source.revision || 'main' })).map((f) => f.path);
  request.path = locateSaeLensFolder(files, source.path?.trim() ? source.path.trim() : undefined).folder;
  request.repoFiles = files;
  if (source.token) request.token = source.token;
  if (source.signal) request.signal = source.signal;
  if (source.onProgress) request.onProgress = source.onProgress;
  return importSaeLensFromHub(request);
}

/** Compatibility of an SAE with each model (ready models with a known d_model). */
export function compareWithModels(imported: Pick<SaeLensImport, 'dIn' | 'hookName' | 'modelName'>, models: readonly StudioModelShape[]): SaeImportPreview['models'] {
  return models.map((model) => {
    const compatibility = checkCompatibility({ dIn: imported.dIn, hookName: imported.hookName, modelName: imported.modelName }, { dModel: model.dModel, hookPoints: model.hookPoints, name: model.name });
    if (model.hookPoints.length > 0) return { model, compatibility };
    // hook points unknown (the graph's were not found): only d_in can be checked
    const problems = compatibility.problems.filter((p) => p.field !== 'hook');
    const notes = [...compatibility.notes, `The hook points of ${model.name} are not known, so the SAE's hook could not be checked.`];
    return { model, compatibility: { compatible: problems.length === 0, problems, notes, hook: imported.hookName } };
  });
}

export async function previewSaeImport(source: SaeImportSource, blobs?: BlobStore): Promise<SaeImportPreview> {
  const imported = await readSaeImport(source);
  const models = compareWithModels(imported, await studioModelShapes(blobs ?? (await openBlobStore())));
  const fileName = sourceFileName(source, imported);
  const base = lastSegment(imported.folder) || lastSegment(fileName).replace(/\.(zip|safetensors)$/i, '') || 'Imported SAE';
  return { imported, suggestedName: base, fileName, models, bestModelId: models.find((m) => m.compatibility.compatible)?.model.id ?? null };
}

/** The SAE's weights and cfg.json in the float32 SAELens form the studio reads everywhere. */
export function canonicalSaeLens(imported: SaeLensImport): { cfg: Record<string, unknown>; weights: Uint8Array } {
  const config = { architecture: imported.architecture, d_in: imported.dIn, d_sae: imported.dSae, apply_b_dec_to_input: imported.applyBDecToInput, ...(imported.k === undefined ? {} : { k: imported.k }) };
  const exported = toSaeLens(imported.params, config, {});
  const weights = saeLensFiles(exported)[SAELENS_WEIGHTS_FILENAME]!;
  // keep all of the SAE's own metadata (dataset, context size, neuronpedia id, ...)
  return { cfg: { ...exported.cfgJson, metadata: { ...exported.cfgJson.metadata, ...imported.metadata } }, weights };
}

/** Checks the attachment the user chose; a d_in mismatch blocks, a missing hook does not. */
function chooseAttachment(preview: Pick<SaeImportPreview, 'imported' | 'models'>, options: SaveImportOptions): { modelId?: string; hook?: string } {
  const hook = options.hook?.trim() || undefined;
  if (options.modelId === undefined) return hook ? { hook } : preview.imported.hookName ? { hook: preview.imported.hookName } : {};
  const entry = preview.models.find((m) => m.model.id === options.modelId);
  if (!entry) throw new InteropError('invalid-option', 'The chosen model is not in the studio (or is not ready).', 'Choose another model, or import without one.');
  const dims = entry.compatibility.problems.find((p) => p.field === 'd_in');
  if (dims) throw new InteropError('wrong-dims', dims.message, 'Choose the model the SAE was trained on, or import it without a model.');
  let chosenHook = hook ?? entry.compatibility.hook ?? preview.imported.hookName ?? undefined;
  const known = entry.model.hookPoints;
  // blocks.L.hook_resid_pre and blocks.(L−1).hook_resid_post are one tensor: take the name the model uses
  const other = chosenHook === undefined ? null : equivalentHook(chosenHook);
  if (chosenHook !== undefined && !known.includes(chosenHook) && other !== null && known.includes(other)) chosenHook = other;
  if (chosenHook !== undefined && !known.includes(chosenHook) && known.length > 0) {
    throw new InteropError('invalid-option', `The model ${entry.model.name} has no hook point ${chosenHook}.`, 'Choose one of its hook points.');
  }
  return chosenHook === undefined ? { modelId: entry.model.id } : { modelId: entry.model.id, hook: chosenHook };
}

/** Stores a previewed SAE: its weights blob, then its row. */
export async function saveImportedSae(preview: Pick<SaeImportPreview, 'imported' | 'models' | 'fileName'>, options: SaveImportOptions, blobs?: BlobStore): Promise<SaeRecord> {
  const name = options.name.trim();
  if (!name) throw new InteropError('invalid-option', 'The SAE needs a name.', 'Enter a name.');
  const attachment = chooseAttachment(preview, options);
  const { imported } = preview;
  const { cfg, weights } = canonicalSaeLens(imported);
  const store = blobs ?? (await openBlobStore());
  const key = blobKey('saes', `import-${crypto.randomUUID()}`, SAELENS_WEIGHTS_FILENAME);
  await store.write(key, weights);
  try {
    const row: Omit<SaeRecord, 'id' | 'createdAt' | 'updatedAt'> = {
      name,
      architecture: imported.architecture,
      dIn: imported.dIn,
      dSae: imported.dSae,
      origin: { kind: 'import', fileName: preview.fileName },
      blobKey: key,
      cfg,
      ...attachment,
    };
    return await saeRepo.create(row);
  } catch (e) {
    await store.delete(key).catch(() => undefined);
    throw e;
  }
}

export interface SaeImportResult {
  sae: SaeRecord;
  warnings: string[];
  compatibility: Compatibility | null;
}

/**
 * Reads, checks and stores in one go (headless use and tests). With no modelId the best compatible model
 * is chosen; when none fits, the SAE is stored unattached and a warning says so.
 */
export async function importSae(source: SaeImportSource, options: Partial<SaveImportOptions> = {}, blobs?: BlobStore): Promise<SaeImportResult> {
  const store = blobs ?? (await openBlobStore());
  const preview = await previewSaeImport(source, store);
  const modelId = options.modelId ?? preview.bestModelId ?? undefined;
  const warnings = [...preview.imported.warnings];
  if (modelId === undefined) {
    warnings.push(
      preview.models.length === 0
        ? 'There is no model in the studio to check the SAE against; attach it to a model before using it.'
        : `No model in the studio fits this SAE (${preview.models.flatMap((m) => m.compatibility.problems.map((p) => p.message)).join(' ')}).`,
    );
  }
  const save: SaveImportOptions = { name: options.name ?? preview.suggestedName };
  if (modelId !== undefined) save.modelId = modelId;
  if (options.hook !== undefined) save.hook = options.hook;
  const sae = await saveImportedSae(preview, save, store);
  const compatibility = preview.models.find((m) => m.model.id === modelId)?.compatibility ?? null;
  return { sae, warnings, compatibility };
}
