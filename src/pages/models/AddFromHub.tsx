import { useSearchParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { formatBytes } from '../../components/format';
import type { OnnxVariant } from '../../lm/hub';
import { listHubModel, startHubDownload, suggestedVariant, type HubModelListing } from '../../services/models/hub-models';
import { ErrorNotice } from './ErrorNotice';
import { HubAddressField } from './HubAddressField';
import { shownError, type ShownError } from './shownError';

const DTYPE_LABELS: Record<string, string> = { fp32: 'fp32', fp16: 'fp16', q8: '8-bit', int8: 'int8', uint8: 'uint8', q4: '4-bit', q4f16: '4-bit (fp16)', bnb4: '4-bit (bnb)' };

/** Repo id, revision and token → the repository's ONNX variants with sizes → download the chosen one. */
export function AddFromHub() {
  const [, setSearchParams] = useSearchParams();
  const [repo, setRepo] = createSignal('');
  const [revision, setRevision] = createSignal('main');
  const [token, setToken] = createSignal('');
  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<ShownError | null>(null);
  const [listing, setListing] = createSignal<HubModelListing | null>(null);
  const [chosen, setChosen] = createSignal<string | null>(null);

  const list = async () => {
    setError(null);
    setListing(null);
    setBusy('Asking the Hub for the repository’s files…');
    try {
      const found = await listHubModel({ repo: repo(), revision: revision(), token: token() });
      setListing(found);
      setChosen(suggestedVariant(found.variants)?.path ?? null);
    } catch (err) {
      setError(shownError(err));
    } finally {
      setBusy(null);
    }
  };

  const download = async () => {
    const found = listing();
    const variant = found?.variants.find((v) => v.path === chosen());
    if (!found || !variant) return;
    setError(null);
    try {
      const { model } = await startHubDownload(found, variant, token());
      setListing(null);
      setSearchParams({ model: model.id });
    } catch (err) {
      setError(shownError(err));
    }
  };

  const companionBytes = () => (listing()?.companions ?? []).reduce((sum, c) => sum + (c.size ?? 0), 0);

  return (
    <div data-testid="hub-model">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void list();
        }}
      >
        <div class="form-grid">
          <label class="field" style={{ 'grid-column': 'span 2' }}>
            <span>Model repository</span>
            <input value={repo()} onInput={(e) => setRepo(e.currentTarget.value)} placeholder="owner/name, e.g. Xenova/gpt2 or onnx-community/…" data-testid="hub-model-repo" />
          </label>
          <label class="field">
            <span>Revision (branch, tag or commit)</span>
            <input value={revision()} onInput={(e) => setRevision(e.currentTarget.value)} data-testid="hub-model-revision" />
          </label>
          <label class="field">
            <span>Access token (gated or private models)</span>
            <input type="password" value={token()} onInput={(e) => setToken(e.currentTarget.value)} autocomplete="off" data-testid="hub-model-token" />
          </label>
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={busy() !== null || repo().trim() === ''} data-testid="hub-model-list">
            List ONNX files
          </button>
          <Show when={busy()}>
            <span class="muted small">{busy()}</span>
          </Show>
        </div>
      </form>
      <details class="advanced" style={{ 'margin-top': '10px' }}>
        <summary>Hub address</summary>
        <HubAddressField />
      </details>
      <ErrorNotice error={error()} testId="hub-model-error" />

      <Show when={listing()}>
        {(found) => (
          <div style={{ 'margin-top': '14px' }} data-testid="hub-variants">
            <p class="small">
              <strong>{found().repo}</strong> at <span class="mono">{found().sha.slice(0, 10)}</span>
              <Show when={found().gated}> · gated: access must be granted on the Hub</Show>
            </p>
            <div class="table-wrap">
              <table class="data">
                <thead>
                  <tr>
                    <th />
                    <th>ONNX file</th>
                    <th>Precision</th>
                    <th>KV cache</th>
                    <th>External data</th>
                    <th>Download size</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={found().variants}>
                    {(v: OnnxVariant) => (
                      <tr data-testid="hub-variant-row" data-path={v.path}>
                        <td>
                          <input
                            type="radio"
                            name="hub-variant"
                            checked={chosen() === v.path}
                            onChange={() => setChosen(v.path)}
                            aria-label={`Choose ${v.path}`}
                            data-testid="hub-variant-choose"
                          />
                        </td>
                        <td class="mono small">{v.path}</td>
                        <td class="small">
                          {DTYPE_LABELS[v.dtype] ?? v.dtype}
                          <Show when={v.dtypeSource === 'default'}>
                            <span class="muted"> (assumed)</span>
                          </Show>
                        </td>
                        <td class="small">{v.kvCache ? 'yes (fed empty)' : 'no'}</td>
                        <td class="small">
                          <For each={v.externalData} fallback={<span class="muted">none</span>}>
                            {(f) => (
                              <div class="mono">
                                {f.path.slice(f.path.lastIndexOf('/') + 1)} ({formatBytes(f.size)})
                              </div>
                            )}
                          </For>
                        </td>
                        <td class="small" data-testid="hub-variant-size">
                          {formatBytes(v.totalSize)}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <p class="muted small" data-testid="hub-companions">
              With{' '}
              <Show when={found().companions.length > 0} fallback="no config.json or tokenizer files (the model card and prompts need them)">
                {found()
                  .companions.map((c) => c.path)
                  .join(', ')}{' '}
                ({formatBytes(companionBytes())})
              </Show>
              .
            </p>
            <button class="primary" disabled={chosen() === null} onClick={() => void download()} data-testid="hub-model-download">
              Download
            </button>
          </div>
        )}
      </Show>
    </div>
  );
}
