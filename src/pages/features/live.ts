// Dexie liveQuery driven by Solid signals: the query re-runs when the database changes (here, in a worker
// or in another tab) and its subscription is replaced when the inputs it depends on change.
import { liveQuery } from 'dexie';
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';

export interface LiveData<T> {
  value: Accessor<T>;
  /** false until the first answer for the current input */
  loaded: Accessor<boolean>;
}

export function createLiveData<I, T>(input: Accessor<I>, query: (input: I) => Promise<T>, initial: T): LiveData<T> {
  const [value, setValue] = createSignal<T>(initial);
  const [loaded, setLoaded] = createSignal(false);
  createEffect(() => {
    const current = input();
    setLoaded(false);
    const subscription = liveQuery(() => query(current)).subscribe({
      next: (next) => {
        setValue(() => next);
        setLoaded(true);
      },
      error: (error: unknown) => console.warn('miStudio: a feature query failed', error),
    });
    onCleanup(() => subscription.unsubscribe());
  });
  return { value, loaded };
}
