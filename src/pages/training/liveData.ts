// Dexie liveQuery driven by Solid signals: when the inputs the query reads change (a search, a page, the
// runs picked for comparison), the subscription is replaced; when the database changes, the query re-runs.
import { liveQuery } from 'dexie';
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';

export function createLiveData<I, T>(input: Accessor<I>, query: (input: I) => Promise<T>, initial: T): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial);
  createEffect(() => {
    const current = input();
    const subscription = liveQuery(() => query(current)).subscribe({
      next: (next) => setValue(() => next),
      error: (error: unknown) => console.warn('miStudio: a live query failed', error),
    });
    onCleanup(() => subscription.unsubscribe());
  });
  return value;
}
