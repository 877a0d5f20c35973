// The feature browser's query over one SAE's feature rows, in memory: rows are small (statistics, label,
// top tokens) and all of them are needed to sort and filter a 32k-row table smoothly, so the page loads an
// SAE's rows once and this narrows and orders them. Pure.
import type { FeatureRecord } from '../../domain/entities';

export type FeatureSortField = 'index' | 'label' | 'density' | 'maxActivation' | 'meanActivation';

export interface NumberRange {
  min?: number;
  max?: number;
}

export interface FeatureQuery {
  /** words that must all appear in the label, notes, category or top tokens (case-insensitive) */
  search: string;
  sort: { field: FeatureSortField; dir: 'asc' | 'desc' };
  favouritesOnly: boolean;
  /** share of tokens it fires on, 0–1 */
  density: NumberRange;
  maxActivation: NumberRange;
  hideDead: boolean;
  hideDense: boolean;
}

export const DEFAULT_FEATURE_QUERY: FeatureQuery = {
  search: '',
  sort: { field: 'index', dir: 'asc' },
  favouritesOnly: false,
  density: {},
  maxActivation: {},
  hideDead: false,
  hideDense: false,
};

export type FeatureRow = Pick<FeatureRecord, 'index' | 'label' | 'category' | 'notes' | 'favourite' | 'density' | 'maxActivation' | 'meanActivation' | 'topTokens' | 'dead' | 'dense'>;

function inRange(value: number | undefined, range: NumberRange): boolean {
  if (range.min === undefined && range.max === undefined) return true;
  if (value === undefined) return false;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

function searchText(row: FeatureRow): string {
  return [row.label, row.notes, row.category, ...(row.topTokens ?? [])].join('\n').toLowerCase();
}

/** Whether a row passes the query's filters and search. */
export function matchesFeature(row: FeatureRow, q: FeatureQuery, words = searchWords(q.search)): boolean {
  if (q.favouritesOnly && !row.favourite) return false;
  if (q.hideDead && row.dead) return false;
  if (q.hideDense && row.dense) return false;
  if (!inRange(row.density, q.density) || !inRange(row.maxActivation, q.maxActivation)) return false;
  if (words.length === 0) return true;
  const text = searchText(row);
  return words.every((w) => text.includes(w));
}

export function searchWords(search: string): string[] {
  return search.toLowerCase().split(/\s+/).filter(Boolean);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Missing values (no statistics yet, no label) go last in either direction; ties by index. */
function compare(a: FeatureRow, b: FeatureRow, field: FeatureSortField, dir: 1 | -1): number {
  if (field === 'label') {
    const ea = a.label === '';
    const eb = b.label === '';
    if (ea !== eb) return ea ? 1 : -1;
    return dir * collator.compare(a.label, b.label) || a.index - b.index;
  }
  const va = a[field];
  const vb = b[field];
  if (va === undefined || vb === undefined) return va === vb ? a.index - b.index : va === undefined ? 1 : -1;
  return dir * (va - vb) || a.index - b.index;
}

/** The rows a query shows, in order. */
export function browseFeatures<R extends FeatureRow>(rows: readonly R[], q: FeatureQuery): R[] {
  const words = searchWords(q.search);
  const out = rows.filter((r) => matchesFeature(r, q, words));
  const dir = q.sort.dir === 'asc' ? 1 : -1;
  return out.sort((a, b) => compare(a, b, q.sort.field, dir));
}

/** Reads a range bound typed in a field ('' → none); NaN for text that is not a number. */
export function parseBound(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const percent = t.endsWith('%');
  const n = Number(percent ? t.slice(0, -1) : t);
  return percent ? n / 100 : n;
}
