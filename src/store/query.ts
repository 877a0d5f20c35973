// One list query for every table: search, equality filters, sort and paging, answered with the page's
// rows and the total count. Indexes are used where they answer the query directly; the rest is filtered
// in memory by the same pure rules (applyQuery), so both paths give identical results.
import Dexie, { type Collection, type Table } from 'dexie';

export type SortDirection = 'asc' | 'desc';

/** field → required value, or a list of accepted values */
export type ListFilters<T> = { [K in keyof T]?: T[K] | readonly T[K][] };

export interface ListQuery<T> {
  /** case-insensitive; every word must appear in one of the search fields */
  search?: string;
  filters?: ListFilters<T>;
  sort?: { field: keyof T & string; dir: SortDirection };
  /** 0-based */
  page: number;
  pageSize: number;
}

export interface ListResult<T> {
  rows: T[];
  total: number;
}

export interface ListOptions<T> {
  /** fields the search text is looked for in (strings, or arrays of strings) */
  searchFields: readonly (keyof T & string)[];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Search, filter, sort and page rows in memory. */
export function applyQuery<T>(rows: readonly T[], query: ListQuery<T>, options: ListOptions<T>): ListResult<T> {
  const matching = rows.filter((row) => matchesFilters(row, query.filters) && matchesSearch(row, query.search, options.searchFields));
  if (query.sort) {
    const { field, dir } = query.sort;
    matching.sort((a, b) => compareValues(a[field], b[field], dir));
  }
  const { offset, limit } = pageWindow(query);
  return { rows: matching.slice(offset, offset + limit), total: matching.length };
}

export function matchesFilters<T>(row: T, filters: ListFilters<T> | undefined): boolean {
  for (const [field, wanted] of activeFilters(filters)) {
    const value = row[field];
    if (Array.isArray(wanted) ? !wanted.includes(value) : value !== wanted) return false;
  }
  return true;
}

export function matchesSearch<T>(row: T, search: string | undefined, fields: readonly (keyof T)[]): boolean {
  const words = (search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fields
    .flatMap((f) => {
      const v = row[f];
      return Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)];
    })
    .join('\n')
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** Numbers by value, strings in natural order; missing values last in either direction. */
export function compareValues(a: unknown, b: unknown, dir: SortDirection): number {
  const aMissing = a === undefined || a === null;
  const bMissing = b === undefined || b === null;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a - b;
  else if (typeof a === 'boolean' && typeof b === 'boolean') c = Number(a) - Number(b);
  else c = collator.compare(String(a), String(b));
  return dir === 'asc' ? c : -c;
}

function pageWindow(query: Pick<ListQuery<unknown>, 'page' | 'pageSize'>): { offset: number; limit: number } {
  const limit = Math.max(1, Math.floor(query.pageSize));
  const page = Math.max(0, Math.floor(query.page));
  return { offset: page * limit, limit };
}

function activeFilters<T>(filters: ListFilters<T> | undefined): [keyof T & string, unknown][] {
  if (!filters) return [];
  return (Object.keys(filters) as (keyof T & string)[]).flatMap((k) => (filters[k] === undefined ? [] : [[k, filters[k]] as [keyof T & string, unknown]]));
}

/** The filter's accepted values as index keys, or undefined when some value cannot be an index key. */
function indexKeys(wanted: unknown): (string | number)[] | undefined {
  const values: unknown[] = Array.isArray(wanted) ? wanted : [wanted];
  return values.every(isIndexable) ? values : undefined;
}

function isIndexable(v: unknown): v is string | number {
  return typeof v === 'string' || (typeof v === 'number' && !Number.isNaN(v));
}

/** Runs a list query against a Dexie table. */
export async function queryTable<T, K>(table: Table<T, K>, query: ListQuery<T>, options: ListOptions<T>): Promise<ListResult<T>> {
  const filters = activeFilters(query.filters);
  const indexes = new Set([table.schema.primKey.name, ...table.schema.indexes.map((i) => i.name)].filter((n) => n !== ''));
  const { offset, limit } = pageWindow(query);
  const searching = (query.search ?? '').trim() !== '';

  // Fast path: the sort (and at most one scalar filter) is answered by an index; page with offset/limit.
  // Rows lacking the sort value are missing from that index, so the counts must agree to trust it.
  if (!searching && query.sort && filters.length <= 1) {
    const sortField = query.sort.field;
    const [filter] = filters;
    let ordered: Collection<T, K> | undefined;
    let expectedTotal: Promise<number> | undefined;
    if (!filter && indexes.has(sortField)) {
      ordered = table.orderBy(sortField);
      expectedTotal = table.count();
    } else if (filter && isIndexable(filter[1]) && indexes.has(`[${filter[0]}+${sortField}]`)) {
      ordered = table.where(`[${filter[0]}+${sortField}]`).between([filter[1], Dexie.minKey], [filter[1], Dexie.maxKey]);
      expectedTotal = indexes.has(filter[0]) ? table.where(filter[0]).equals(filter[1]).count() : table.filter((r) => r[filter[0]] === filter[1]).count();
    }
    if (ordered && expectedTotal) {
      const [indexedTotal, total] = await Promise.all([ordered.clone().count(), expectedTotal]);
      if (indexedTotal === total) {
        const directed = query.sort.dir === 'desc' ? ordered.reverse() : ordered;
        return { rows: await directed.offset(offset).limit(limit).toArray(), total };
      }
    }
  }

  // General path: narrow by one indexed filter, then apply everything in memory.
  let source = table.toCollection();
  for (const [field, wanted] of filters) {
    const keys = indexKeys(wanted);
    if (indexes.has(field) && keys) {
      source = table.where(field).anyOf(keys);
      break;
    }
  }
  return applyQuery(await source.toArray(), query, options);
}
