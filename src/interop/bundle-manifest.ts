// bundle.json, the manifest of a project bundle: the format tag, when it was made and by what, and every
// part (row shards and blobs) with its path in the zip. The reader trusts nothing in the zip that the
// manifest does not list, and nothing in the manifest that the zip does not hold.
import { validateBlobKey } from '../store/blob-key';
import { describeError, InteropError } from './errors';
import { isBundleTable, type BundleTable } from './bundle-rows';

export const BUNDLE_FORMAT = 'mistudio-bundle/1';
export const BUNDLE_MANIFEST_PATH = 'bundle.json';

export interface RowsPart {
  kind: 'rows';
  table: BundleTable;
  /** e.g. rows/features/000000.json: a JSON array of rows */
  path: string;
  count: number;
}

export interface BlobPart {
  kind: 'blob';
  /** the BlobStore key in the exporting studio */
  key: string;
  /** e.g. blobs/000000.bin */
  path: string;
  bytes: number;
}

export type BundlePart = RowsPart | BlobPart;

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  /** ISO 8601 */
  created: string;
  generator: { name: string; version: string };
  parts: BundlePart[];
}

const DAMAGED = 'The bundle was changed or damaged after it was made; export it again.';

function mismatch(message: string): InteropError {
  return new InteropError('manifest-mismatch', message, DAMAGED);
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Paths the writer uses: no "..", no leading "/", no backslashes. */
const PART_PATH = /^(rows\/[A-Za-z]+\/\d{6}\.json|blobs\/\d{6}\.bin)$/;

/** Parses and checks bundle.json's text. */
export function parseManifest(text: string): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new InteropError('bad-json', `bundle.json is not valid JSON (${describeError(cause)}).`, DAMAGED, { cause });
  }
  if (!isPlain(raw)) throw mismatch('bundle.json must hold a JSON object.');
  if (raw.format !== BUNDLE_FORMAT) {
    if (typeof raw.format === 'string' && raw.format.startsWith('mistudio-bundle/')) {
      throw new InteropError('unsupported', `This bundle has format ${raw.format}, which this version of the studio cannot read (it reads ${BUNDLE_FORMAT}).`, 'Update the studio, or export the bundle again from a matching version.');
    }
    throw mismatch(`bundle.json does not describe a miStudio bundle (format ${JSON.stringify(raw.format) ?? 'missing'}).`);
  }
  if (typeof raw.created !== 'string' || Number.isNaN(Date.parse(raw.created))) throw mismatch('bundle.json: "created" must be a date.');
  const gen = raw.generator;
  if (!isPlain(gen) || typeof gen.name !== 'string' || typeof gen.version !== 'string') throw mismatch('bundle.json: "generator" must name the program and its version.');
  if (!Array.isArray(raw.parts)) throw mismatch('bundle.json: "parts" must be a list.');
  const paths = new Set<string>();
  const keys = new Set<string>();
  const parts = raw.parts.map((p: unknown, i: number): BundlePart => {
    const where = `bundle.json, part ${i + 1}`;
    if (!isPlain(p) || typeof p.path !== 'string' || !PART_PATH.test(p.path)) throw mismatch(`${where}: not a part with a valid path.`);
    if (paths.has(p.path)) throw mismatch(`${where}: ${p.path} is listed twice.`);
    paths.add(p.path);
    if (p.kind === 'rows') {
      if (!isBundleTable(p.table)) throw mismatch(`${where}: unknown table ${JSON.stringify(p.table)}.`);
      if (!p.path.startsWith(`rows/${p.table}/`)) throw mismatch(`${where}: rows of ${p.table} stored under ${p.path}.`);
      if (!isCount(p.count)) throw mismatch(`${where}: "count" must be a whole number.`);
      return { kind: 'rows', table: p.table, path: p.path, count: p.count };
    }
    if (p.kind === 'blob') {
      if (typeof p.key !== 'string') throw mismatch(`${where}: the blob has no key.`);
      try {
        validateBlobKey(p.key);
      } catch (cause) {
        throw new InteropError('manifest-mismatch', `${where}: ${describeError(cause)}`, DAMAGED, { cause });
      }
      if (keys.has(p.key)) throw mismatch(`${where}: the blob ${p.key} is listed twice.`);
      keys.add(p.key);
      if (!p.path.startsWith('blobs/')) throw mismatch(`${where}: a blob stored under ${p.path}.`);
      if (!isCount(p.bytes)) throw mismatch(`${where}: "bytes" must be a whole number.`);
      return { kind: 'blob', key: p.key, path: p.path, bytes: p.bytes };
    }
    throw mismatch(`${where}: unknown kind ${JSON.stringify(p.kind)}.`);
  });
  return { format: BUNDLE_FORMAT, created: raw.created, generator: { name: gen.name, version: gen.version }, parts };
}
