// Previous / "Page i of n" / Next under a paged list; hidden when everything fits on one page.
import { Show } from 'solid-js';

export function Pager(props: { page: number; pages: number; onPage: (page: number) => void }) {
  return (
    <Show when={props.pages > 1}>
      <div class="row pager small">
        <button class="small" disabled={props.page === 0} onClick={() => props.onPage(props.page - 1)}>
          Previous
        </button>
        <span>
          Page {props.page + 1} of {props.pages}
        </span>
        <button class="small" disabled={props.page + 1 >= props.pages} onClick={() => props.onPage(props.page + 1)}>
          Next
        </button>
      </div>
    </Show>
  );
}
