// The shared shape of a repository for rows with a random id and created/updated times: create, get,
// update (patch), delete, list. Entity modules in repos/ build on this instead of repeating it.
import type { Table } from 'dexie';
import { assertTransition, type StatusMachine } from '../domain/status';
import { monotonicNow } from './clock';
import { db, type MiStudioDatabase } from './db';
import { RecordNotFoundError } from './errors';
import { queryTable, type ListOptions, type ListQuery, type ListResult } from './query';

export interface TimestampedRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
}

export type NewRecord<T extends TimestampedRecord> = Omit<T, 'id' | 'createdAt' | 'updatedAt'>;
export type RecordPatch<T extends TimestampedRecord> = Partial<Omit<T, 'id' | 'createdAt' | 'updatedAt'>>;

export interface Repository<T extends TimestampedRecord> {
  /** the entity's name in messages ("model", "training", ...) */
  readonly entity: string;
  create(input: NewRecord<T>): Promise<T>;
  get(id: string): Promise<T | undefined>;
  /** like get, but a missing row is a RecordNotFoundError */
  require(id: string): Promise<T>;
  update(id: string, patch: RecordPatch<T>): Promise<T>;
  delete(id: string): Promise<void>;
  list(query: ListQuery<T>): Promise<ListResult<T>>;
  all(): Promise<T[]>;
}

export function timestampedRepository<T extends TimestampedRecord>(
  entity: string,
  table: (d: MiStudioDatabase) => Table<T, string>,
  listOptions: ListOptions<T>,
): Repository<T> {
  return {
    entity,
    async create(input) {
      const now = monotonicNow();
      const row = { ...input, id: crypto.randomUUID(), createdAt: now, updatedAt: now } as T;
      await table(db()).add(row);
      return row;
    },
    get: (id) => table(db()).get(id),
    async require(id) {
      const row = await table(db()).get(id);
      if (!row) throw new RecordNotFoundError(entity, id);
      return row;
    },
    update: (id, patch) => patchRecord(table(db()), entity, id, () => patch),
    async delete(id) {
      await table(db()).delete(id);
    },
    list: (query) => queryTable(table(db()), query, listOptions),
    all: () => table(db()).toArray(),
  };
}

/**
 * Reads a row, merges the patch computed from it and writes it back with a fresh updatedAt, in one
 * transaction. The id and createdAt of a row never change.
 */
export async function patchRecord<T extends TimestampedRecord>(
  t: Table<T, string>,
  entity: string,
  id: string,
  patchFor: (current: T) => RecordPatch<T>,
): Promise<T> {
  return t.db.transaction('rw', t, async () => {
    const current = await t.get(id);
    if (!current) throw new RecordNotFoundError(entity, id);
    const next: T = { ...current, ...patchFor(current), id: current.id, createdAt: current.createdAt, updatedAt: monotonicNow() };
    await t.put(next);
    return next;
  });
}

/** Moves a row's `status` along a status machine (IllegalTransitionError otherwise), with an optional patch. */
export function transitionRecord<S extends string, T extends TimestampedRecord & { status: S }>(
  t: Table<T, string>,
  entity: string,
  machine: StatusMachine<S>,
  id: string,
  to: S,
  patch: RecordPatch<T> = {},
): Promise<T> {
  return patchRecord(t, entity, id, (current) => {
    assertTransition(machine, current.status, to);
    return { ...patch, status: to } as RecordPatch<T>;
  });
}
