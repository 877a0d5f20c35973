import { Show } from 'solid-js';
import type { ShownError } from './shownError';

export function ErrorNotice(props: { error: ShownError | null; testId: string }) {
  return (
    <Show when={props.error}>
      {(error) => (
        <div class="notice bad" role="alert" data-testid={props.testId} style={{ 'margin-top': '10px' }}>
          <div>{error().message}</div>
          <Show when={error().action}>
            <div class="muted small">{error().action}</div>
          </Show>
        </div>
      )}
    </Show>
  );
}
