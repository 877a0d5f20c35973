// "SAELens config": a training template as a SAELens training run (Python script or JSON) for a GPU
// server. The template fixes the SAE and its schedule; the model, hook, dataset and context size are asked
// here, prefilled from the template's activation source when it has one.
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import type { TrainingTemplate } from '../../domain/entities';
import { saeLensTrainingConfig, type SaeLensTrainingConfig, type SaeLensTrainingInput } from '../../interop';
import { saveBlob } from '../../services/interop/download';
import { modelRepo } from '../../store/repos/models';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from './ErrorText';
import './interop.css';

export function ScaleOutButton(props: { template: TrainingTemplate }) {
  const [open, setOpen] = createSignal(false);
  return (
    <>
      <button class="small" title="Generate a SAELens training config from this template" onClick={() => setOpen(true)} data-testid="row-saelens-config">
        SAELens config
      </button>
      <Dialog class="interop-dialog" open={open()} title={`SAELens training config: ${props.template.name}`} testid="scale-out-dialog" onClose={() => setOpen(false)}>
        <ScaleOutForm template={props.template} />
      </Dialog>
    </>
  );
}

function ScaleOutForm(props: { template: TrainingTemplate }) {
  const source = props.template.source?.kind === 'model' ? props.template.source : undefined;
  const [model] = createResource(async () => (source ? ((await modelRepo.get(source.modelId)) ?? null) : null));
  const [modelName, setModelName] = createSignal<string | undefined>(undefined);
  const [hook, setHook] = createSignal(source?.hook ?? 'blocks.0.hook_resid_pre');
  const [dataset, setDataset] = createSignal('');
  const [context, setContext] = createSignal(128);
  const [dIn, setDIn] = createSignal<number | undefined>(props.template.config.d_in);
  const [scaling, setScaling] = createSignal(false);
  const needsDIn = props.template.config.d_in === undefined;
  // a Hub model's repository is usually its TransformerLens name too; the user's entry wins once typed
  const defaultModel = () => {
    const m = model();
    if (!m) return '';
    return m.source.kind === 'hub' ? m.source.repo : m.name;
  };
  const effectiveModel = () => modelName() ?? defaultModel();

  const result = createMemo((): { config: SaeLensTrainingConfig } | { error: unknown } => {
    try {
      const input: SaeLensTrainingInput = { template: props.template, modelName: effectiveModel(), hookName: hook(), datasetPath: dataset(), contextSize: context(), inputScaling: scaling() };
      const width = dIn() ?? model()?.info?.dModel;
      if (width !== undefined) input.dIn = width;
      return { config: saeLensTrainingConfig(input) };
    } catch (error) {
      return { error };
    }
  });
  const config = () => {
    const r = result();
    return 'config' in r ? r.config : undefined;
  };
  const error = () => {
    const r = result();
    return 'error' in r ? r.error : undefined;
  };

  const download = (kind: 'python' | 'json') => {
    const c = config();
    if (!c) return;
    if (kind === 'python') saveBlob(new Blob([c.python], { type: 'text/x-python' }), c.scriptName);
    else saveBlob(new Blob([c.jsonText], { type: 'application/json' }), c.scriptName.replace(/\.py$/, '.json'));
  };

  return (
    <div class="stack">
      <label class="field">
        <span>Model (TransformerLens name, e.g. gpt2)</span>
        <input value={effectiveModel()} onInput={(e) => setModelName(e.currentTarget.value)} data-testid="scale-model" />
      </label>
      <label class="field">
        <span>Hook point</span>
        <input value={hook()} onInput={(e) => setHook(e.currentTarget.value)} data-testid="scale-hook" />
      </label>
      <label class="field">
        <span>Dataset (Hugging Face path, e.g. monology/pile-uncopyrighted)</span>
        <input value={dataset()} onInput={(e) => setDataset(e.currentTarget.value)} data-testid="scale-dataset" />
      </label>
      <label class="field">
        <span>Context size (tokens)</span>
        <input type="number" min="1" value={context()} onInput={(e) => setContext(Number(e.currentTarget.value))} data-testid="scale-context" />
      </label>
      <Show when={needsDIn}>
        <label class="field">
          <span>d_in (the hook's width; the template leaves it to the model)</span>
          <input type="number" min="1" value={dIn() ?? model()?.info?.dModel ?? ''} onInput={(e) => setDIn(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))} data-testid="scale-din" />
        </label>
      </Show>
      <label>
        <input type="checkbox" checked={scaling()} onChange={(e) => setScaling(e.currentTarget.checked)} /> scale activations to E‖x‖ = √d_in while training
      </label>
      <Show when={error() !== undefined}>
        <ErrorText error={error()} />
      </Show>
      <Show when={config()}>
        {(c) => (
          <>
            <Show when={c().warnings.length > 0}>
              <ul class="messages small muted">
                <For each={c().warnings}>{(w) => <li>{w}</li>}</For>
              </ul>
            </Show>
            <div class="actions">
              <button class="small" onClick={() => download('json')} data-testid="scale-json">
                Download JSON
              </button>
              <button class="small" onClick={() => download('python')} data-testid="scale-python">
                Download Python
              </button>
            </div>
          </>
        )}
      </Show>
    </div>
  );
}
