// The use-cases shared by every kind of template: list (search, filters, sort, paging), create, edit,
// duplicate, delete, favourite, export and import, plus seeding the built-ins. Each kind gets one instance
// (training.ts, extraction.ts). Rules that need no database live in domain/templates.
import type { Table } from 'dexie';
import {
  buildTemplateDocument,
  nameKey,
  NAME_MAX_LENGTH,
  nextFreeName,
  parseTemplateDocument,
  planImport,
  templateDocumentFilename,
  templateDocumentText,
  templateFields,
  TemplateValidationError,
  BUILT_IN_TIMESTAMP,
  type BuiltInTemplate,
  type DuplicatePolicy,
  type ImportEntry,
  type ImportReport,
  type StoredTemplateBase,
  type TemplateKind,
} from '../../domain/templates';
import { monotonicNow } from '../../store/clock';
import { db, type MiStudioDatabase } from '../../store/db';
import { RecordNotFoundError } from '../../store/errors';
import { applyQuery, type ListQuery, type ListResult } from '../../store/query';
import { BuiltInTemplateError, NothingToExportError } from './errors';

export type StoredTemplate<F> = F & StoredTemplateBase;

export interface TemplateExport {
  /** the JSON document */
  text: string;
  filename: string;
  count: number;
}

export interface TemplateServiceOptions<F extends { name: string }, R> {
  kind: TemplateKind<F>;
  table: (d: MiStudioDatabase) => Table<StoredTemplate<F>, string>;
  builtIns: readonly BuiltInTemplate<F>[];
  /** a list row: the template plus columns derived from it (e.g. a training template's architecture) */
  toRow: (template: StoredTemplate<F>) => R;
  searchFields: readonly (keyof R & string)[];
}

export interface TemplateService<F extends { name: string }, R> {
  readonly kind: TemplateKind<F>;
  /** Reads only, so it can run inside a liveQuery. Templates are few: rows are filtered in memory. */
  list(query: ListQuery<R>): Promise<ListResult<R>>;
  get(id: string): Promise<StoredTemplate<F> | undefined>;
  /** like get, but a missing template is a RecordNotFoundError */
  require(id: string): Promise<StoredTemplate<F>>;
  /** Validates unknown input (a form's values); TemplateValidationError names the wrong fields. */
  create(input: unknown): Promise<StoredTemplate<F>>;
  /** Replaces a user template's fields; built-ins refuse (BuiltInTemplateError). */
  update(id: string, input: unknown): Promise<StoredTemplate<F>>;
  /** A user copy named "Name (2)" (or the next free number); works for built-ins too. */
  duplicate(id: string): Promise<StoredTemplate<F>>;
  /** Built-ins refuse (BuiltInTemplateError). */
  remove(id: string): Promise<void>;
  setFavourite(id: string, favourite: boolean): Promise<StoredTemplate<F>>;
  toggleFavourite(id: string): Promise<StoredTemplate<F>>;
  /** The export file of the given templates (all when ids is undefined), in name order. */
  exportTemplates(ids?: readonly string[], now?: Date): Promise<TemplateExport>;
  /** Imports a file all-or-nothing in one transaction; a file with any error imports nothing. */
  importTemplates(text: string, policy: DuplicatePolicy): Promise<ImportReport>;
  /** Writes missing or outdated built-ins (keeping the user's favourite) and removes retired ones. */
  seedBuiltIns(): Promise<void>;
}

