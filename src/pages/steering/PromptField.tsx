// The prompt, optionally preceded by the tokenizer's BOS, with prompt templates to start from and a way to
// keep the current prompt as a template.
import { createSignal, For, Show } from 'solid-js';
import { createLiveQuery } from '../../components/liveQuery';
import type { PromptTemplate } from '../../domain/entities';
import { promptTemplates } from '../../services/steeringTemplates';
import { errorText } from './errors';

export function PromptField(props: { prompt: string; prependBos: boolean; onPrompt: (text: string) => void; onPrependBos: (on: boolean) => void }) {
  const templates = createLiveQuery(async () => (await promptTemplates.list({ sort: { field: 'name', dir: 'asc' }, page: 0, pageSize: 500 })).rows, [] as PromptTemplate[]);
  const [saving, setSaving] = createSignal(false);
  const [name, setName] = createSignal('');
  const [message, setMessage] = createSignal('');

  const save = async () => {
    setMessage('');
    try {
      const t = await promptTemplates.create({ name: name(), description: '', prompt: props.prompt });
      setMessage(`Saved as “${t.name}”.`);
      setSaving(false);
      setName('');
    } catch (err) {
      setMessage(errorText(err));
    }
  };

  return (
    <fieldset class="form-group prompt-field">
      <legend>Prompt</legend>
      <div class="row">
        <label class="field grow">
          <span>Start from a template</span>
          <select
            data-testid="prompt-template-select"
            value=""
            onChange={(e) => {
              const t = templates().find((x) => x.id === e.currentTarget.value);
              if (t) props.onPrompt(t.prompt);
              e.currentTarget.value = '';
            }}
          >
            <option value="">Choose a prompt template…</option>
            <For each={templates()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
          </select>
        </label>
      </div>
      <textarea
        rows="3"
        class="prompt-input"
        aria-label="Prompt"
        placeholder="Text the model continues"
        data-testid="prompt-input"
        value={props.prompt}
        onInput={(e) => props.onPrompt(e.currentTarget.value)}
      />
      <div class="row spread">
        <label class="checkbox">
          <input type="checkbox" checked={props.prependBos} onChange={(e) => props.onPrependBos(e.currentTarget.checked)} data-testid="prepend-bos" /> Start with the BOS token
          (as the SAE saw text in training, when it was trained that way)
        </label>
        <Show
          when={saving()}
          fallback={
            <button class="small" disabled={props.prompt.trim() === ''} onClick={() => setSaving(true)}>
              Save as template
            </button>
          }
        >
          <div class="row nowrap">
            <input aria-label="Template name" placeholder="Template name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            <button class="small" onClick={() => void save()}>
              Save
            </button>
            <button class="small" onClick={() => setSaving(false)}>
              Cancel
            </button>
          </div>
        </Show>
      </div>
      <Show when={message()}>
        <p class="small muted" role="status">
          {message()}
        </p>
      </Show>
    </fieldset>
  );
}
