// The feature browser: every latent of an SAE in one virtualised table (only the rows in view are in the
// DOM, so 32k+ rows scroll smoothly), with search over labels, notes and top tokens, sorting, range
// filters, favourites, and keyboard navigation (↑/↓, Page Up/Down, Home/End, Enter opens, F favourites).
import { useNavigate } from '@solidjs/router';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import { visibleToken } from '../../components/token-shading';
import { browseFeatures, DEFAULT_FEATURE_QUERY, parseBound, type FeatureQuery, type FeatureRow, type FeatureSortField } from '../../services/features/browse';
import { featureRows, toggleFavourite } from '../../services/features/features';
import { formatActivation, formatCount, formatDensity } from './format';
import { createLiveData } from './live';
import { featureHref } from './routes';

const ROW_HEIGHT = 36;

const SORTS: { value: FeatureSortField; label: string }[] = [
  { value: 'index', label: 'Index' },
  { value: 'label', label: 'Label' },
  { value: 'density', label: 'Density' },
  { value: 'maxActivation', label: 'Max activation' },
  { value: 'meanActivation', label: 'Mean activation' },
];

interface FilterText {
  densityMin: string;
  densityMax: string;
  maxMin: string;
  maxMax: string;
}

interface BrowserState {
  query: FeatureQuery;
  text: FilterText;
  cursor: number;
}

// the browser's state per SAE for this page session: coming back from a feature finds the list as it was
const remembered = new Map<string, BrowserState>();

