// The Neuronpedia-style export's options: which features (all, favourites, a list) and how many examples
// each; the zip (metadata.json, features/<index>.json, the SAELens folder under sae/) streams to a download.
import { createResource, createSignal, Show } from 'solid-js';
import type { SaeRecord } from '../../domain/entities';
import type { FeatureSelection } from '../../interop';
import { downloadExport } from '../../services/interop/download';
import { neuronpediaContext, neuronpediaExportFile, parseFeatureList } from '../../services/interop/sae-export';
import { ErrorText } from './ErrorText';

type SelectionKind = FeatureSelection['kind'];

export function NeuronpediaExportForm(props: { sae: SaeRecord; onDone: () => void }) {
  const [kind, setKind] = createSignal<SelectionKind>('all');
  const [list, setList] = createSignal('');
  const [examples, setExamples] = createSignal(20);
  const [npModel, setNpModel] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [context] = createResource(() => neuronpediaContext(props.sae));

  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const selection: FeatureSelection = kind() === 'list' ? { kind: 'list', indices: parseFeatureList(list()) } : kind() === 'favourites' ? { kind: 'favourites' } : { kind: 'all' };
      const request: Parameters<typeof neuronpediaExportFile>[0] = { saeId: props.sae.id, selection, examplesPerFeature: examples() };
      if (npModel().trim()) request.neuronpediaModelId = npModel().trim();
      await downloadExport(await neuronpediaExportFile(request));
      props.onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <Show when={context()}>
        {(c) => (
          <p class="small muted">
            Model {c().modelName}, hook {c().hookName || 'unknown'}
            {c().dataset ? `, dataset ${c().dataset!.name}` : ''}; {props.sae.dSae} features.
          </p>
        )}
      </Show>
      <fieldset>
        <legend>Features</legend>
        <label>
          <input type="radio" name="np-features" checked={kind() === 'all'} onChange={() => setKind('all')} /> all {props.sae.dSae}
        </label>{' '}
        <label>
          <input type="radio" name="np-features" checked={kind() === 'favourites'} onChange={() => setKind('favourites')} data-testid="np-favourites" /> favourites
        </label>{' '}
        <label>
          <input type="radio" name="np-features" checked={kind() === 'list'} onChange={() => setKind('list')} data-testid="np-list" /> a list
        </label>
        <Show when={kind() === 'list'}>
          <input value={list()} placeholder="3, 17, 40-45" onInput={(e) => setList(e.currentTarget.value)} data-testid="np-list-text" aria-label="Feature numbers" />
        </Show>
      </fieldset>
      <label class="field">
        <span>Examples per feature</span>
        <input type="number" min="0" max="1000" value={examples()} onInput={(e) => setExamples(Number(e.currentTarget.value))} data-testid="np-examples" />
      </label>
      <label class="field">
        <span>Neuronpedia model id (optional, e.g. gpt2-small)</span>
        <input value={npModel()} onInput={(e) => setNpModel(e.currentTarget.value)} />
      </label>
      <Show when={error() !== undefined}>
        <ErrorText error={error()} />
      </Show>
      <div class="actions">
        <button disabled={busy()} onClick={() => void run()} data-testid="np-export">
          {busy() ? 'Exporting…' : 'Export'}
        </button>
      </div>
    </div>
  );
}
