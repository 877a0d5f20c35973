// Start a feature extraction for an SAE: a tokenized dataset of its model (run the model, or read a stored
// activation cache of the hook), and settings that start from an extraction template. An earlier run with
// the same data and settings is pointed out: its results are already here.
import { A } from '@solidjs/router';
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import type { FieldProblem } from '../../domain/templates';
import { extractionOptions, matchingExtraction, startExtraction, type ExtractionOptions } from '../../services/features/extractions';
import { extractionTemplates, type ExtractionTemplateRow } from '../../services/templates';
import { formatCount } from './format';
import { createLiveData } from './live';
import { problemOf, RUN_FIELDS, RUN_GROUPS, runFormValues, runSettingsFromForm } from './extractionForm';
import { settingsOfTemplate } from '../../analysis/extraction';
import type { FormValues } from '../templates/formFields';

const DEFAULT_TEMPLATE = 'builtin-extraction-quick-look';

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const action = 'action' in error && typeof error.action === 'string' ? ` ${error.action}` : '';
  return `${error.message}${action}`;
}

export function ExtractionForm(props: { saeId: string; onStarted: () => void; onCancel?: () => void }) {
  const options = createLiveData(
    () => props.saeId,
    (id) => extractionOptions(id).catch((): ExtractionOptions | null => null),
    null as ExtractionOptions | null,
  );
  const templates = createLiveData(
    () => 0,
    async () => (await extractionTemplates.list({ page: 0, pageSize: 500, sort: { field: 'name', dir: 'asc' } })).rows,
    [] as ExtractionTemplateRow[],
  );
  const [templateId, setTemplateId] = createSignal('');
  const [values, setValues] = createSignal<FormValues | null>(null);
  const [tokenizationId, setTokenizationId] = createSignal('');
  const [cacheId, setCacheId] = createSignal('');
  const [hook, setHook] = createSignal<string | null>(null);
  const [problems, setProblems] = createSignal<FieldProblem[]>([]);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  // defaults once loaded: the Quick look template (or the first), the newest tokenized dataset
  const template = createMemo(() => {
    const list = templates.value();
    return list.find((t) => t.id === templateId()) ?? list.find((t) => t.id === DEFAULT_TEMPLATE) ?? list[0];
  });
  const formValues = createMemo(() => values() ?? (template() ? runFormValues(settingsOfTemplate(template()!)) : null));
  const choice = createMemo(() => {
    const list = options.value()?.choices ?? [];
    return list.find((c) => c.tokenization.id === tokenizationId()) ?? list[0];
  });
  const hookValue = () => hook() ?? options.value()?.hook ?? '';
  const parsed = createMemo(() => {
    const v = formValues();
    return v ? runSettingsFromForm(v) : null;
  });
  const request = createMemo(() => {
    const p = parsed();
    const c = choice();
    if (!p?.ok || !c) return null;
    return { saeId: props.saeId, tokenizationId: c.tokenization.id, settings: p.settings, ...(cacheId() ? { cacheId: cacheId() } : {}), ...(hookValue() ? { hook: hookValue() } : {}) };
  });
  const earlier = createLiveData(request, (r) => (r ? matchingExtraction(r).catch(() => undefined) : Promise.resolve(undefined)), undefined);

  const pickTemplate = (id: string) => {
    setTemplateId(id);
    const t = templates.value().find((x) => x.id === id);
    if (t) setValues(runFormValues(settingsOfTemplate(t)));
    setProblems([]);
  };
  const set = (path: string, value: string | boolean) => {
    const v = formValues();
    if (v) setValues({ ...v, [path]: value });
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError('');
    const p = parsed();
    if (!p) return;
    if (!p.ok) {
      setProblems(p.problems);
      queueMicrotask(() => document.querySelector<HTMLElement>('[data-testid="extraction-form"] [aria-invalid="true"]')?.focus());
      return;
    }
    setProblems([]);
    const c = choice();
    if (!c) {
      setError('Choose a tokenized dataset first.');
      return;
    }
    setBusy(true);
    try {
      const t = template();
      await startExtraction({
        saeId: props.saeId,
        tokenizationId: c.tokenization.id,
        settings: p.settings,
        ...(t ? { templateId: t.id } : {}),
        ...(cacheId() ? { cacheId: cacheId() } : {}),
        ...(hookValue() ? { hook: hookValue() } : {}),
      });
      props.onStarted();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card extraction-form" data-testid="extraction-form" onSubmit={(e) => void submit(e)} novalidate>
      <h2>Extract features</h2>
      <Show when={options.loaded()} fallback={<p class="muted">Loading…</p>}>
        <Show
          when={(options.value()?.choices.length ?? 0) > 0}
          fallback={
            <p class="notice warn" data-testid="no-tokenization">
              No tokenized dataset of this SAE’s model is ready. Tokenize a dataset with the model on the <A href="/datasets">Datasets</A> page first.
            </p>
          }
        >
          <div class="extraction-grid">
            <label class="field">
              <span>Tokenized dataset</span>
              <select aria-label="Tokenized dataset" value={choice()?.tokenization.id ?? ''} onChange={(e) => (setTokenizationId(e.currentTarget.value), setCacheId(''))} data-testid="extraction-tokenization">
                <For each={options.value()?.choices ?? []}>
                  {(c) => (
                    <option value={c.tokenization.id}>
                      {c.dataset?.name ?? 'dataset'} · {c.model.name} · {formatCount(c.tokenization.windows)} windows of {c.tokenization.contextLength}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <label class="field">
              <span>Activations</span>
              <select aria-label="Activations" value={cacheId()} onChange={(e) => setCacheId(e.currentTarget.value)}>
                <option value="">Run the model (on the fly)</option>
                <For each={choice()?.caches ?? []}>{(c) => <option value={c.id}>Stored cache of {c.hook} · {formatCount(c.rows)} tokens</option>}</For>
              </select>
            </label>
            <label class="field">
              <span>Hook</span>
              <input type="text" aria-label="Hook" value={hookValue()} placeholder="blocks.0.hook_resid_post" onInput={(e) => setHook(e.currentTarget.value)} />
              <span class="muted small">Where in the model the SAE reads its activations.</span>
            </label>
            <label class="field">
              <span>Template</span>
              <select aria-label="Template" value={template()?.id ?? ''} onChange={(e) => pickTemplate(e.currentTarget.value)} data-testid="extraction-template">
                <For each={templates.value()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
              </select>
              <span class="muted small">{template()?.description}</span>
            </label>
          </div>
          <Show when={formValues()}>
            {(v) => (
              <For each={RUN_GROUPS}>
                {(group) => (
                  <fieldset class="extraction-group">
                    <legend>{group.title}</legend>
                    <For each={RUN_FIELDS.filter((f) => f.group === group.id)}>
                      {(field) => {
                        const problem = () => problemOf(problems(), field.path);
                        const id = `extract-${field.path.replace(/\W/g, '-')}`;
                        return (
                          <div class="field" classList={{ checkbox: field.kind === 'checkbox' }}>
                            <Switch>
                              <Match when={field.kind === 'checkbox'}>
                                <label>
                                  <input type="checkbox" id={id} checked={v()[field.path] === true} onChange={(e) => set(field.path, e.currentTarget.checked)} /> {field.label}
                                </label>
                              </Match>
                              <Match when={field.kind === 'tokens'}>
                                <label for={id}>{field.label}</label>
                                <textarea id={id} rows={2} value={String(v()[field.path] ?? '')} aria-invalid={problem() ? 'true' : undefined} onInput={(e) => set(field.path, e.currentTarget.value)} />
                              </Match>
                              <Match when={true}>
                                <label for={id}>{field.label}</label>
                                <input
                                  id={id}
                                  type="text"
                                  inputmode="numeric"
                                  value={String(v()[field.path] ?? '')}
                                  aria-invalid={problem() ? 'true' : undefined}
                                  onInput={(e) => set(field.path, e.currentTarget.value)}
                                />
                              </Match>
                            </Switch>
                            <span class="muted small">{field.help}</span>
                            <Show when={problem()}>
                              <span class="no small" role="alert">
                                {problem()}
                              </span>
                            </Show>
                          </div>
                        );
                      }}
                    </For>
                  </fieldset>
                )}
              </For>
            )}
          </Show>
          <Show when={earlier.value()}>
            {(e) => (
              <p class="notice ok" data-testid="extraction-reuse">
                These features were already extracted with the same data and settings ({new Date(e().finishedAt ?? e().updatedAt).toLocaleString()}): their results are shown below. Start
                again only to recompute them.
              </p>
            )}
          </Show>
          <Show when={error()}>
            <p class="notice bad" role="alert" data-testid="extraction-error">
              {error()}
            </p>
          </Show>
          <div class="row">
            <button type="submit" class="primary" disabled={busy() || !choice()} data-testid="start-extraction">
              {earlier.value() ? 'Extract again' : 'Start extraction'}
            </button>
            <Show when={props.onCancel}>
              <button type="button" onClick={() => props.onCancel?.()}>
                Close
              </button>
            </Show>
          </div>
        </Show>
      </Show>
    </form>
  );
}
