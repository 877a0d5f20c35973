import { A, useSearchParams } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { formatBytes } from '../../components/format';
import type { ModelRecord } from '../../domain/entities';
import { formatCount, modelBytes, statusClass } from './format';

/** The stored models; a row opens the model's card below. */
export function ModelList(props: { models: ModelRecord[] }) {
  const [params] = useSearchParams();
  return (
    <div class="table-wrap">
      <table class="data" data-testid="model-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Family</th>
            <th>Layers</th>
            <th>d_model</th>
            <th>Parameters</th>
            <th>Size</th>
            <th>dtype</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.models}>
            {(m) => (
              <tr data-testid="model-row" data-status={m.status} data-model-id={m.id} classList={{ selected: params.model === m.id }}>
                <td>
                  <A href={`/models?model=${m.id}`} data-testid="model-open">
                    {m.name}
                  </A>
                  <div class="muted small">{m.source.kind === 'hub' ? `Hub · ${m.source.revision.slice(0, 8)}` : 'Local files'}</div>
                </td>
                <td class="small">{m.info?.family ?? '—'}</td>
                <td class="small">{m.info?.layers ?? '—'}</td>
                <td class="small">{m.info?.dModel ?? '—'}</td>
                <td class="small">{formatCount(m.info?.params)}</td>
                <td class="small">{m.files.length > 0 ? formatBytes(modelBytes(m)) : '—'}</td>
                <td class="small">{m.info?.dtype ?? '—'}</td>
                <td>
                  <span class={statusClass(m.status)}>{m.status}</span>
                  <Show when={m.error}>
                    <div class="no small">{m.error}</div>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
