// Which model to steer and which of its SAEs supplies the feature directions. SAEs come from trainings on
// the model's activations or from imports (the Import SAE dialog is right here).
import { A } from '@solidjs/router';
import { createEffect, For, Show } from 'solid-js';
import { createLiveQuery } from '../../components/liveQuery';
import { createLiveKeyed } from './live';
import type { ModelRecord, SaeRecord } from '../../domain/entities';
import { saesForModel, steerableModels } from '../../services/steering';
import { ImportSaeButton } from '../interop/ImportSaeDialog';

export function ModelSaePicker(props: { modelId: string; saeId: string; onModel: (id: string) => void; onSae: (sae: SaeRecord | undefined) => void }) {
  const models = createLiveQuery(steerableModels, [] as ModelRecord[]);
  const loaded = createLiveKeyed(() => props.modelId, (id): Promise<SaeRecord[] | undefined> | undefined => (id ? saesForModel(id) : undefined), undefined as SaeRecord[] | undefined);
  const saeList = () => loaded() ?? [];

  createEffect(() => {
    const list = models();
    if (!props.modelId && list.length > 0) props.onModel(list[0].id);
  });
  createEffect(() => {
    const list = loaded();
    if (list === undefined) return;
    const current = list.find((s) => s.id === props.saeId);
    if (current) props.onSae(current);
    else if (list.length > 0) props.onSae(list[0]);
    else props.onSae(undefined);
  });

  return (
    <section class="card steering-target" data-testid="steering-target">
      <Show
        when={models().length > 0}
        fallback={
          <p class="muted" data-testid="no-models">
            No model is ready yet. <A href="/models">Add a model</A> (an ONNX export of a causal language model) first.
          </p>
        }
      >
        <div class="row">
          <label class="field">
            <span>Model</span>
            <select data-testid="model-select" value={props.modelId} onChange={(e) => props.onModel(e.currentTarget.value)}>
              <option value="" disabled>
                Choose a model
              </option>
              <For each={models()}>{(m) => <option value={m.id}>{m.name}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span>SAE</span>
            <select data-testid="sae-select" value={props.saeId} disabled={saeList().length === 0} onChange={(e) => props.onSae(saeList().find((s) => s.id === e.currentTarget.value))}>
              <Show when={saeList().length === 0}>
                <option value="">No SAE for this model</option>
              </Show>
              <For each={saeList()}>
                {(s) => (
                  <option value={s.id}>
                    {s.name} · {s.hook ?? (s.source?.kind === 'model' ? s.source.hook : '')} · {s.dSae.toLocaleString('en')} features
                  </option>
                )}
              </For>
            </select>
          </label>
          <div class="field">
            <span>&nbsp;</span>
            <ImportSaeButton />
          </div>
        </div>
        <Show when={props.modelId && saeList().length === 0}>
          <p class="muted small">Import a SAELens SAE trained on this model, or train one on its activations, to steer with its features.</p>
        </Show>
      </Show>
    </section>
  );
}
