// The runner's storage: the jobs repository, plus checkpoints and status watching on the same Dexie table.
import { liveQuery } from 'dexie';
import { db } from '../store/db';
import { monotonicNow } from '../store/clock';
import { RecordNotFoundError } from '../store/errors';
import { getJob, reportProgress, setStatus } from '../store/repos/jobs';
import type { RunnerStore } from './runner';

/** Saves a handler's state on its job row; kept across pause, interruption and resume. */
export async function saveJobCheckpoint(id: string, state: unknown): Promise<void> {
  const updated = await db().jobs.update(id, { checkpoint: state, updatedAt: monotonicNow() });
  if (updated === 0) throw new RecordNotFoundError('job', id);
}

export const dexieRunnerStore: RunnerStore = {
  getJob,
  reportProgress,
  saveCheckpoint: saveJobCheckpoint,
  setStatus,
  watchStatus(id, onStatus) {
    // liveQuery sees writes from every thread and tab (Dexie broadcasts them), so a pause clicked anywhere arrives.
    const subscription = liveQuery(() => db().jobs.get(id)).subscribe({
      next: (job) => onStatus(job?.status),
      error: () => {
        // watching is a shortcut; progress reports still return the stored status
      },
    });
    return () => subscription.unsubscribe();
  },
};
