// Opening a project bundle. Everything is checked before anything is handed to an importer: the zip's
// directory, bundle.json, that the manifest and the zip list the same files with the same sizes, every
// row of every table, every reference between rows and blobs, and each SAE's weights header against its
// record. Blob data is the one thing not read in advance (it can be gigabytes): each blob is checked
// (size, CRC-32) while it streams, and fails before its last chunk, so a BlobStore write of it never
// completes.
import { describeError, InteropError } from './errors';
import { BUNDLE_MANIFEST_PATH, parseManifest, type BlobPart, type BundleManifest } from './bundle-manifest';
import { BUNDLE_TABLES, blobKeysOf, checkRow, emptyRows, type BundleRows, type BundleTable } from './bundle-rows';
import { blobSource, bytesSource, type RandomAccessSource } from './random-access';
import { ZipArchive, type ZipEntry } from './zip-reader';

export interface BundleReadOptions {
  /** bytes per read of the bundle file (default 1 MiB) */
  chunkSize?: number;
  /** largest rows shard accepted, uncompressed (default 64 MiB) */
  maxShardBytes?: number;
}

export interface BundleBlob {
  key: string;
  bytes: number;
  /** the blob's data, checked as it streams; each call starts a fresh read */
  chunks(): AsyncGenerator<Uint8Array, void, undefined>;
}

export interface OpenedBundle {
  manifest: BundleManifest;
  rows: BundleRows;
  blobs: BundleBlob[];
}

const DAMAGED = 'The bundle was changed or damaged after it was made; export it again.';
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const MAX_SAFETENSORS_HEADER = 16 * 1024 * 1024;

function mismatch(message: string): InteropError {
  return new InteropError('manifest-mismatch', message, DAMAGED);
}

function invalid(message: string): InteropError {
  return new InteropError('invalid-data', message, DAMAGED);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The manifest and the zip must list the same files, with the sizes the manifest declares. */
function matchEntries(archive: ZipArchive, manifest: BundleManifest): Map<string, ZipEntry> {
  const byPath = new Map<string, ZipEntry>();
  for (const part of manifest.parts) {
    const entry = archive.get(part.path);
    if (!entry) throw mismatch(`bundle.json lists ${part.path}, but the bundle does not contain it.`);
    if (part.kind === 'blob' && entry.size !== part.bytes) throw mismatch(`${part.path} holds ${entry.size} bytes, but bundle.json says ${part.bytes}.`);
    byPath.set(part.path, entry);
  }
  for (const entry of archive.files()) {
    if (entry.name !== BUNDLE_MANIFEST_PATH && !byPath.has(entry.name)) throw mismatch(`The bundle contains ${entry.name}, which bundle.json does not list.`);
  }
  return byPath;
}

async function readShard(archive: ZipArchive, entry: ZipEntry, maxBytes: number): Promise<unknown[]> {
  const text = await archive.text(entry, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new InteropError('bad-json', `${entry.name} is not valid JSON (${describeError(cause)}).`, DAMAGED, { cause });
  }
  if (!Array.isArray(parsed)) throw invalid(`${entry.name} must hold a list of rows.`);
  return parsed;
}

/** Checks references between the tables and to the blobs. */
function checkReferences(rows: BundleRows, blobKeys: ReadonlySet<string>): void {
  const referenced = new Set<string>();
  for (const table of BUNDLE_TABLES) {
    for (const row of rows[table]) {
      for (const key of blobKeysOf(table, row)) {
        if (!blobKeys.has(key)) throw mismatch(`${table} "${row.id}" refers to the stored file ${key}, which the bundle does not contain.`);
        referenced.add(key);
      }
    }
  }
  for (const key of blobKeys) if (!referenced.has(key)) throw mismatch(`The bundle contains the stored file ${key}, which no row refers to.`);
  const saeDims = new Map(rows.saes.map((s) => [s.id, s.dSae]));
  for (const f of rows.features) {
    const dSae = saeDims.get(f.saeId);
    if (dSae !== undefined && f.index >= dSae) throw invalid(`Feature ${f.index} of SAE "${f.saeId}" is beyond its ${dSae} features.`);
  }
  for (const e of rows.featureExamples) {
    const dSae = saeDims.get(e.saeId);
    if (dSae !== undefined && e.featureIndex >= dSae) throw invalid(`An example of feature ${e.featureIndex} of SAE "${e.saeId}" is beyond its ${dSae} features.`);
  }
}

/** The header of an SAE's safetensors weights must describe W_enc [d_in, d_sae] and exactly fill the blob. */
async function checkSaeWeights(archive: ZipArchive, entry: ZipEntry, sae: { id: string; dIn: number; dSae: number }): Promise<void> {
  const what = `The weights of SAE "${sae.id}"`;
  const head = await archive.prefix(entry, 8);
  if (head.length < 8) throw new InteropError('corrupt', `${what} are too short to be a safetensors file.`, DAMAGED);
  const hv = new DataView(head.buffer, head.byteOffset, 8);
  const headerLength = hv.getUint32(0, true) + hv.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_SAFETENSORS_HEADER || 8 + headerLength > entry.size) throw new InteropError('corrupt', `${what} have an impossible safetensors header length.`, DAMAGED);
  const bytes = await archive.prefix(entry, 8 + headerLength);
  let header: unknown;
  try {
    header = JSON.parse(utf8.decode(bytes.subarray(8)));
  } catch (cause) {
    throw new InteropError('corrupt', `${what} have an unreadable safetensors header.`, DAMAGED, { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new InteropError('corrupt', `${what} have an unreadable safetensors header.`, DAMAGED);
  let end = 0;
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const offsets: unknown = typeof t === 'object' && t !== null ? (t as Record<string, unknown>).data_offsets : undefined;
    const last = Array.isArray(offsets) ? offsets[1] : undefined;
    if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) throw new InteropError('corrupt', `${what}: tensor ${name} has bad offsets.`, DAMAGED);
    end = Math.max(end, last);
  }
  if (8 + headerLength + end !== entry.size) throw new InteropError('corrupt', `${what} do not match their safetensors header (${entry.size} bytes, the header describes ${8 + headerLength + end}).`, DAMAGED);
  const wEnc = (header as Record<string, unknown>).W_enc;
  const shape: unknown = typeof wEnc === 'object' && wEnc !== null ? (wEnc as Record<string, unknown>).shape : undefined;
  if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== sae.dIn || shape[1] !== sae.dSae) {
    throw new InteropError('wrong-dims', `${what} have W_enc of shape ${JSON.stringify(shape) ?? 'none'}, but the SAE record says [${sae.dIn}, ${sae.dSae}].`, DAMAGED);
  }
}

