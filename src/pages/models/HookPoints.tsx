import { createMemo, createSignal, For, Show } from 'solid-js';
import type { ModelAnalysis } from '../../services/models/model-analysis';
import { setPickedTensors } from '../../services/models/models';

const COLUMNS: { key: 'residPre' | 'attnOut' | 'mlpOut' | 'residPost'; label: string }[] = [
  { key: 'residPre', label: 'hook_resid_pre' },
  { key: 'attnOut', label: 'hook_attn_out' },
  { key: 'mlpOut', label: 'hook_mlp_out' },
  { key: 'residPost', label: 'hook_resid_post' },
];

/** The hook points found per layer, each with its graph tensor; or why the graph was not understood. */
export function HookPoints(props: { analysis: ModelAnalysis }) {
  return (
    <Show
      when={props.analysis.hooks.ok ? props.analysis.hooks : undefined}
      fallback={
        <div class="notice warn" data-testid="hook-unknown">
          <div>{props.analysis.hooks.ok ? '' : props.analysis.hooks.reason}</div>
          <div class="muted small">No hook points were recognised. You can still pick any tensor by hand below and extract or train on it.</div>
        </div>
      }
    >
      {(hooks) => (
        <div class="table-wrap">
          <table class="data" data-testid="hook-table">
            <thead>
              <tr>
                <th>Layer</th>
                <For each={COLUMNS}>{(c) => <th class="mono small">{c.label}</th>}</For>
              </tr>
            </thead>
            <tbody>
              <For each={hooks().layers}>
                {(layer) => (
                  <tr data-testid="hook-layer-row">
                    <td>{layer.layer}</td>
                    <For each={COLUMNS}>
                      {(c) => (
                        <td class="tensor" title={`blocks.${layer.layer}.${c.label}`} data-testid={`hook-${c.label}`}>
                          {layer[c.key]}
                        </td>
                      )}
                    </For>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      )}
    </Show>
  );
}

/** Search every computed tensor and keep some as extra hooks (for graphs not understood, or to go beyond them). */
export function TensorPicker(props: { modelId: string; analysis: ModelAnalysis; picked: string[] }) {
  const [query, setQuery] = createSignal('');
  const matches = createMemo(() => {
    const q = query().trim().toLowerCase();
    const all = props.analysis.tensors;
    return (q === '' ? all : all.filter((t) => t.name.toLowerCase().includes(q) || t.producer.toLowerCase().includes(q))).slice(0, 200);
  });
  const add = (name: string) => void setPickedTensors(props.modelId, [...props.picked, name]);
  const remove = (name: string) => void setPickedTensors(props.modelId, props.picked.filter((p) => p !== name));
  return (
    <div data-testid="tensor-picker">
      <Show when={props.picked.length > 0}>
        <ul class="chips" style={{ 'margin-bottom': '8px' }}>
          <For each={props.picked}>
            {(name) => (
              <li data-testid="picked-tensor">
                <span class="mono small">{name}</span>{' '}
                <button class="small" onClick={() => remove(name)} aria-label={`Remove ${name}`}>
                  ×
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <label class="field">
        <span>Find a tensor ({props.analysis.tensors.length} computed floating-point tensors; by name or op type)</span>
        <input value={query()} onInput={(e) => setQuery(e.currentTarget.value)} placeholder="e.g. Add, LayerNorm, h.3/mlp" data-testid="tensor-search" />
      </label>
      <div class="tensor-list" role="listbox" aria-label="Tensors">
        <For each={matches()} fallback={<p class="muted small" style={{ padding: '6px 8px' }}>No tensor matches.</p>}>
          {(t) => (
            <button type="button" disabled={props.picked.includes(t.name)} onClick={() => add(t.name)} data-testid="tensor-option">
              <span class="tensor">{t.name}</span>
              <span class="muted small">
                {t.producer} · {t.dtype}
              </span>
            </button>
          )}
        </For>
      </div>
    </div>
  );
}
