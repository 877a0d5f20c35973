import { useNavigate } from '@solidjs/router';
import { createSignal, For, onMount, Show } from 'solid-js';
import type { ParquetSniff } from '../../data/importers';
import { importHubDataset } from '../../services/datasets/datasets';
import { hubEndpoint, inspectHubSplit, lookupHubDataset, setHubEndpoint, type HubLookup } from '../../services/datasets/hub';
import { ErrorNotice, shownError, type ShownError } from './ErrorNotice';

/** A Hub dataset: look it up, pick subset, split and text column (from the parquet schema), import. */
export function HubImport() {
  const navigate = useNavigate();
  const [repo, setRepo] = createSignal('');
  const [endpoint, setEndpoint] = createSignal('');
  const [token, setToken] = createSignal('');
  const [lookup, setLookup] = createSignal<HubLookup | null>(null);
  const [subset, setSubset] = createSignal('');
  const [split, setSplit] = createSignal('');
  const [schema, setSchema] = createSignal<ParquetSniff | null>(null);
  const [column, setColumn] = createSignal('');
  const [limit, setLimit] = createSignal('');
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<ShownError | null>(null);

  onMount(() => {
    void hubEndpoint().then(setEndpoint);
  });

  const access = () => ({ endpoint: endpoint(), ...(token().trim() ? { token: token().trim() } : {}) });
  const files = (): string[] => lookup()?.subsets.find((s) => s.name === subset())?.splits.find((s) => s.name === split())?.files ?? [];

  const inspect = async () => {
    setSchema(null);
    setColumn('');
    const shards = files();
    if (shards.length === 0) return;
    setBusy('Reading the columns of the split…');
    try {
      const sniff = await inspectHubSplit(shards, access());
      setSchema(sniff);
      setColumn(sniff.suggested ?? sniff.columns.find((c) => c.isText)?.name ?? '');
    } catch (err) {
      setError(shownError(err));
    } finally {
      setBusy(null);
    }
  };

  const pickSplit = async (subsetName: string, splitName?: string) => {
    setSubset(subsetName);
    const splits = lookup()?.subsets.find((s) => s.name === subsetName)?.splits ?? [];
    setSplit(splitName ?? splits.find((s) => s.name === 'train')?.name ?? splits[0]?.name ?? '');
    await inspect();
  };

  const find = async () => {
    setError(null);
    setLookup(null);
    setSchema(null);
    setBusy('Looking the dataset up…');
    try {
      const endpointValue = await setHubEndpoint(endpoint());
      setEndpoint(endpointValue);
      const found = await lookupHubDataset(repo(), access());
      setLookup(found);
      setName('');
      setBusy(null);
      const first = found.subsets.find((s) => s.name === 'default') ?? found.subsets[0]!;
      await pickSplit(first.name);
    } catch (err) {
      setError(shownError(err));
    } finally {
      setBusy(null);
    }
  };

  const start = async () => {
    const found = lookup();
    if (!found) return;
    const text = limit().trim();
    const n = text === '' ? undefined : Number(text);
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
      setError({ message: 'The row limit must be a whole number of at least 1.', action: 'Enter a positive number, or leave it empty to import every row.' });
      return;
    }
    setError(null);
    try {
      const { dataset } = await importHubDataset({
        repo: found.repo,
        config: subset(),
        split: split(),
        column: column(),
        endpoint: endpoint(),
        ...(n === undefined ? {} : { limit: n }),
        ...(token().trim() ? { token: token().trim() } : {}),
        ...(name().trim() ? { name: name().trim() } : {}),
      });
      navigate(`/datasets/${dataset.id}`);
    } catch (err) {
      setError(shownError(err));
    }
  };

  return (
    <div data-testid="hub-import">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <label class="field" style={{ flex: 1 }}>
          <span>Dataset on the Hugging Face Hub</span>
          <input value={repo()} onInput={(e) => setRepo(e.currentTarget.value)} placeholder="owner/name, e.g. roneneldan/TinyStories" data-testid="hub-repo" />
        </label>
        <button type="submit" disabled={busy() !== null || repo().trim() === ''} style={{ 'align-self': 'flex-end' }} data-testid="hub-lookup">
          Look up
        </button>
      </form>
      <details class="advanced" style={{ 'margin-top': '8px' }}>
        <summary>Hub address and access token</summary>
        <div class="form-grid">
          <label class="field">
            <span>Hub address</span>
            <input value={endpoint()} onInput={(e) => setEndpoint(e.currentTarget.value)} data-testid="hub-endpoint" />
          </label>
          <label class="field">
            <span>Access token (private or gated datasets)</span>
            <input type="password" value={token()} onInput={(e) => setToken(e.currentTarget.value)} autocomplete="off" />
          </label>
        </div>
      </details>
      <Show when={busy()}>
        <p class="muted small">{busy()}</p>
      </Show>
      <ErrorNotice error={error()} testId="hub-error" />

      <Show when={lookup()}>
        {(found) => (
          <div class="form-grid" data-testid="hub-options">
            <label class="field">
              <span>Subset</span>
              <select value={subset()} onChange={(e) => void pickSplit(e.currentTarget.value)} data-testid="hub-subset">
                <For each={found().subsets}>{(s) => <option value={s.name}>{s.name}</option>}</For>
              </select>
            </label>
            <label class="field">
              <span>Split</span>
              <select value={split()} onChange={(e) => void pickSplit(subset(), e.currentTarget.value)} data-testid="hub-split">
                <For each={found().subsets.find((s) => s.name === subset())?.splits ?? []}>
                  {(s) => (
                    <option value={s.name}>
                      {s.name} ({s.files.length} file{s.files.length === 1 ? '' : 's'})
                    </option>
                  )}
                </For>
              </select>
            </label>
            <Show when={schema()}>
              {(s) => (
                <>
                  <label class="field">
                    <span>Text column</span>
                    <select value={column()} onChange={(e) => setColumn(e.currentTarget.value)} data-testid="hub-column">
                      <For each={s().columns}>
                        {(c) => (
                          <option value={c.name} disabled={!c.isText}>
                            {c.name} — {c.type}
                          </option>
                        )}
                      </For>
                    </select>
                  </label>
                  <label class="field">
                    <span>Row limit (empty: all)</span>
                    <input inputmode="numeric" value={limit()} onInput={(e) => setLimit(e.currentTarget.value)} placeholder="all rows" data-testid="hub-limit" />
                  </label>
                  <label class="field">
                    <span>Name</span>
                    <input value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder={`${found().repo} · ${split()}`} />
                  </label>
                </>
              )}
            </Show>
          </div>
        )}
      </Show>
      <Show when={schema()}>
        {(s) => (
          <>
            <Show when={s().fields.find((f) => f.name === column())?.sample}>
              {(sample) => (
                <pre class="sniff-lines small" data-testid="hub-sample">
                  {sample()}
                </pre>
              )}
            </Show>
            <p class="muted small">
              The first file has {s().rows.toLocaleString('en')} rows; {files().length} file{files().length === 1 ? '' : 's'} in this split. Only the text column is
              downloaded, in ranges.
            </p>
            <button class="primary" disabled={column() === '' || busy() !== null} onClick={() => void start()} data-testid="hub-start">
              Import
            </button>
          </>
        )}
      </Show>
    </div>
  );
}
