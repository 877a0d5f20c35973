import { A } from '@solidjs/router';
import { For } from 'solid-js';
import { formatBytes } from '../../components/format';
import type { DatasetRecord } from '../../domain/entities';
import type { DatasetRow } from '../../services/datasets/datasets';
import { displayStatusClass } from '../../services/datasets/status';

export function sourceLabel(source: DatasetRecord['source']): string {
  if (source.kind === 'hub') return `Hub: ${source.repo} (${source.config ?? 'default'}/${source.split ?? 'train'}, column ${source.column})`;
  return `File: ${source.fileName}${source.field ? ` (${source.field})` : ''}`;
}

/** Every dataset with its size and status; the name opens its page. */
export function DatasetList(props: { rows: DatasetRow[] }) {
  return (
    <div class="table-wrap">
      <table class="data" data-testid="dataset-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Source</th>
            <th>Documents</th>
            <th>Characters</th>
            <th>Stored</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr data-testid="dataset-row" data-dataset-id={row.dataset.id} data-status={row.status}>
                <td>
                  <A href={`/datasets/${row.dataset.id}`}>{row.dataset.name}</A>
                </td>
                <td class="small">{sourceLabel(row.dataset.source)}</td>
                <td>{row.dataset.status === 'ready' ? row.dataset.rows.toLocaleString('en') : '—'}</td>
                <td>{row.dataset.status === 'ready' ? row.dataset.chars.toLocaleString('en') : '—'}</td>
                <td>{row.dataset.status === 'ready' ? formatBytes(row.dataset.bytes) : '—'}</td>
                <td>
                  <span class={displayStatusClass(row.status)}>{row.status === 'running' ? 'importing' : row.status}</span>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