export function templateService<F extends { name: string }, R>(opts: TemplateServiceOptions<F, R>): TemplateService<F, R> {
  const { kind } = opts;
  const table = () => opts.table(db());
  const builtInIds = new Set(opts.builtIns.map((b) => b.id));

  const validated = (input: unknown): F => {
    const result = kind.validate(input);
    if (!result.ok) throw new TemplateValidationError(result.problems);
    return result.value;
  };

  /** Inside a transaction: the name must not belong to another template of this kind. */
  const assertNameFree = async (name: string, exceptId?: string) => {
    const key = nameKey(name);
    const clash = await table()
      .filter((t) => t.id !== exceptId && nameKey(t.name) === key)
      .first();
    if (clash) throw new TemplateValidationError([{ field: 'name', message: `another ${kind.noun} is already called “${clash.name}”; choose another name` }]);
  };

  const requireIn = async (t: Table<StoredTemplate<F>, string>, id: string) => {
    const row = await t.get(id);
    if (!row) throw new RecordNotFoundError(kind.noun, id);
    return row;
  };

  const newRow = (fields: F, favourite: 0 | 1): StoredTemplate<F> => {
    const now = monotonicNow();
    return { ...fields, id: crypto.randomUUID(), builtIn: false, favourite, createdAt: now, updatedAt: now };
  };

  /** The stored row with new fields: optional fields the new version lacks are dropped, not kept. */
  const replaced = (current: StoredTemplate<F>, fields: F, favourite: 0 | 1 = current.favourite): StoredTemplate<F> => ({
    ...fields,
    id: current.id,
    builtIn: false,
    favourite,
    createdAt: current.createdAt,
    updatedAt: monotonicNow(),
  });

  const setFavouriteWith = (id: string, next: (current: 0 | 1) => 0 | 1) => {
    const t = table();
    return t.db.transaction('rw', t, async () => {
      const current = await requireIn(t, id);
      const row = { ...current, favourite: next(current.favourite), updatedAt: monotonicNow() };
      await t.put(row);
      return row;
    });
  };

  return {
    kind,

    async list(query) {
      const rows = (await table().toArray()).map(opts.toRow);
      return applyQuery(rows, query, { searchFields: opts.searchFields });
    },

    get: (id) => table().get(id),

    require: (id) => requireIn(table(), id),

    async create(input) {
      const fields = validated(input);
      const t = table();
      return t.db.transaction('rw', t, async () => {
        await assertNameFree(fields.name);
        const row = newRow(fields, 0);
        await t.add(row);
        return row;
      });
    },

    async update(id, input) {
      const fields = validated(input);
      const t = table();
      return t.db.transaction('rw', t, async () => {
        const current = await requireIn(t, id);
        if (current.builtIn) throw new BuiltInTemplateError(current.name, 'edited');
        await assertNameFree(fields.name, id);
        const row = replaced(current, fields);
        await t.put(row);
        return row;
      });
    },

    async duplicate(id) {
      const t = table();
      return t.db.transaction('rw', t, async () => {
        const source = await requireIn(t, id);
        const taken = new Set((await t.toArray()).map((r) => nameKey(r.name)));
        const fields: F = { ...templateFields(kind, source), name: nextFreeName(source.name, taken, NAME_MAX_LENGTH) };
        const row = newRow(fields, 0);
        await t.add(row);
        return row;
      });
    },

    async remove(id) {
      const t = table();
      await t.db.transaction('rw', t, async () => {
        const current = await requireIn(t, id);
        if (current.builtIn) throw new BuiltInTemplateError(current.name, 'deleted');
        await t.delete(id);
      });
    },

    setFavourite: (id, favourite) => setFavouriteWith(id, () => (favourite ? 1 : 0)),
    toggleFavourite: (id) => setFavouriteWith(id, (current) => (current === 1 ? 0 : 1)),

    async exportTemplates(ids, now = new Date()) {
      const t = table();
      const rows = ids === undefined ? await t.toArray() : await Promise.all(ids.map((id) => requireIn(t, id)));
      if (rows.length === 0) throw new NothingToExportError(kind.noun);
      rows.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }));
      const text = templateDocumentText(buildTemplateDocument(kind, rows, now));
      return { text, filename: templateDocumentFilename(kind, now), count: rows.length };
    },

    async importTemplates(text, policy) {
      // Checked in full before the transaction opens: a bad file never touches the database.
      const parsed = parseTemplateDocument(kind, text);
      if (!parsed.ok) return planImport([], parsed, policy).report;
      const t = table();
      return t.db.transaction('rw', t, async () => {
        const existing = await t.toArray();
        const plan = planImport(existing, parsed, policy);
        const byId = new Map(existing.map((r) => [r.id, r]));
        const replacements = plan.replacements.map((r) => replaced(byId.get(r.id)!, r.fields, r.favourite ?? byId.get(r.id)!.favourite));
        await t.bulkAdd(plan.adds.map((entry: ImportEntry<F>) => newRow(entry.fields, entry.favourite ?? 0)));
        await t.bulkPut(replacements);
        return plan.report;
      });
    },

    async seedBuiltIns() {
      const t = table();
      await t.db.transaction('rw', t, async () => {
        const stored = await t.where('id').anyOf([...builtInIds]).toArray();
        const byId = new Map(stored.map((r) => [r.id, r]));
        const writes = opts.builtIns.flatMap((b) => {
          const current = byId.get(b.id);
          const row: StoredTemplate<F> = {
            ...b.fields,
            id: b.id,
            builtIn: true,
            favourite: current?.favourite ?? 0,
            createdAt: BUILT_IN_TIMESTAMP,
            updatedAt: BUILT_IN_TIMESTAMP,
          };
          return current && stableJson(current) === stableJson(row) ? [] : [row];
        });
        if (writes.length > 0) await t.bulkPut(writes);
        const retired = (await t.filter((r) => r.builtIn && !builtInIds.has(r.id)).toArray()).map((r) => r.id);
        if (retired.length > 0) await t.bulkDelete(retired);
      });
    },
  };
}

/** JSON with object keys sorted, so two rows compare equal whatever order their keys were written in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
