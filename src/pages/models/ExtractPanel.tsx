import { A } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { createLiveQuery } from '../../components/liveQuery';
import type { DatasetRecord, ExtractionTemplate, TokenizationRecord } from '../../domain/entities';
import type { ModelAnalysis } from '../../services/models/model-analysis';
import { extractionDefaults, startExtraction } from '../../services/models/caches';
import { datasetRepo } from '../../store/repos/datasets';
import { extractionTemplateRepo } from '../../store/repos/extractionTemplates';
import { tokenizationsOf } from '../../store/repos/tokenizations';
import { ErrorNotice } from './ErrorNotice';
import { shownError, type ShownError } from './shownError';

const KINDS = ['hook_resid_pre', 'hook_attn_out', 'hook_mlp_out', 'hook_resid_post'] as const;

interface TokenizationChoice {
  tokenization: TokenizationRecord;
  dataset: DatasetRecord | undefined;
}

/** Extract activations of chosen hooks over a tokenized dataset into caches (one GPU job). */
export function ExtractPanel(props: { modelId: string; analysis: ModelAnalysis; picked: string[] }) {
  const choices = createLiveQuery<TokenizationChoice[]>(async () => {
    const list = await tokenizationsOf({ modelId: props.modelId });
    return Promise.all(list.map(async (tokenization) => ({ tokenization, dataset: await datasetRepo.get(tokenization.datasetId) })));
  }, []);
  const templates = createLiveQuery<ExtractionTemplate[]>(() => extractionTemplateRepo.all(), []);
  const ready = createMemo(() => choices().filter((c) => c.tokenization.status === 'ready'));
  const defaults = extractionDefaults(undefined);
  const [tokenizationId, setTokenizationId] = createSignal('');
  const [hooks, setHooks] = createSignal<string[]>([]);
  const [maxRows, setMaxRows] = createSignal(String(defaults.maxRows));
  const [batch, setBatch] = createSignal(String(defaults.batchWindows));
  const [dtype, setDtype] = createSignal<'f32' | 'f16'>('f32');
  const [bos, setBos] = createSignal(false);
  const [error, setError] = createSignal<ShownError | null>(null);
  const [started, setStarted] = createSignal<string | null>(null);

  const chosenTokenization = () => tokenizationId() || ready()[0]?.tokenization.id || '';
  const layers = () => (props.analysis.hooks.ok ? props.analysis.hooks.layers.map((l) => l.layer) : []);
  const toggle = (hook: string, on: boolean) => setHooks((list) => (on ? [...list, hook] : list.filter((h) => h !== hook)));
  const applyTemplate = (id: string) => {
    const template = templates().find((t) => t.id === id);
    if (!template) return;
    const d = extractionDefaults(template);
    setMaxRows(String(d.maxRows));
    setBatch(String(d.batchWindows));
  };

  const start = async () => {
    setError(null);
    setStarted(null);
    try {
      const { caches } = await startExtraction({
        modelId: props.modelId,
        tokenizationId: chosenTokenization(),
        hooks: hooks(),
        maxRows: Number(maxRows()),
        batchWindows: Number(batch()),
        dtype: dtype(),
        prependBos: bos(),
      });
      setStarted(`Queued: ${caches.length} cache${caches.length === 1 ? '' : 's'} (${caches.map((c) => c.hook).join(', ')}).`);
      setHooks([]);
    } catch (err) {
      setError(shownError(err));
    }
  };

  return (
    <div data-testid="extract-panel">
      <Show
        when={ready().length > 0}
        fallback={
          <p class="muted small" data-testid="extract-no-tokenization">
            Extraction reads a dataset tokenized with this model. <A href="/datasets">Import a dataset and tokenize it</A> with this model first.
          </p>
        }
      >
        <div class="form-grid">
          <label class="field">
            <span>Tokenized dataset</span>
            <select value={chosenTokenization()} onChange={(e) => setTokenizationId(e.currentTarget.value)} data-testid="extract-tokenization">
              <For each={ready()}>
                {(c) => (
                  <option value={c.tokenization.id}>
                    {c.dataset?.name ?? 'dataset'} · {c.tokenization.contextLength} tokens × {c.tokenization.windows.toLocaleString('en')} windows
                  </option>
                )}
              </For>
            </select>
          </label>
          <label class="field">
            <span>Template (fills the numbers)</span>
            <select onChange={(e) => applyTemplate(e.currentTarget.value)} data-testid="extract-template">
              <option value="">—</option>
              <For each={templates()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span>Activations to store (per hook)</span>
            <input type="number" min="1" value={maxRows()} onInput={(e) => setMaxRows(e.currentTarget.value)} data-testid="extract-max" />
          </label>
          <label class="field">
            <span>Windows per batch</span>
            <input type="number" min="1" value={batch()} onInput={(e) => setBatch(e.currentTarget.value)} data-testid="extract-batch" />
          </label>
          <label class="field">
            <span>Stored as</span>
            <select value={dtype()} onChange={(e) => setDtype(e.currentTarget.value === 'f16' ? 'f16' : 'f32')} data-testid="extract-dtype">
              <option value="f32">float32</option>
              <option value="f16">float16 (half the space)</option>
            </select>
          </label>
          <label class="check" style={{ 'align-self': 'flex-end' }}>
            <input type="checkbox" checked={bos()} onChange={(e) => setBos(e.currentTarget.checked)} data-testid="extract-bos" />
            Put BOS in front of each window (not stored)
          </label>
        </div>
        <fieldset style={{ border: '1px solid var(--border)', 'border-radius': 'var(--radius-small)', padding: '8px 12px' }}>
          <legend class="muted small">Hooks</legend>
          <For each={layers()}>
            {(layer) => (
              <div class="row small">
                <span style={{ width: '4.5em' }}>Layer {layer}</span>
                <For each={KINDS}>
                  {(kind) => {
                    const name = `blocks.${layer}.${kind}`;
                    return (
                      <label class="check">
                        <input type="checkbox" checked={hooks().includes(name)} onChange={(e) => toggle(name, e.currentTarget.checked)} value={name} data-testid="extract-hook" />
                        <span class="mono">{kind.replace('hook_', '')}</span>
                      </label>
                    );
                  }}
                </For>
              </div>
            )}
          </For>
          <For each={props.picked}>
            {(name) => (
              <label class="check" style={{ display: 'flex' }}>
                <input type="checkbox" checked={hooks().includes(name)} onChange={(e) => toggle(name, e.currentTarget.checked)} value={name} data-testid="extract-hook" />
                <span class="tensor">{name}</span>
              </label>
            )}
          </For>
          <Show when={layers().length === 0 && props.picked.length === 0}>
            <p class="muted small">Pick a tensor above to extract it.</p>
          </Show>
        </fieldset>
        <div class="row" style={{ 'margin-top': '10px' }}>
          <button class="primary" disabled={hooks().length === 0} onClick={() => void start()} data-testid="extract-start">
            Extract activations
          </button>
          <Show when={started()}>
            <span class="muted small" data-testid="extract-started">
              {started()}
            </span>
          </Show>
        </div>
      </Show>
      <ErrorNotice error={error()} testId="extract-error" />
    </div>
  );
}
