// Shared set-up for the model tests: a fresh database and blob store per test, a JobContext that records
// progress and checkpoints and can stop on cue, and the tiny GPT-2 fixture's files.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { JobKind, JobRecord } from '../../../src/domain/job';
import type { JobContext, ProgressUpdate, StopRequest } from '../../../src/jobs/handlers';
import { openDatabase, useDatabase, type MiStudioDatabase } from '../../../src/store/db';
import { IdbBlobStore } from '../../../src/store/idb-blob-store';

export const TINY_DIR = resolve(import.meta.dirname, '../../fixtures/lm/tiny-gpt2');
export const HUB_ROOT = resolve(import.meta.dirname, '../../fixtures/hub');

export function tinyFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(TINY_DIR, name)));
}

export function tinyJson(name: string): unknown {
  return JSON.parse(readFileSync(resolve(TINY_DIR, name), 'utf8'));
}

export interface TestStores {
  db(): MiStudioDatabase;
  blobs(): IdbBlobStore;
}

export function useFreshStores(): TestStores {
  let database: MiStudioDatabase | undefined;
  let blobs: IdbBlobStore | undefined;
  beforeEach(() => {
    database = openDatabase(`test-${crypto.randomUUID()}`);
    useDatabase(database);
    blobs = new IdbBlobStore(`blobs-${crypto.randomUUID()}`);
  });
  afterEach(async () => {
    useDatabase(undefined);
    await database?.delete();
    await blobs?.database.delete();
  });
  return { db: () => database!, blobs: () => blobs! };
}

export interface FakeContext<Env = unknown> extends JobContext<Env> {
  progress: ProgressUpdate[];
  checkpoints: unknown[];
  /** from now on shouldStop() answers `request` */
  requestStop(request: StopRequest): void;
}

export function fakeContext<Env = unknown>(kind: JobKind, params: unknown, env: Env, checkpoint?: unknown): FakeContext<Env> {
  const job: JobRecord = {
    id: crypto.randomUUID(),
    kind,
    lane: 'io',
    title: 'test',
    status: 'running',
    params,
    progress: { phase: 'queued', done: 0, total: 0, rate: 0, etaSeconds: null, message: '' },
    resumable: true,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    createdAt: 0,
    updatedAt: 0,
  };
  const progress: ProgressUpdate[] = [];
  const checkpoints: unknown[] = [];
  let stopped: StopRequest | null = null;
  return {
    job,
    env,
    progress,
    checkpoints,
    requestStop(request) {
      stopped = request;
    },
    async reportProgress(update) {
      progress.push(update);
    },
    async checkpoint(state) {
      checkpoints.push(structuredClone(state));
    },
    shouldStop: () => stopped,
  };
}
