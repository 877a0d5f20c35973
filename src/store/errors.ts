// Typed errors the store raises at its boundary, each with a message a user understands.

export class RecordNotFoundError extends Error {
  override name = 'RecordNotFoundError';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`The ${entity} ${JSON.stringify(id)} does not exist (it may have been deleted).`);
  }
}

export class StorageFullError extends Error {
  override name = 'StorageFullError';
  readonly action =
    'Free space by deleting models, datasets, activation caches or checkpoints you no longer need (System → Storage), ' +
    'or allow this site more storage in the browser settings, then try again.';
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`The browser's storage for this site is full: could not save ${key}.`, options);
  }
}

export class BlobNotFoundError extends Error {
  override name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super(`The stored file ${key} does not exist (it may have been deleted).`);
  }
}

export class InvalidBlobKeyError extends Error {
  override name = 'InvalidBlobKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${JSON.stringify(key)} is not a valid storage path: ${reason}.`);
  }
}

/** True for a quota failure however it surfaces: DOMException, Dexie's wrapper, or its inner error. */
export function isQuotaExceeded(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const name = 'name' in e ? e.name : undefined;
    if (name === 'QuotaExceededError') return true;
    e = 'inner' in e && e.inner ? e.inner : 'cause' in e ? e.cause : undefined;
  }
  return false;
}
