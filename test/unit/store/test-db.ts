// Each test gets its own fresh database (fake-indexeddb), wired in as the repositories' default, and with
// useFreshStores its own IndexedDB blob store.
import 'fake-indexeddb/auto'; // test files import it first too: Dexie reads the globals when it loads
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, useDatabase, type MiStudioDatabase } from '../../../src/store/db';
import { IdbBlobStore } from '../../../src/store/idb-blob-store';

export function useFreshDatabase(): () => MiStudioDatabase {
  let current: MiStudioDatabase | undefined;
  beforeEach(() => {
    current = openDatabase(`test-${crypto.randomUUID()}`);
    useDatabase(current);
  });
  afterEach(async () => {
    useDatabase(undefined);
    if (current) await current.delete();
  });
  return () => {
    if (!current) throw new Error('the test database exists only inside a test');
    return current;
  };
}

export interface TestStores {
  db(): MiStudioDatabase;
  blobs(): IdbBlobStore;
}

/** A fresh database and IndexedDB blob store for every test, deleted after it. */
export function useFreshStores(): TestStores {
  const db = useFreshDatabase();
  let blobs: IdbBlobStore | undefined;
  beforeEach(() => {
    blobs = new IdbBlobStore(`blobs-${crypto.randomUUID()}`);
  });
  afterEach(async () => {
    await blobs?.database.delete();
    blobs = undefined;
  });
  return {
    db,
    blobs: () => {
      if (!blobs) throw new Error('the test BlobStore exists only inside a test');
      return blobs;
    },
  };
}