export function FeatureBrowser(props: { saeId: string }) {
  const navigate = useNavigate();
  const saved = remembered.get(props.saeId);
  const rows = createLiveData(() => props.saeId, featureRows, [] as FeatureRow[]);
  const [query, setQuery] = createSignal<FeatureQuery>(saved?.query ?? DEFAULT_FEATURE_QUERY);
  const [text, setText] = createSignal<FilterText>(saved?.text ?? { densityMin: '', densityMax: '', maxMin: '', maxMax: '' });
  const [cursor, setCursor] = createSignal(saved?.cursor ?? 0);
  onCleanup(() => remembered.set(props.saeId, { query: query(), text: text(), cursor: cursor() }));

  const shown = createMemo(() => browseFeatures(rows.value(), query()));
  const badBound = (t: string) => Number.isNaN(parseBound(t) ?? 0);
  const update = (patch: Partial<FeatureQuery>) => {
    setQuery((q) => ({ ...q, ...patch }));
    setCursor(0);
    scroller?.scrollTo({ top: 0 });
  };
  const setBound = (key: keyof FilterText, value: string) => {
    const next = { ...text(), [key]: value };
    setText(next);
    const bound = (t: string) => {
      const n = parseBound(t);
      return n === undefined || Number.isNaN(n) ? undefined : n;
    };
    const range = (min: string, max: string) => ({ ...(bound(min) !== undefined ? { min: bound(min)! } : {}), ...(bound(max) !== undefined ? { max: bound(max)! } : {}) });
    update({ density: range(next.densityMin, next.densityMax), maxActivation: range(next.maxMin, next.maxMax) });
  };

  let scroller: HTMLDivElement | undefined;
  const virtualizer = createVirtualizer({
    get count() {
      return shown().length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialOffset: Math.max(0, (saved?.cursor ?? 0) * ROW_HEIGHT - 3 * ROW_HEIGHT),
  });

  const moveTo = (i: number) => {
    const n = shown().length;
    if (n === 0) return;
    const next = Math.max(0, Math.min(n - 1, i));
    setCursor(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const open = (row: FeatureRow | undefined) => {
    if (row) navigate(featureHref(props.saeId, row.index));
  };
  const favourite = (row: FeatureRow) => void toggleFavourite(props.saeId, row.index).catch((e: unknown) => console.warn('miStudio: could not change the favourite', e));
  const onKey = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(cursor() + 1),
      ArrowUp: () => moveTo(cursor() - 1),
      PageDown: () => moveTo(cursor() + page),
      PageUp: () => moveTo(cursor() - page),
      Home: () => moveTo(0),
      End: () => moveTo(shown().length - 1),
      Enter: () => open(shown()[cursor()]),
      f: () => {
        const row = shown()[cursor()];
        if (row) favourite(row);
      },
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  return (
    <section class="card feature-browser" data-testid="feature-browser">
      <div class="row toolbar feature-toolbar">
        <input
          type="search"
          placeholder="Search labels, notes, top tokens"
          aria-label="Search features"
          value={query().search}
          onInput={(e) => update({ search: e.currentTarget.value })}
          data-testid="feature-search"
        />
        <select aria-label="Sort by" value={query().sort.field} onChange={(e) => update({ sort: { field: e.currentTarget.value as FeatureSortField, dir: query().sort.dir } })} data-testid="feature-sort">
          <For each={SORTS}>{(s) => <option value={s.value}>{s.label}</option>}</For>
        </select>
        <button
          class="small"
          aria-label={query().sort.dir === 'asc' ? 'Ascending: sort descending' : 'Descending: sort ascending'}
          onClick={() => update({ sort: { field: query().sort.field, dir: query().sort.dir === 'asc' ? 'desc' : 'asc' } })}
          data-testid="feature-sort-dir"
        >
          {query().sort.dir === 'asc' ? '↑ asc' : '↓ desc'}
        </button>
        <label class="small">
          <input type="checkbox" checked={query().favouritesOnly} onChange={(e) => update({ favouritesOnly: e.currentTarget.checked })} data-testid="favourites-only" /> ★ only
        </label>
        <label class="small">
          <input type="checkbox" checked={query().hideDead} onChange={(e) => update({ hideDead: e.currentTarget.checked })} /> hide dead
        </label>
        <label class="small">
          <input type="checkbox" checked={query().hideDense} onChange={(e) => update({ hideDense: e.currentTarget.checked })} /> hide dense
        </label>
      </div>
      <div class="row toolbar feature-toolbar small">
        <span>Density</span>
        <input class="bound" aria-label="Density at least" placeholder="min, e.g. 0.1%" value={text().densityMin} aria-invalid={badBound(text().densityMin) ? 'true' : undefined} onInput={(e) => setBound('densityMin', e.currentTarget.value)} />
        <input class="bound" aria-label="Density at most" placeholder="max" value={text().densityMax} aria-invalid={badBound(text().densityMax) ? 'true' : undefined} onInput={(e) => setBound('densityMax', e.currentTarget.value)} />
        <span>Max activation</span>
        <input class="bound" aria-label="Max activation at least" placeholder="min" value={text().maxMin} aria-invalid={badBound(text().maxMin) ? 'true' : undefined} onInput={(e) => setBound('maxMin', e.currentTarget.value)} />
        <input class="bound" aria-label="Max activation at most" placeholder="max" value={text().maxMax} aria-invalid={badBound(text().maxMax) ? 'true' : undefined} onInput={(e) => setBound('maxMax', e.currentTarget.value)} />
        <span class="muted" data-testid="feature-count">
          {formatCount(shown().length)} of {formatCount(rows.value().length)} features
        </span>
      </div>
      <div class="feature-grid-head" role="row">
        <span role="columnheader">#</span>
        <span role="columnheader">
          <span class="visually-hidden">Favourite</span>
        </span>
        <span role="columnheader">Label</span>
        <span role="columnheader" class="num">
          Density
        </span>
        <span role="columnheader" class="num">
          Max act.
        </span>
        <span role="columnheader">Top tokens</span>
      </div>
      <Show when={shown().length === 0}>
        <p class="muted" data-testid="no-features">
          {!rows.loaded() ? 'Loading features…' : rows.value().length === 0 ? 'No features yet: run an extraction above.' : 'No feature matches.'}
        </p>
      </Show>
      <div
        ref={scroller}
        class="feature-scroller"
        classList={{ empty: shown().length === 0 }}
        tabindex="0"
        role="grid"
        aria-label="Features"
        aria-rowcount={shown().length}
        aria-activedescendant={`feature-row-${shown()[cursor()]?.index ?? ''}`}
        onKeyDown={onKey}
        data-testid="feature-table"
      >
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          <For each={virtualizer.getVirtualItems()}>
            {(item) => {
              const row = () => shown()[item.index];
              return (
                <Show when={row()}>
                  {(r) => (
                    <div
                      id={`feature-row-${r().index}`}
                      class="feature-row"
                      classList={{ selected: item.index === cursor(), dead: r().dead === 1 }}
                      role="row"
                      aria-rowindex={item.index + 1}
                      aria-selected={item.index === cursor()}
                      data-testid="feature-row"
                      data-index={r().index}
                      style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
                      onClick={() => {
                        setCursor(item.index);
                        open(r());
                      }}
                    >
                      <span role="gridcell" class="mono">
                        {r().index}
                      </span>
                      <span role="gridcell">
                        <button
                          class="star"
                          classList={{ on: r().favourite === 1 }}
                          aria-label={r().favourite ? `Unfavourite feature ${r().index}` : `Favourite feature ${r().index}`}
                          aria-pressed={r().favourite === 1}
                          tabindex="-1"
                          onClick={(e) => {
                            e.stopPropagation();
                            favourite(r());
                          }}
                          data-testid="feature-favourite"
                        >
                          {r().favourite ? '★' : '☆'}
                        </button>
                      </span>
                      <span role="gridcell" class="label" title={r().label}>
                        {r().label || (r().dead ? <span class="muted">dead</span> : '')}
                        <Show when={r().dense === 1}>
                          <span class="flag">dense</span>
                        </Show>
                      </span>
                      <span role="gridcell" class="num mono">
                        {formatDensity(r().density)}
                      </span>
                      <span role="gridcell" class="num mono">
                        {formatActivation(r().maxActivation)}
                      </span>
                      <span role="gridcell" class="tokens">
                        <For each={r().topTokens ?? []}>{(t) => <span class="token-chip">{visibleToken(t)}</span>}</For>
                      </span>
                    </div>
                  )}
                </Show>
              );
            }}
          </For>
        </div>
      </div>
      <p class="muted small">↑/↓ to move, Enter to open, F to favourite.</p>
    </section>
  );
}
