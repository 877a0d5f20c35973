// A template's name cell: the name, a "built-in" badge, and the description under it.
import { Show } from 'solid-js';
import type { TemplateRowBase } from './TemplatesTab';

export function BuiltInBadge() {
  return (
    <span class="badge" data-testid="builtin-badge" title="Shipped with miStudio: read-only, duplicate it to change it">
      built-in
    </span>
  );
}

export function NameCell(props: { row: TemplateRowBase }) {
  return (
    <div class="name-cell">
      <div>
        <span class="template-name" data-testid="row-name">
          {props.row.name}
        </span>
        <Show when={props.row.builtIn}>
          {' '}
          <BuiltInBadge />
        </Show>
      </div>
      <Show when={props.row.description}>
        <div class="muted small description" title={props.row.description}>
          {props.row.description}
        </div>
      </Show>
    </div>
  );
}
