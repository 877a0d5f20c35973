// How much this site may store, and asking the browser to keep it (not evict under storage pressure).

export interface StorageUsage {
  usedBytes: number;
  quotaBytes: number;
  persisted: boolean;
}

export async function storageUsage(): Promise<StorageUsage | undefined> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return undefined;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  return { usedBytes: usage, quotaBytes: quota, persisted };
}

/** Asks for persistent storage; resolves to whether the site has it now. */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
  if (navigator.storage.persisted && (await navigator.storage.persisted())) return true;
  return navigator.storage.persist();
}
