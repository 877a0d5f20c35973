// A SAELens folder (cfg.json + sae_weights.safetensors [+ sparsity.safetensors]) packed as a zip whose
// single top folder is named after the SAE, so unzipping gives a folder SAELens loads with
// SAE.load_from_disk(path). The weights may come from memory (an export just made by toSaeLens) or as a
// stream from the BlobStore (an SAE record's stored weights): nothing is buffered either way.
import { saeLensFiles, SAELENS_CFG_FILENAME, SAELENS_SPARSITY_FILENAME, SAELENS_WEIGHTS_FILENAME, type SaeLensExport } from '../sae/formats/saelens';
import type { BlobSource } from '../store/blob-source';
import { zipStream, collectBytes, type ZipWriteEntry } from './zip-writer';

export interface SaeLensFolderSource {
  /** the cfg.json object */
  cfg: Record<string, unknown>;
  /** sae_weights.safetensors bytes or stream */
  weights: BlobSource;
  /** the weights' size when known (checked while streaming) */
  weightsBytes?: number;
  /** sparsity.safetensors bytes or stream */
  sparsity?: BlobSource;
}

/** A safe folder / file name from an SAE's display name ("My SAE: L8" → "My_SAE_L8"). */
export function saeLensFolderName(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 100);
  return cleaned === '' ? 'sae' : cleaned;
}

/** The zip entries of one SAELens folder under `prefix` ("" for the top level, else ending in "/"). */
export function saeLensFolderEntries(prefix: string, folder: SaeLensFolderSource): ZipWriteEntry[] {
  const weights: ZipWriteEntry = { name: `${prefix}${SAELENS_WEIGHTS_FILENAME}`, data: folder.weights };
  if (folder.weightsBytes !== undefined) weights.expectedBytes = folder.weightsBytes;
  const entries: ZipWriteEntry[] = [
    { name: `${prefix}${SAELENS_CFG_FILENAME}`, data: new TextEncoder().encode(JSON.stringify(folder.cfg, null, 2)), compress: true },
    weights,
  ];
  if (folder.sparsity !== undefined) entries.push({ name: `${prefix}${SAELENS_SPARSITY_FILENAME}`, data: folder.sparsity });
  return entries;
}

/** A SAELens folder source from an export made in memory by toSaeLens. */
export function saeLensExportSource(exp: SaeLensExport, log10Density?: Float32Array): SaeLensFolderSource {
  const files = saeLensFiles(exp, log10Density);
  const source: SaeLensFolderSource = { cfg: exp.cfgJson as unknown as Record<string, unknown>, weights: files[SAELENS_WEIGHTS_FILENAME]! };
  const sparsity = files[SAELENS_SPARSITY_FILENAME];
  if (sparsity) source.sparsity = sparsity;
  return source;
}

export interface SaeLensZipOptions {
  /** the SAE's display name: the zip's top folder (and file) name */
  name: string;
  mtime?: Date;
}

/** The zip as a stream of chunks; `${saeLensFolderName(name)}.zip` is the file name to offer. */
export function saeLensZipStream(folder: SaeLensFolderSource, options: SaeLensZipOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const zipOptions = options.mtime ? { mtime: options.mtime } : {};
  return zipStream(saeLensFolderEntries(`${saeLensFolderName(options.name)}/`, folder), zipOptions);
}

/** The whole zip in memory (an SAE exported from memory is in memory already). */
export async function saeLensZip(exp: SaeLensExport, options: SaeLensZipOptions & { log10Density?: Float32Array }): Promise<Uint8Array> {
  return collectBytes(saeLensZipStream(saeLensExportSource(exp, options.log10Density), options));
}
