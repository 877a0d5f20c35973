// The interop dialogs' error notice.
import { Show } from 'solid-js';

/** An error as the user reads it: the message, and what to do when the error says. */
export function ErrorText(props: { error: unknown }) {
  const action = () => (typeof props.error === 'object' && props.error !== null && 'action' in props.error && typeof props.error.action === 'string' ? props.error.action : '');
  return (
    <div class="notice no" role="alert" data-testid="interop-error">
      <div>{props.error instanceof Error ? props.error.message : String(props.error)}</div>
      <Show when={action()}>
        <div class="small">{action()}</div>
      </Show>
    </div>
  );
}
