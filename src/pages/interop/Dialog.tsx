// A modal dialog on the native <dialog> element (focus trap, Escape and the top layer come with it). The
// content is created each time it opens, so forms start fresh.
import { createEffect, Show, type JSX } from 'solid-js';
import './interop.css';

export function Dialog(props: { open: boolean; title: string; testid: string; onClose: () => void; children: JSX.Element }) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = `interop-dialog-${Math.random().toString(36).slice(2)}`;
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  });
  return (
    <dialog ref={dialog} class="interop-dialog" data-testid={props.testid} aria-labelledby={titleId} onClose={() => props.onClose()}>
      <Show when={props.open}>
        <header>
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" class="small" aria-label="Close" onClick={() => props.onClose()}>
            ✕
          </button>
        </header>
        {props.children}
      </Show>
    </dialog>
  );
}

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
