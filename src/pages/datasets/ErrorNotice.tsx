import { Show } from 'solid-js';

export interface ShownError {
  message: string;
  action?: string;
}

/** A thrown value as a message and, when the error carries one, what the user can do about it. */
export function shownError(error: unknown): ShownError {
  const message = error instanceof Error ? error.message : String(error);
  const action = typeof error === 'object' && error !== null && 'action' in error && typeof error.action === 'string' ? error.action : undefined;
  return action === undefined ? { message } : { message, action };
}

export function ErrorNotice(props: { error: ShownError | null; testId?: string }) {
  return (
    <Show when={props.error}>
      {(error) => (
        <div class="notice bad" role="alert" data-testid={props.testId ?? 'error-notice'}>
          <div>{error().message}</div>
          <Show when={error().action}>
            <div class="muted small">{error().action}</div>
          </Show>
        </div>
      )}
    </Show>
  );
}
