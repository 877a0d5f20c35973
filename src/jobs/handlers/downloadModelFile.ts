// One file of a model download, resumable across pauses, reloads and dropped connections. Bytes are kept
// as numbered parts in the BlobStore, each committed whole, so what was stored survives anything; the file
// continues from the sum of the parts with an HTTP Range request (If-Range: the stored ETag), and when it
// is complete the parts are joined into the final blob and removed.
import { HubError, type HubClient, type RepoRef } from '../../lm/hub';
import type { BlobStore } from '../../store/blob-store';

/** Bytes per committed part: what a reload or a dropped connection can cost at most. */
export const PART_BYTES = 8 * 1024 * 1024;
/** Consecutive failed attempts (without a single new byte) before the download gives up. */
export const MAX_ATTEMPTS = 5;

export interface FileDownloadTarget {
  repo: RepoRef;
  revision: string;
  path: string;
  /** final key of the whole file */
  key: string;
  /** folder of its parts, e.g. models/<id>/parts/3 */
  partsFolder: string;
  /** ETag of the stored parts (from an earlier run) */
  etag?: string;
}

export interface FileDownloadHooks {
  /** bytes of this file stored or received so far (called often; throttle downstream) */
  onBytes(bytes: number, total: number | undefined): void;
  /** remembers the ETag the stored parts belong to */
  onEtag(etag: string | undefined): Promise<void>;
  /** non-null: stop at the next chunk, keeping what was received */
  shouldStop(): 'pause' | 'cancel' | null;
  /** waits between retries (injected so tests do not sleep) */
  wait(ms: number): Promise<void>;
}

export type FileDownloadResult = { status: 'complete'; bytes: number } | { status: 'stopped' };

function partKey(folder: string, index: number): string {
  return `${folder}/${String(index).padStart(6, '0')}`;
}

async function storedParts(blobs: BlobStore, folder: string): Promise<{ keys: string[]; bytes: number }> {
  const keys = await blobs.list(`${folder}/`);
  let bytes = 0;
  for (const key of keys) bytes += await blobs.size(key);
  return { keys, bytes };
}

async function removeParts(blobs: BlobStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) await blobs.delete(key);
}

async function* partChunks(blobs: BlobStore, keys: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const key of keys) {
    const reader = blobs.stream(key).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
  }
}

function isRetryable(err: unknown): boolean {
  return err instanceof HubError && (err.kind === 'interrupted' || err.kind === 'network' || err.kind === 'rate-limited' || (err.kind === 'http' && (err.status ?? 0) >= 500));
}

export async function downloadFile(hub: HubClient, blobs: BlobStore, target: FileDownloadTarget, hooks: FileDownloadHooks): Promise<FileDownloadResult> {
  if (await blobs.has(target.key)) {
    const bytes = await blobs.size(target.key);
    hooks.onBytes(bytes, bytes);
    return { status: 'complete', bytes };
  }
  let { keys, bytes: stored } = await storedParts(blobs, target.partsFolder);
  let etag = target.etag;
  let failures = 0;
  let total: number | undefined;
  hooks.onBytes(stored, undefined);

  for (;;) {
    const controller = new AbortController();
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const commit = async () => {
      if (pendingBytes === 0) return;
      const key = partKey(target.partsFolder, keys.length);
      const chunks = pending;
      pending = [];
      pendingBytes = 0;
      const { bytes } = await blobs.write(key, (async function* () {
        yield* chunks;
      })());
      keys = [...keys, key];
      stored += bytes;
    };
    try {
      const download = await hub.download(target.repo, target.path, { revision: target.revision, offset: stored, signal: controller.signal, ...(etag ? { etag } : {}) });
      if (download.offset === 0 && stored > 0) {
        // the file changed since the parts were stored (or the server ignores ranges): start over
        await removeParts(blobs, keys);
        keys = [];
        stored = 0;
      }
      total = download.totalSize;
      if (download.etag !== etag) {
        etag = download.etag;
        await hooks.onEtag(etag);
      }
      const reader = download.stream.getReader();
      try {
        for (;;) {
          if (hooks.shouldStop()) {
            controller.abort();
            await commit();
            return { status: 'stopped' };
          }
          const { done, value } = await reader.read();
          if (done) break;
          pending.push(value);
          pendingBytes += value.byteLength;
          failures = 0;
          if (pendingBytes >= PART_BYTES) await commit();
          hooks.onBytes(stored + pendingBytes, total);
        }
      } finally {
        reader.releaseLock();
      }
      await commit();
      break;
    } catch (err) {
      // keep every byte that arrived; the next attempt continues after them
      await commit();
      if (hooks.shouldStop()) return { status: 'stopped' };
      if (!isRetryable(err) || ++failures >= MAX_ATTEMPTS) throw err;
      await hooks.wait(Math.min(30_000, 500 * 2 ** (failures - 1)));
    }
  }

  if (total !== undefined && stored !== total) {
    throw new HubError('bad-response', `${target.path} arrived with ${stored} bytes, but the Hub announced ${total}.`);
  }
  const { bytes } = await blobs.write(target.key, partChunks(blobs, keys));
  await removeParts(blobs, keys);
  hooks.onBytes(bytes, bytes);
  return { status: 'complete', bytes };
}
