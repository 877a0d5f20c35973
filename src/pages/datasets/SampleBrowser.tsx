import { createEffect, createSignal, For, on, Show } from 'solid-js';
import type { DatasetRecord } from '../../domain/entities';
import type { StoredDocument } from '../../services/datasets/document-parts';
import { readDocumentPage, searchDocuments, type SearchResult } from '../../services/datasets/datasets';
import { ErrorNotice, shownError, type ShownError } from './ErrorNotice';

const PAGE_SIZE = 10;
const SHOWN_CHARS = 600;

/** Pages through the stored documents (a few range reads each), or searches them part by part. */
export function SampleBrowser(props: { dataset: DatasetRecord }) {
  const [page, setPage] = createSignal(0);
  const [docs, setDocs] = createSignal<StoredDocument[]>([]);
  const [query, setQuery] = createSignal('');
  const [search, setSearch] = createSignal<{ query: string; result: SearchResult; matches: StoredDocument[] } | null>(null);
  const [searching, setSearching] = createSignal(false);
  const [error, setError] = createSignal<ShownError | null>(null);
  const pages = () => Math.max(1, Math.ceil(props.dataset.rows / PAGE_SIZE));

  createEffect(
    on(
      () => [props.dataset.id, props.dataset.parts, page()] as const,
      ([, , p]) => {
        setError(null);
        readDocumentPage(props.dataset, p, PAGE_SIZE).then(
          (result) => setDocs(result.documents),
          (err: unknown) => setError(shownError(err)),
        );
      },
    ),
  );

  const runSearch = async (fromPart: number) => {
    const q = query().trim();
    if (q === '') {
      setSearch(null);
      return;
    }
    setSearching(true);
    setError(null);
    try {
      const result = await searchDocuments(props.dataset, q, { fromPart, maxResults: 50 });
      const previous = fromPart > 0 && search()?.query === q ? search()!.matches : [];
      setSearch({ query: q, result, matches: [...previous, ...result.matches] });
    } catch (err) {
      setError(shownError(err));
    } finally {
      setSearching(false);
    }
  };

  const originLabel = (doc: StoredDocument): string => {
    if (doc.origin === null) return '';
    const byLine = props.dataset.source.kind === 'local' && props.dataset.source.format !== 'parquet';
    return byLine ? `line ${doc.origin}` : `row ${doc.origin}`;
  };

  return (
    <section class="card" data-testid="sample-browser">
      <h2>Documents</h2>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void runSearch(0);
        }}
      >
        <input class="search-input" type="search" placeholder="Search the documents" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} aria-label="Search the documents" data-testid="doc-search" />
        <button type="submit" disabled={searching()} data-testid="doc-search-go">
          Search
        </button>
        <Show when={search()}>
          <button
            type="button"
            onClick={() => {
              setSearch(null);
              setQuery('');
            }}
          >
            Clear
          </button>
        </Show>
      </form>
      <ErrorNotice error={error()} />
      <Show
        when={search()}
        fallback={
          <>
            <DocumentList docs={docs()} originLabel={originLabel} highlight="" />
            <div class="row">
              <button disabled={page() === 0} onClick={() => setPage(page() - 1)} data-testid="doc-prev">
                Previous
              </button>
              <span class="small" data-testid="doc-page">
                Page {page() + 1} of {pages().toLocaleString('en')}
              </span>
              <button disabled={page() + 1 >= pages()} onClick={() => setPage(page() + 1)} data-testid="doc-next">
                Next
              </button>
            </div>
          </>
        }
      >
        {(s) => (
          <>
            <p class="small muted" data-testid="search-summary">
              {s().matches.length.toLocaleString('en')} document{s().matches.length === 1 ? '' : 's'} contain “{s().query}”
              {s().result.nextPart === null ? ' (all documents searched).' : ` in the first ${s().result.partsSearched} of ${s().result.partsTotal} parts.`}
            </p>
            <DocumentList docs={s().matches} originLabel={originLabel} highlight={s().query} />
            <Show when={s().result.nextPart !== null}>
              <button disabled={searching()} onClick={() => void runSearch(s().result.nextPart!)}>
                Search further
              </button>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

function Highlighted(props: { text: string; needle: string }) {
  const parts = () => {
    const needle = props.needle.toLowerCase();
    if (needle === '') return [{ text: props.text, hit: false }];
    const lower = props.text.toLowerCase();
    const out: { text: string; hit: boolean }[] = [];
    let at = 0;
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
      if (i > at) out.push({ text: props.text.slice(at, i), hit: false });
      out.push({ text: props.text.slice(i, i + needle.length), hit: true });
      at = i + needle.length;
    }
    if (at < props.text.length) out.push({ text: props.text.slice(at), hit: false });
    return out;
  };
  return <For each={parts()}>{(p) => (p.hit ? <mark>{p.text}</mark> : p.text)}</For>;
}

function DocumentList(props: { docs: StoredDocument[]; originLabel: (doc: StoredDocument) => string; highlight: string }) {
  return (
    <ol class="documents" data-testid="documents">
      <For each={props.docs}>
        {(doc) => {
          const [open, setOpen] = createSignal(false);
          const long = () => doc.text.length > SHOWN_CHARS;
          return (
            <li data-testid="document" data-index={doc.index}>
              <div class="small muted">
                #{(doc.index + 1).toLocaleString('en')}
                <br />
                {props.originLabel(doc)}
              </div>
              <div>
                <div class="doc-text">
                  <Highlighted text={long() && !open() ? `${doc.text.slice(0, SHOWN_CHARS)}…` : doc.text} needle={props.highlight} />
                </div>
                <Show when={long()}>
                  <button class="small" onClick={() => setOpen(!open())}>
                    {open() ? 'Show less' : `Show all ${doc.text.length.toLocaleString('en')} characters`}
                  </button>
                </Show>
              </div>
            </li>
          );
        }}
      </For>
    </ol>
  );
}
