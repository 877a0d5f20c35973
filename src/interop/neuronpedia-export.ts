// A Neuronpedia-style export of one SAE, streamed as a zip:
//   metadata.json          model, hook, SAE dims and architecture, dataset, export date, studio version
//   features/<index>.json  one per chosen feature, in Neuronpedia's feature shape (neuronpedia-feature.ts)
//   sae/                   the SAELens folder (cfg.json, sae_weights.safetensors [, sparsity.safetensors])
// Features are fetched one at a time through `details`, turned into JSON and handed on before the next is
// asked for; the weights stream from the BlobStore. Nothing large is held at once.
import type { FeatureRecord, SaeRecord } from '../domain/entities';
import { APP_NAME, APP_VERSION } from './app-version';
import { InteropError } from './errors';
import { toNeuronpediaFeature, type FeatureDetails } from './neuronpedia-feature';
import { saeLensFolderEntries, saeLensFolderName, type SaeLensFolderSource } from './saelens-export-zip';
import { zipStream, ZIP32_MAX_ENTRIES, type ZipWriteEntry } from './zip-writer';

export const NEURONPEDIA_EXPORT_FORMAT = 'mistudio-neuronpedia-export/1';

export type FeatureSelection = { kind: 'all' } | { kind: 'favourites' } | { kind: 'list'; indices: readonly number[] };

export interface NeuronpediaExportInput {
  sae: Pick<SaeRecord, 'name' | 'architecture' | 'dIn' | 'dSae' | 'cfg'>;
  /** the SAELens folder to include under sae/ (cfg + weights from the BlobStore) */
  saeFolder: SaeLensFolderSource;
  /** the model's name in the studio, and its Neuronpedia id when known (e.g. "gpt2-small") */
  model: { name: string; neuronpediaId?: string };
  hookName: string;
  dataset?: { name: string; path?: string };
  /** the SAE's feature rows (any order; features without a row export with what details gives) */
  features: Iterable<FeatureRecord> | AsyncIterable<FeatureRecord>;
  /** examples, histograms and logit effects of one feature, asked for one feature at a time */
  details: (index: number) => FeatureDetails | Promise<FeatureDetails>;
}

export interface NeuronpediaExportOptions {
  /** which features (default all d_sae of them) */
  selection?: FeatureSelection;
  /** top examples per feature (default 20) */
  examplesPerFeature?: number;
  /** Neuronpedia's source id ("layer" field); default "<layer>-mistudio" from the hook */
  sourceId?: string;
  exportedAt?: Date;
}

function invalidOption(message: string): InteropError {
  return new InteropError('invalid-option', message, 'Change the export settings.');
}

/** The layer number in a TransformerLens hook name ("blocks.8.hook_resid_pre" → 8). */
function layerOf(hook: string): number | null {
  const m = /^blocks\.(\d+)\./.exec(hook);
  return m ? Number(m[1]) : null;
}

function chosenIndices(selection: FeatureSelection, dSae: number, records: ReadonlyMap<number, FeatureRecord>): number[] {
  if (selection.kind === 'all') return Array.from({ length: dSae }, (_, i) => i);
  if (selection.kind === 'favourites') return [...records.values()].filter((r) => r.favourite === 1).map((r) => r.index).sort((a, b) => a - b);
  const seen = new Set<number>();
  for (const i of selection.indices) {
    if (!Number.isSafeInteger(i) || i < 0 || i >= dSae) throw invalidOption(`Feature ${i} does not exist: this SAE has features 0 to ${dSae - 1}.`);
    if (seen.has(i)) throw invalidOption(`Feature ${i} is listed twice.`);
    seen.add(i);
  }
  return [...seen];
}

/** The export as zip chunks; offer it as `${saeLensFolderName(sae.name)}-neuronpedia.zip`. */
export async function* neuronpediaExport(input: NeuronpediaExportInput, options: NeuronpediaExportOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const { sae } = input;
  const examplesPerFeature = options.examplesPerFeature ?? 20;
  if (!Number.isSafeInteger(examplesPerFeature) || examplesPerFeature < 0) throw invalidOption(`Examples per feature must be a whole number ≥ 0 (got ${examplesPerFeature}).`);
  if (!input.hookName.trim()) throw invalidOption('The export needs the hook point the SAE reads.');
  const records = new Map<number, FeatureRecord>();
  for await (const r of input.features) {
    if (r.index >= 0 && r.index < sae.dSae) records.set(r.index, r);
  }
  const indices = chosenIndices(options.selection ?? { kind: 'all' }, sae.dSae, records);
  if (indices.length === 0) throw invalidOption(options.selection?.kind === 'favourites' ? 'No feature of this SAE is marked as a favourite.' : 'No features were chosen.');
  // metadata.json and the SAELens folder take up to 4 more entries
  if (indices.length > ZIP32_MAX_ENTRIES - 4) throw new InteropError('too-large', `${indices.length} features are more than one export can hold (${ZIP32_MAX_ENTRIES - 4}).`, 'Export a list of features, or favourites.');
  const layer = layerOf(input.hookName);
  const sourceId = options.sourceId ?? `${layer ?? 0}-mistudio`;
  const modelId = input.model.neuronpediaId ?? input.model.name;
  const exportedAt = options.exportedAt ?? new Date();
  const encoder = new TextEncoder();
  const k = sae.cfg.k;

  const metadata = {
    format: NEURONPEDIA_EXPORT_FORMAT,
    exportedAt: exportedAt.toISOString(),
    generator: { name: APP_NAME, version: APP_VERSION },
    model: { name: input.model.name, neuronpediaId: modelId },
    hookName: input.hookName,
    layer,
    neuronpediaSourceId: sourceId,
    sae: {
      name: sae.name,
      architecture: sae.architecture,
      saelensArchitecture: typeof sae.cfg.architecture === 'string' ? sae.cfg.architecture : null,
      dIn: sae.dIn,
      dSae: sae.dSae,
      k: typeof k === 'number' ? k : null,
      folder: 'sae/',
    },
    dataset: input.dataset ? { name: input.dataset.name, path: input.dataset.path ?? null } : null,
    features: { selection: options.selection?.kind ?? 'all', count: indices.length, examplesPerFeature, folder: 'features/' },
  };

  async function* entries(): AsyncGenerator<ZipWriteEntry, void, undefined> {
    yield { name: 'metadata.json', data: encoder.encode(JSON.stringify(metadata, null, 2)), compress: true };
    const ctx = { modelId, sourceId, hookName: input.hookName, examplesPerFeature };
    for (const index of indices) {
      const feature = toNeuronpediaFeature(index, records.get(index), await input.details(index), ctx);
      yield { name: `features/${index}.json`, data: encoder.encode(JSON.stringify(feature)), compress: true };
    }
    yield* saeLensFolderEntries('sae/', input.saeFolder);
  }
  yield* zipStream(entries(), { mtime: exportedAt });
}

export function neuronpediaExportFileName(saeName: string): string {
  return `${saeLensFolderName(saeName)}-neuronpedia.zip`;
}
