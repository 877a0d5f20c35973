// A live query whose parameters are Solid signals: when the parameters change (search text, filters, page)
// the old subscription ends and a new one starts; while they stay, database changes from any tab or worker
// re-run it. (components/liveQuery.ts covers the fixed-query case.)
import { liveQuery } from 'dexie';
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';

export function createLiveList<P, T>(params: Accessor<P>, fetch: (params: P) => Promise<T>, initial: T, onError: (error: unknown) => void): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial);
  createEffect(() => {
    const current = params();
    const subscription = liveQuery(() => fetch(current)).subscribe({
      next: (next) => setValue(() => next),
      error: onError,
    });
    onCleanup(() => subscription.unsubscribe());
  });
  return value;
}
