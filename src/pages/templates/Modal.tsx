// A modal dialog on the native <dialog> element (focus trap, Escape and the top layer come with it). The
// content is created each time it opens, so forms start fresh.
import { createEffect, Show, type JSX } from 'solid-js';

export function Modal(props: { open: boolean; title: string; testid: string; onClose: () => void; wide?: boolean; children: JSX.Element }) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = `modal-title-${Math.random().toString(36).slice(2)}`;
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  });
  return (
    <dialog ref={dialog} class="modal" classList={{ wide: props.wide === true }} data-testid={props.testid} aria-labelledby={titleId} onClose={() => props.onClose()}>
      <Show when={props.open}>
        <header class="modal-header">
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
