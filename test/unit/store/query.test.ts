import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it } from 'vitest';
import Dexie, { type Table } from 'dexie';
import { applyQuery, compareValues, matchesSearch, queryTable, type ListQuery } from '../../../src/store/query';

interface Row {
  id: string;
  group: string;
  name: string;
  score?: number;
  tags: string[];
  flag: boolean;
}

const rows: Row[] = [
  { id: 'a', group: 'x', name: 'Alpha cat', score: 3, tags: ['furry'], flag: true },
  { id: 'b', group: 'x', name: 'beta dog', score: 1, tags: ['loud'], flag: false },
  { id: 'c', group: 'y', name: 'Gamma cat item10', score: 2, tags: [], flag: true },
  { id: 'd', group: 'y', name: 'delta item9', tags: ['furry', 'loud'], flag: false },
  { id: 'e', group: 'z', name: 'epsilon', score: 5, tags: [], flag: true },
];
const options = { searchFields: ['name', 'tags'] as const };
const q = (over: Partial<ListQuery<Row>>): ListQuery<Row> => ({ page: 0, pageSize: 100, ...over });

describe('applyQuery', () => {
  it('searches every word case-insensitively across fields', () => {
    expect(applyQuery(rows, q({ search: 'CAT' }), options).rows.map((r) => r.id)).toEqual(['a', 'c']);
    expect(applyQuery(rows, q({ search: 'loud furry' }), options).rows.map((r) => r.id)).toEqual(['d']);
    expect(applyQuery(rows, q({ search: '   ' }), options).total).toBe(5);
  });

  it('filters by value or any of several values', () => {
    expect(applyQuery(rows, q({ filters: { group: 'x' } }), options).rows.map((r) => r.id)).toEqual(['a', 'b']);
    expect(applyQuery(rows, q({ filters: { group: ['x', 'z'], flag: true } }), options).rows.map((r) => r.id)).toEqual(['a', 'e']);
    expect(applyQuery(rows, q({ filters: { group: undefined } }), options).total).toBe(5);
  });

  it('sorts numbers, natural strings, missing values last', () => {
    expect(applyQuery(rows, q({ sort: { field: 'score', dir: 'asc' } }), options).rows.map((r) => r.id)).toEqual(['b', 'c', 'a', 'e', 'd']);
    expect(applyQuery(rows, q({ sort: { field: 'score', dir: 'desc' } }), options).rows.map((r) => r.id)).toEqual(['e', 'a', 'c', 'b', 'd']);
    expect(applyQuery(rows, q({ sort: { field: 'name', dir: 'asc' } }), options).rows.map((r) => r.id)).toEqual(['a', 'b', 'd', 'e', 'c']);
    expect(compareValues('item9', 'item10', 'asc')).toBeLessThan(0);
  });

  it('pages and reports the total before paging', () => {
    const page1 = applyQuery(rows, q({ sort: { field: 'id', dir: 'asc' }, page: 1, pageSize: 2 }), options);
    expect(page1).toEqual({ rows: [rows[2], rows[3]], total: 5 });
    expect(applyQuery(rows, q({ page: 9, pageSize: 2 }), options)).toEqual({ rows: [], total: 5 });
    expect(applyQuery(rows, q({ page: -1, pageSize: 0 }), options).rows).toHaveLength(1);
  });

  it('ignores fields that are missing', () => {
    expect(matchesSearch({ name: undefined }, 'x', ['name'])).toBe(false);
  });
});

class QueryDb extends Dexie {
  declare rows: Table<Row, string>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ rows: 'id, group, score, [group+score]' });
  }
}

describe('queryTable', () => {
  // Every query is checked against applyQuery on the plain array: index paths must not change results.
  const queries: ListQuery<Row>[] = [
    q({}),
    q({ sort: { field: 'score', dir: 'asc' }, pageSize: 2 }),
    q({ sort: { field: 'score', dir: 'desc' }, page: 1, pageSize: 2 }),
    q({ sort: { field: 'id', dir: 'desc' }, page: 1, pageSize: 2 }),
    q({ filters: { group: 'x' }, sort: { field: 'score', dir: 'desc' } }),
    q({ filters: { group: 'y' }, sort: { field: 'score', dir: 'asc' } }), // 'd' has no score: not in the index
    q({ filters: { group: ['x', 'y'], flag: false }, sort: { field: 'name', dir: 'asc' } }),
    q({ filters: { flag: true }, search: 'cat', sort: { field: 'score', dir: 'asc' } }),
    q({ search: 'item', pageSize: 1, page: 1, sort: { field: 'name', dir: 'asc' } }),
  ];

  it.each(queries.map((query, i) => [i, query] as const))('query %i matches the in-memory answer', async (_i, query) => {
    const d = new QueryDb(`query-${crypto.randomUUID()}`);
    await d.rows.bulkAdd(rows);
    expect(await queryTable(d.rows, query, options)).toEqual(applyQuery(rows, query, options));
    await d.delete();
  });
});
