// Dexie liveQuery as a Solid signal: the query re-runs whenever the tables it read change, in this tab, in
// a worker or in another tab, so pages render straight from the database.
import { liveQuery } from 'dexie';
import { createSignal, onCleanup, type Accessor } from 'solid-js';

export interface LiveQueryOptions {
  /** called when the query throws (e.g. the database cannot be opened); the signal keeps its last value */
  onError?: (error: unknown) => void;
}

export function createLiveQuery<T>(query: () => T | Promise<T>, initial: T, opts: LiveQueryOptions = {}): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial);
  const subscription = liveQuery(query).subscribe({
    // The setter's function form would call a function-typed T; wrap so any T is stored as is.
    next: (next) => setValue(() => next),
    error: (error: unknown) => (opts.onError ? opts.onError(error) : console.error('miStudio: live query failed', error)),
  });
  onCleanup(() => subscription.unsubscribe());
  return value;
}
