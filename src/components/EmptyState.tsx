import type { JSX } from 'solid-js';
import { For, Show } from 'solid-js';

/** What an empty area is for and the first things to do there. */
export function EmptyState(props: { title: string; steps?: string[]; children?: JSX.Element }) {
  return (
    <section class="empty-state" data-testid="empty-state">
      <h2>{props.title}</h2>
      {props.children}
      <Show when={props.steps?.length}>
        <ol>
          <For each={props.steps}>{(step) => <li>{step}</li>}</For>
        </ol>
      </Show>
    </section>
  );
}
