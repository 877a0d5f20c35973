// A modal dialog on the native <dialog> element (focus trap, Escape and the top layer come with it). The
// content is created each time it opens, so forms start fresh. `class` styles what goes inside.
import { createEffect, createUniqueId, Show, type JSX } from 'solid-js';
import './Dialog.css';

export function Dialog(props: { open: boolean; title: string; testid: string; onClose: () => void; wide?: boolean; class?: string; children: JSX.Element }) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = `dialog-title-${createUniqueId()}`;
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  });
  const classes = () => ['dialog', props.wide ? 'wide' : '', props.class ?? ''].filter(Boolean).join(' ');
  return (
    <dialog ref={dialog} class={classes()} data-testid={props.testid} aria-labelledby={titleId} onClose={() => props.onClose()}>
      <Show when={props.open}>
        <header class="dialog-header">
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
