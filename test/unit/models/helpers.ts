// Shared set-up for the model tests: a fresh database and blob store per test, a JobContext that records
// progress and checkpoints and can stop on cue, and the tiny GPT-2 fixture's files.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelRecord, StoredFile, TokenizationRecord } from '../../../src/domain/entities';
import type { JobKind, JobRecord } from '../../../src/domain/job';
import type { JobContext, ProgressUpdate, StopRequest } from '../../../src/jobs/handlers';
import { finishStoredModel } from '../../../src/services/models/finish-model';
import { modelFileKey } from '../../../src/services/models/model-files';
import { encodeWindowPart } from '../../../src/services/tokenization/window-parts';
import type { BlobStore } from '../../../src/store/blob-store';
import { modelRepo } from '../../../src/store/repos/models';
import { tokenizationRepo } from '../../../src/store/repos/tokenizations';

export const TINY_DIR = resolve(import.meta.dirname, '../../fixtures/lm/tiny-gpt2');
export const HUB_ROOT = resolve(import.meta.dirname, '../../fixtures/hub');

export function tinyFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(TINY_DIR, name)));
}

export function tinyJson(name: string): unknown {
  return JSON.parse(readFileSync(resolve(TINY_DIR, name), 'utf8'));
}

export { useFreshStores, type TestStores } from '../store/test-db';

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

/** Stores the tiny GPT-2 (graph, config, tokenizer) as a local model and analyses it, as an import would. */
export async function storeTinyModel(blobs: BlobStore, graphFile = 'model.onnx'): Promise<ModelRecord> {
  const model = await modelRepo.create({ name: 'tiny-gpt2', source: { kind: 'local' }, status: 'pending', files: [] });
  const files: StoredFile[] = [];
  for (const [role, name] of [
    ['model', graphFile],
    ['config', 'config.json'],
    ['tokenizer', 'tokenizer.json'],
    ['tokenizer-config', 'tokenizer_config.json'],
  ] as const) {
    const key = modelFileKey(model.id, name);
    const { bytes } = await blobs.write(key, tinyFile(name));
    files.push({ role, name, blobKey: key, bytes });
  }
  await modelRepo.update(model.id, { files });
  return finishStoredModel(model.id, blobs);
}

/** Stores token windows (one part) as a ready tokenization of `modelId`. */
export async function storeTokenization(blobs: BlobStore, modelId: string, windows: number[][], lengths?: number[]): Promise<TokenizationRecord> {
  const contextLength = windows[0]!.length;
  const tokens = Uint16Array.from(windows.flat());
  const spec = { dtype: 'uint16' as const, contextLength, vocabSize: 300, hasLengths: lengths !== undefined };
  const bytes = await encodeWindowPart({ tokens, lengths: lengths ? Uint32Array.from(lengths) : null, count: windows.length, firstWindow: 0 }, spec);
  const key = `tokenizations/${crypto.randomUUID()}/part-0`;
  await blobs.write(key, bytes);
  const real = lengths ? lengths.reduce((a, b) => a + b, 0) : windows.length * contextLength;
  return tokenizationRepo.create({
    datasetId: 'dataset',
    modelId,
    contextLength,
    status: 'ready',
    windows: windows.length,
    tokens: real,
    dtype: 'uint16',
    vocabSize: 300,
    parts: [{ blobKey: key, windows: windows.length, bytes: bytes.byteLength }],
  });
}
