// Each test gets its own fresh database (fake-indexeddb), wired in as the repositories' default.
import 'fake-indexeddb/auto'; // test files import it first too: Dexie reads the globals when it loads
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, useDatabase, type MiStudioDatabase } from '../../../src/store/db';

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
