import { A } from '@solidjs/router';
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { formatBytes } from '../../components/format';
import { createLiveQuery } from '../../components/liveQuery';
import { JobTable } from '../../components/JobTable';
import type { DatasetRecord, ModelRecord, TokenizationSettings } from '../../domain/entities';
import { displayStatusClass } from '../../services/datasets/status';
import {
  deleteTokenization,
  previewWindow,
  retryTokenization,
  startTokenization,
  tokenizationRows,
  tokenizerModels,
  type TokenizationRow,
  type WindowPreview,
} from '../../services/tokenization/tokenizations';
import { ErrorNotice, shownError, type ShownError } from './ErrorNotice';
import { Histogram } from './Histogram';

/** The dataset's tokenizations (one per model and context length) and the form that starts one. */
export function Tokenizations(props: { dataset: DatasetRecord }) {
  const rows = createLiveQuery<TokenizationRow[]>(() => tokenizationRows(props.dataset.id), []);
  const models = createLiveQuery<ModelRecord[] | null>(() => tokenizerModels(), null);
  return (
    <section class="card" data-testid="tokenizations">
      <h2>Tokenizations</h2>
      <p class="muted small">
        A tokenization cuts the documents into windows of a fixed number of tokens with a model's tokenizer and stores them, so training and
        feature analysis read them back without tokenizing again. Each dataset can be tokenized once per model and context length.
      </p>
      <Show when={models()}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <p class="notice warn" data-testid="no-models">
                No model with a tokenizer yet. <A href="/models">Import a model</A> (its tokenizer.json at least) to tokenize this dataset.
              </p>
            }
          >
            <TokenizeForm dataset={props.dataset} models={list()} />
          </Show>
        )}
      </Show>
      <For each={rows()}>{(row) => <TokenizationCard row={row} />}</For>
    </section>
  );
}

