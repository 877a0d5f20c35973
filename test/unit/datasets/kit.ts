// Shared set-up for the dataset and tokenization service tests: a fresh database and BlobStore per test,
// fixture files as File objects, and a job context whose stop requests the test scripts.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JobRecord } from '../../../src/domain/job';
import type { JobContext, ProgressUpdate, StopRequest } from '../../../src/jobs/handlers';
import { IdbBlobStore } from '../../../src/store/idb-blob-store';
import { claimNextQueued } from '../../../src/store/repos/jobs';
import { useFreshStores } from '../store/test-db';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

export function fixtureFile(path: string, name = path.slice(path.lastIndexOf('/') + 1)): File {
  return new File([readFileSync(resolve(FIXTURES, path))], name);
}

export function textFile(name: string, text: string | Uint8Array<ArrayBuffer>): File {
  return new File([typeof text === 'string' ? new TextEncoder().encode(text) : text], name);
}

/** A fresh database (repositories use it) and a fresh BlobStore for each test. */
export function useStores(): { blobs: () => IdbBlobStore } {
  return { blobs: useFreshStores().blobs };
}

export interface FakeRun {
  ctx: JobContext<unknown>;
  progress: ProgressUpdate[];
  /** the last checkpoint saved */
  checkpoint: () => unknown;
}

/**
 * A job context over `job` (as claimed, with the checkpoint of an earlier run). With `stop`, shouldStop()
 * answers the request from its `after`-th call on — a pause or cancel arriving part-way.
 */
export function fakeContext(job: JobRecord, options: { checkpoint?: unknown; stop?: { after: number; request: StopRequest } } = {}): FakeRun {
  const progress: ProgressUpdate[] = [];
  let saved: unknown = options.checkpoint;
  let calls = 0;
  const claimed: JobRecord = options.checkpoint === undefined ? job : { ...job, checkpoint: options.checkpoint };
  return {
    progress,
    checkpoint: () => saved,
    ctx: {
      job: claimed,
      env: {},
      reportProgress: async (update) => {
        progress.push(update);
      },
      checkpoint: async (state) => {
        saved = structuredClone(state);
      },
      shouldStop: () => {
        calls++;
        return options.stop && calls >= options.stop.after ? options.stop.request : null;
      },
    },
  };
}

/** Claims the oldest queued IO job, as the scheduler does, and returns it. */
export async function claimIo(): Promise<JobRecord> {
  const job = await claimNextQueued('io');
  if (!job) throw new Error('no queued IO job');
  return job;
}

export async function failure(promise: Promise<unknown>): Promise<Error & { action?: string; code?: string }> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof Error) return e;
    throw e;
  }
  throw new Error('expected a failure');
}
