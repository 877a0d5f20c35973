// Writing a project bundle: a zip streamed chunk by chunk. Rows go first, as deflated JSON shards of a few
// MiB each (so neither side ever holds one huge JSON text), then every blob the rows refer to (stored,
// streamed from the BlobStore), then bundle.json listing all parts. The manifest comes last so rows and
// blobs can stream without being counted in advance, and so a cut-off download is never mistaken for a
// complete bundle.
import { chunksOf, type BlobSource } from '../store/blob-source';
import { APP_NAME, APP_VERSION } from './app-version';
import { BUNDLE_FORMAT, BUNDLE_MANIFEST_PATH, type BundleManifest, type BundlePart } from './bundle-manifest';
import { BUNDLE_TABLES, blobKeysOf, checkRow, type BundleRows, type BundleTable } from './bundle-rows';
import { InteropError } from './errors';
import { zipStream, type ZipWriteEntry } from './zip-writer';

type RowSource<T> = Iterable<T> | AsyncIterable<T>;

/** What to put in the bundle; every table is optional. Rows are read once, in order, as they are written. */
export type BundleSource = { [T in BundleTable]?: RowSource<BundleRows[T][number]> };

/** The part of a BlobStore the writer needs. */
export interface BundleBlobReader {
  stream(key: string): BlobSource;
  /** the blob's size, checked while it streams */
  size?(key: string): Promise<number>;
}

export interface BundleWriteOptions {
  created?: Date;
  /** approximate uncompressed size of one rows shard (default 4 MiB) */
  shardBytes?: number;
  /** largest chunk handed on (default 1 MiB) */
  maxChunkBytes?: number;
}

const encoder = new TextEncoder();

function shardPath(table: BundleTable, n: number): string {
  return `rows/${table}/${String(n).padStart(6, '0')}.json`;
}

/** The bundle as zip chunks; pipe them to a file (e.g. through toReadableStream). */
export function writeBundle(source: BundleSource, blobs: BundleBlobReader, options: BundleWriteOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const created = options.created ?? new Date();
  const shardBytes = Math.max(1024, options.shardBytes ?? 4 * 1024 * 1024);
  const parts: BundlePart[] = [];

  async function* entries(): AsyncGenerator<ZipWriteEntry, void, undefined> {
    const blobKeys: string[] = [];
    const seenKeys = new Set<string>();
    for (const table of BUNDLE_TABLES) {
      const rows = source[table];
      if (!rows) continue;
      const ids = new Set<string>();
      let shard: string[] = [];
      let shardSize = 0;
      let shardIndex = 0;
      let rowIndex = 0;
      const flush = (): ZipWriteEntry => {
        const path = shardPath(table, shardIndex++);
        parts.push({ kind: 'rows', table, path, count: shard.length });
        const entry: ZipWriteEntry = { name: path, data: encoder.encode(`[\n${shard.join(',\n')}\n]`), compress: true };
        shard = [];
        shardSize = 0;
        return entry;
      };
      for await (const input of rows) {
        // the same checks the reader makes: never write a bundle that cannot be read back
        const row = checkRow(table, rowIndex++, input);
        if (ids.has(row.id)) throw new InteropError('invalid-data', `${table}: the id "${row.id}" appears twice.`, 'Report the problem.');
        ids.add(row.id);
        for (const key of blobKeysOf(table, row)) {
          if (!seenKeys.has(key)) {
            seenKeys.add(key);
            blobKeys.push(key);
          }
        }
        const json = JSON.stringify(row);
        shard.push(json);
        shardSize += json.length;
        if (shardSize >= shardBytes) yield flush();
      }
      if (shard.length) yield flush();
    }
    for (const [i, key] of blobKeys.entries()) {
      const path = `blobs/${String(i).padStart(6, '0')}.bin`;
      const entry: ZipWriteEntry = { name: path, data: countBytes(blobs.stream(key), (n) => parts.push({ kind: 'blob', key, path, bytes: n })) };
      if (blobs.size) entry.expectedBytes = await blobs.size(key);
      yield entry;
    }
    const manifest: BundleManifest = { format: BUNDLE_FORMAT, created: created.toISOString(), generator: { name: APP_NAME, version: APP_VERSION }, parts };
    yield { name: BUNDLE_MANIFEST_PATH, data: encoder.encode(JSON.stringify(manifest, null, 1)), compress: true };
  }

  const zipOptions: { mtime: Date; maxChunkBytes?: number } = { mtime: created };
  if (options.maxChunkBytes !== undefined) zipOptions.maxChunkBytes = options.maxChunkBytes;
  return zipStream(entries(), zipOptions);
}

/** Passes chunks through and reports the total once the source is exhausted. */
async function* countBytes(source: BlobSource, done: (bytes: number) => void): AsyncGenerator<Uint8Array, void, undefined> {
  let n = 0;
  for await (const chunk of chunksOf(source)) {
    n += chunk.length;
    yield chunk;
  }
  done(n);
}