function TokenizeForm(props: { dataset: DatasetRecord; models: ModelRecord[] }) {
  const [modelId, setModelId] = createSignal(props.models[0]?.id ?? '');
  const model = () => props.models.find((m) => m.id === modelId());
  const defaultContext = () => Math.min(128, model()?.info?.contextLength ?? 128);
  const [context, setContext] = createSignal(String(defaultContext()));
  const [mode, setMode] = createSignal<'pack' | 'truncate'>('pack');
  const [bos, setBos] = createSignal<TokenizationSettings['bos']>('window');
  const [eos, setEos] = createSignal(true);
  const [stride, setStride] = createSignal('');
  const [overflow, setOverflow] = createSignal(false);
  const [error, setError] = createSignal<ShownError | null>(null);
  const [busy, setBusy] = createSignal(false);

  createEffect(on(modelId, () => setContext(String(defaultContext())), { defer: true }));

  const start = async () => {
    setError(null);
    const contextLength = Number(context());
    const strideText = stride().trim();
    const settings: TokenizationSettings = { mode: mode(), bos: bos(), appendEos: eos() };
    if (strideText !== '') settings.stride = Number(strideText);
    if (mode() === 'truncate' && overflow()) settings.overflow = true;
    setBusy(true);
    try {
      await startTokenization({ datasetId: props.dataset.id, modelId: modelId(), contextLength, settings });
    } catch (err) {
      setError(shownError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="tokenize-form">
      <div class="form-grid">
        <label class="field">
          <span>Model (tokenizer)</span>
          <select value={modelId()} onChange={(e) => setModelId(e.currentTarget.value)} data-testid="tokenize-model">
            <For each={props.models}>{(m) => <option value={m.id}>{m.name}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>Context length (tokens per window)</span>
          <input inputmode="numeric" value={context()} onInput={(e) => setContext(e.currentTarget.value)} data-testid="tokenize-context" />
        </label>
        <label class="field">
          <span>Beginning-of-sequence token</span>
          <select value={bos()} onChange={(e) => setBos(e.currentTarget.value as TokenizationSettings['bos'])} data-testid="tokenize-bos">
            <option value="window">first in every window</option>
            <option value="document">before every document</option>
            <option value="none">none</option>
          </select>
        </label>
        <fieldset class="choice">
          <legend>Documents</legend>
          <label>
            <input
              type="radio"
              name={`mode-${props.dataset.id}`}
              checked={mode() === 'pack'}
              onChange={() => {
                setMode('pack');
                setEos(true);
              }}
            />{' '}
            packed: run on, separated by end-of-sequence
          </label>
          <label>
            <input
              type="radio"
              name={`mode-${props.dataset.id}`}
              checked={mode() === 'truncate'}
              onChange={() => {
                setMode('truncate');
                setEos(false);
              }}
              data-testid="tokenize-truncate"
            />{' '}
            one per window, cut and padded
          </label>
          <Show when={mode() === 'truncate'}>
            <label>
              <input type="checkbox" checked={overflow()} onChange={(e) => setOverflow(e.currentTarget.checked)} /> continue long documents into more windows
            </label>
          </Show>
          <label>
            <input type="checkbox" checked={eos()} onChange={(e) => setEos(e.currentTarget.checked)} /> end-of-sequence after each document
          </label>
        </fieldset>
        <label class="field">
          <span>Stride (empty: windows do not overlap)</span>
          <input inputmode="numeric" value={stride()} onInput={(e) => setStride(e.currentTarget.value)} placeholder="no overlap" data-testid="tokenize-stride" />
        </label>
      </div>
      <ErrorNotice error={error()} testId="tokenize-error" />
      <button class="primary" disabled={busy() || modelId() === ''} onClick={() => void start()} data-testid="tokenize-start">
        Tokenize
      </button>
    </div>
  );
}

function TokenizationCard(props: { row: TokenizationRow }) {
  const t = () => props.row.tokenization;
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<ShownError | null>(null);
  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(shownError(err));
    }
  };
  const status = () => props.row.status;
  return (
    <article class="card" style={{ background: 'var(--bg)' }} data-testid="tokenization" data-tokenization-id={t().id} data-status={status()}>
      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <h3 style={{ margin: 0 }}>
          {props.row.modelName} · {t().contextLength} tokens
        </h3>
        <div class="row">
          <span class={displayStatusClass(status())} data-testid="tokenization-status">
            {status() === 'running' ? 'tokenizing' : status()}
          </span>
          <Show when={status() === 'failed' || status() === 'cancelled'}>
            <button class="small" onClick={() => void act(() => retryTokenization(t().id))}>
              Start again
            </button>
          </Show>
          <Show
            when={confirming()}
            fallback={
              <button class="small" onClick={() => setConfirming(true)} data-testid="tokenization-delete">
                Delete
              </button>
            }
          >
            <span class="small">Delete its stored windows?</span>
            <button class="small" onClick={() => void act(() => deleteTokenization(t().id))} data-testid="tokenization-delete-confirm">
              Delete
            </button>
            <button class="small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </Show>
        </div>
      </div>
      <p class="muted small">{settingsLabel(t().settings)}</p>
      <ErrorNotice error={error()} />
      <Show when={t().error && status() !== 'ready'}>
        <ErrorNotice error={{ message: t().error!, ...(t().errorAction ? { action: t().errorAction! } : {}) }} testId="tokenization-error" />
      </Show>
      <Show when={status() !== 'ready' && props.row.jobs.length > 0}>
        <JobTable jobs={props.row.jobs.slice(0, 1)} />
      </Show>
      <Show when={status() === 'ready' && t().stats}>{(stats) => <TokenizationStats row={props.row} stats={stats()} />}</Show>
    </article>
  );
}

function settingsLabel(settings: TokenizationSettings | undefined): string {
  if (!settings) return '';
  const bos = { window: 'BOS first in every window', document: 'BOS before every document', none: 'no BOS' }[settings.bos];
  const mode = settings.mode === 'pack' ? 'documents packed' : 'one document per window';
  const eos = settings.appendEos ? 'EOS after each document' : 'no EOS';
  const stride = settings.stride === undefined ? 'no overlap' : `stride ${settings.stride}`;
  const overflow = settings.overflow ? ' · long documents continue' : '';
  return `${mode}${overflow} · ${bos} · ${eos} · ${stride}`;
}

function TokenizationStats(props: { row: TokenizationRow; stats: NonNullable<TokenizationRow['tokenization']['stats']> }) {
  const t = () => props.row.tokenization;
  const n = (x: number) => Math.round(x).toLocaleString('en');
  return (
    <div data-testid="tokenization-stats">
      <div class="grid-2">
        <dl class="facts">
          <dt>Windows</dt>
          <dd data-testid="stat-windows">{n(t().windows)}</dd>
          <dt>Tokens stored</dt>
          <dd data-testid="stat-tokens">{n(t().tokens)}</dd>
          <dt>Document tokens</dt>
          <dd data-testid="stat-document-tokens">{n(props.stats.documentTokens)}</dd>
          <dt>Unique tokens</dt>
          <dd data-testid="stat-unique">{n(props.stats.uniqueTokens)}</dd>
          <dt>Tokens per document</dt>
          <dd>
            {n(props.stats.minDocTokens)} – {n(props.stats.maxDocTokens)} (mean {props.stats.meanDocTokens.toFixed(1)})
          </dd>
          <dt>Inserted BOS/EOS</dt>
          <dd>{n(props.stats.specialTokens)}</dd>
          <dt>Padding</dt>
          <dd>{n(props.stats.paddingTokens)}</dd>
          <dt>Left out</dt>
          <dd>{n(props.stats.droppedTokens)} tokens (cut or in the last partial window)</dd>
          <dt>Stored</dt>
          <dd>
            {formatBytes(t().bytes ?? 0)} as {t().dtype} in {(t().parts ?? []).length} part{(t().parts ?? []).length === 1 ? '' : 's'}
          </dd>
        </dl>
        <div>
          <h3>Tokens per document</h3>
          <Histogram data={props.stats.tokensPerDocument} unit="tokens per document" testId="tokens-histogram" />
        </div>
      </div>
      <details style={{ 'margin-top': '12px' }} open>
        <summary class="small">Most frequent tokens</summary>
        <table class="data kv-table" data-testid="top-tokens">
          <thead>
            <tr>
              <th>Token</th>
              <th>Id</th>
              <th>Count</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.stats.topTokens.slice(0, 12)}>
              {(tok) => (
                <tr>
                  <td class="mono">{JSON.stringify(tok.text)}</td>
                  <td class="mono">{tok.id}</td>
                  <td>{n(tok.count)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </details>
      <WindowPreviewPanel row={props.row} />
    </div>
  );
}

function WindowPreviewPanel(props: { row: TokenizationRow }) {
  const [index, setIndex] = createSignal(0);
  const [preview, setPreview] = createSignal<WindowPreview | null>(null);
  const [error, setError] = createSignal<ShownError | null>(null);
  createEffect(
    on(
      () => [props.row.tokenization, index()] as const,
      ([t, i]) => {
        setError(null);
        previewWindow(t, i).then(setPreview, (err: unknown) => setError(shownError(err)));
      },
    ),
  );
  const count = () => props.row.tokenization.windows;
  return (
    <div style={{ 'margin-top': '12px' }} data-testid="window-preview">
      <div class="row">
        <h3 style={{ margin: 0 }}>Window {(index() + 1).toLocaleString('en')} of {count().toLocaleString('en')}</h3>
        <button class="small" disabled={index() === 0} onClick={() => setIndex(index() - 1)}>
          Previous
        </button>
        <button class="small" disabled={index() + 1 >= count()} onClick={() => setIndex(index() + 1)} data-testid="window-next">
          Next
        </button>
        <button class="small" onClick={() => setIndex(Math.floor(Math.random() * count()))}>
          Random
        </button>
      </div>
      <p class="muted small">Read back from storage; each box is one token, highlighted ones are BOS/EOS.</p>
      <ErrorNotice error={error()} />
      <Show when={preview()}>
        {(p) => (
          <div class="token-text" data-testid="token-text">
            <For each={p().tokens}>
              {(tok) => (
                <span class="tok" classList={{ special: tok.special }} title={`${tok.id} ${JSON.stringify(tok.token)}`} data-testid="token">
                  {tok.piece}
                </span>
              )}
            </For>
            <Show when={p().padding > 0}>
              <span class="muted small"> + {p().padding} padding</span>
            </Show>
          </div>
        )}
      </Show>
    </div>
  );
}
