// The "Data" part of the new-training form: synthetic superposition, one of the activation caches, or a
// model with one of its tokenized datasets and a hook point. d_in follows the chosen source.
import { A } from '@solidjs/router';
import { Match, Show, Switch } from 'solid-js';
import type { CacheChoice, ModelChoice, SourceChoices } from '../../sae/training/source-choices';
import { NumberInput, SelectInput, type Choice, type FormBinding } from './FormFields';

const placeholder = (label: string): Choice<string> => ({ value: '', label, disabled: true });

function cacheLabel(c: CacheChoice): string {
  const state = c.status === 'ready' ? '' : ` — ${c.status}`;
  return `${c.modelName} · ${c.hook} · ${c.rows.toLocaleString('en')} rows · d_in ${c.dIn}${state}`;
}

function modelLabel(m: ModelChoice): string {
  const width = m.dModel !== undefined ? ` · d_model ${m.dModel}` : '';
  return `${m.name}${width}${m.status === 'ready' ? '' : ` — ${m.status}`}`;
}

export function SourcePicker(props: { form: FormBinding; choices: SourceChoices | undefined; note: string }) {
  const v = () => props.form.values();
  const caches = () => props.choices?.caches ?? [];
  const models = () => props.choices?.models ?? [];
  const model = () => models().find((m) => m.id === v().modelId);
  const cache = () => caches().find((c) => c.id === v().cacheId);
  return (
    <fieldset class="card">
      <legend>Data</legend>
      <SelectInput
        form={props.form}
        field="sourceKind"
        choices={[
          { value: 'synthetic', label: 'Synthetic superposition (known ground truth)' },
          { value: 'cache', label: 'Cached activations' },
          { value: 'model', label: 'Model + tokenized dataset + hook' },
        ]}
      />
      <Show when={props.note}>
        <p class="notice warn small">{props.note}</p>
      </Show>
      <Switch>
        <Match when={v().sourceKind === 'synthetic'}>
          <div class="field-grid">
            <NumberInput form={props.form} field="dIn" />
            <NumberInput form={props.form} field="synthFeatures" />
            <NumberInput form={props.form} field="synthActive" />
          </div>
        </Match>
        <Match when={v().sourceKind === 'cache'}>
          <Show when={props.choices && caches().length === 0}>
            <p class="notice warn small" data-testid="no-caches">
              No activation caches yet. Extract one on a model’s page (<A href="/models">Models</A>).
            </p>
          </Show>
          <SelectInput
            form={props.form}
            field="cacheId"
            choices={[placeholder('Choose a cache…'), ...caches().map((c) => ({ value: c.id, label: cacheLabel(c), disabled: c.status !== 'ready' }))]}
          />
          <Show when={cache()}>
            {(c) => (
              <p class="muted small" data-testid="source-summary">
                {c().rows.toLocaleString('en')} activations of {c().hook} in {c().modelName}, each {c().dIn} wide.
              </p>
            )}
          </Show>
          <div class="field-grid">
            <NumberInput form={props.form} field="dIn" />
          </div>
        </Match>
        <Match when={v().sourceKind === 'model'}>
          <Show when={props.choices && models().length === 0}>
            <p class="notice warn small" data-testid="no-models">
              No models yet. Add one on the <A href="/models">Models</A> page and tokenize a dataset with it.
            </p>
          </Show>
          <div class="field-grid">
            <SelectInput
              form={props.form}
              field="modelId"
              choices={[placeholder('Choose a model…'), ...models().map((m) => ({ value: m.id, label: modelLabel(m), disabled: m.status !== 'ready' }))]}
            />
            <SelectInput
              form={props.form}
              field="tokenizationId"
              choices={[
                placeholder(model() && model()!.tokenizations.length === 0 ? 'No tokenizations of this model' : 'Choose a tokenized dataset…'),
                ...(model()?.tokenizations ?? []).map((t) => ({
                  value: t.id,
                  label: `${t.datasetName} · ${t.windows.toLocaleString('en')} windows of ${t.contextLength}${t.status === 'ready' ? '' : ` — ${t.status}`}`,
                  disabled: t.status !== 'ready',
                })),
              ]}
            />
            <SelectInput
              form={props.form}
              field="hook"
              choices={[placeholder(model() && !model()!.hooks ? 'Not analysed yet' : 'Choose a hook point…'), ...(model()?.hooks ?? []).map((h) => ({ value: h, label: h }))]}
            />
            <NumberInput form={props.form} field="dIn" />
          </div>
        </Match>
      </Switch>
    </fieldset>
  );
}
