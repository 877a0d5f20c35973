// Picks the BlobStore for this browser: OPFS where it can really write (createWritable works; Safari
// before 26 and some private modes lack it), else the chunked IndexedDB store.
import type { BlobStore } from './blob-store';
import { IdbBlobStore } from './idb-blob-store';
import { DEFAULT_OPFS_FOLDER, OpfsBlobStore } from './opfs-blob-store';

let opened: Promise<BlobStore> | undefined;

/** The BlobStore of this thread (created on first call). */
export function openBlobStore(): Promise<BlobStore> {
  opened ??= choose();
  return opened;
}

async function choose(): Promise<BlobStore> {
  return (await opfsWorks()) ? OpfsBlobStore.open() : new IdbBlobStore();
}

/** Writes and removes a one-byte probe file in the store's folder. */
export async function opfsWorks(folder = DEFAULT_OPFS_FOLDER): Promise<boolean> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return false;
  try {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
    const name = `.probe-${crypto.randomUUID()}`;
    const probe = await dir.getFileHandle(name, { create: true });
    try {
      if (typeof probe.createWritable !== 'function') return false;
      const writable = await probe.createWritable();
      await writable.write(new Uint8Array([1]));
      await writable.close();
      return (await probe.getFile()).size === 1;
    } finally {
      await dir.removeEntry(name).catch(() => undefined);
    }
  } catch {
    return false;
  }
}
