// Dexie liveQuery keyed by Solid signals: when the key changes (another SAE, another run) the subscription
// is replaced (the value returns to `initial` until the new rows arrive); when the database changes, the
// query re-runs. Errors reach `onError` (shown on the page).
import { liveQuery } from 'dexie';
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';

export function createLiveKeyed<K, T>(key: Accessor<K>, query: (key: K) => T | Promise<T>, initial: T, onError?: (error: unknown) => void): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial);
  createEffect(() => {
    const current = key();
    // no stale rows of the previous key while the new query runs
    setValue(() => initial);
    const subscription = liveQuery(() => query(current)).subscribe({
      next: (next) => setValue(() => next),
      error: (error: unknown) => (onError ? onError(error) : console.warn('miStudio: a live query failed', error)),
    });
    onCleanup(() => subscription.unsubscribe());
  });
  return value;
}