/**
 * Opens and fully checks a bundle (a File/Blob, bytes, or a random-access source). Throws InteropError
 * on the first problem; on success nothing but blob data remains unread.
 */
export async function openBundle(file: Blob | Uint8Array | RandomAccessSource, options: BundleReadOptions = {}): Promise<OpenedBundle> {
  const source = file instanceof Uint8Array ? bytesSource(file) : file instanceof Blob ? blobSource(file) : file;
  const zipOptions = options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize };
  const archive = await ZipArchive.open(source, zipOptions);
  const manifestEntry = archive.get(BUNDLE_MANIFEST_PATH);
  if (!manifestEntry) {
    const hint = archive.files().some((e) => e.name.endsWith('cfg.json')) ? ' It looks like a SAELens SAE; import it as an SAE instead.' : '';
    throw new InteropError('missing-entry', `This zip is not a miStudio bundle: it has no bundle.json (or the bundle was cut off before its end).${hint}`, 'Choose a bundle exported by miStudio, complete.');
  }
  const manifest = parseManifest(await archive.text(manifestEntry, MAX_MANIFEST_BYTES));
  const entries = matchEntries(archive, manifest);
  const maxShard = options.maxShardBytes ?? 64 * 1024 * 1024;

  const rows = emptyRows();
  const ids: Record<BundleTable, Set<string>> = Object.fromEntries(BUNDLE_TABLES.map((t) => [t, new Set<string>()])) as Record<BundleTable, Set<string>>;
  for (const part of manifest.parts) {
    if (part.kind !== 'rows') continue;
    const raw = await readShard(archive, entries.get(part.path)!, maxShard);
    if (raw.length !== part.count) throw mismatch(`${part.path} holds ${raw.length} rows, but bundle.json says ${part.count}.`);
    const table = part.table;
    const list = rows[table] as BundleRows[BundleTable][number][];
    for (const value of raw) {
      const row = checkRow(table, list.length, value);
      if (ids[table].has(row.id)) throw invalid(`${table}: the id "${row.id}" appears twice.`);
      ids[table].add(row.id);
      list.push(row);
    }
  }
  const blobParts = manifest.parts.filter((p): p is BlobPart => p.kind === 'blob');
  checkReferences(rows, new Set(blobParts.map((p) => p.key)));
  const keyToEntry = new Map(blobParts.map((p) => [p.key, entries.get(p.path)!]));
  for (const sae of rows.saes) await checkSaeWeights(archive, keyToEntry.get(sae.blobKey)!, sae);

  const blobs = blobParts.map((p): BundleBlob => {
    const entry = keyToEntry.get(p.key)!;
    return { key: p.key, bytes: p.bytes, chunks: () => archive.stream(entry) };
  });
  return { manifest, rows, blobs };
}
