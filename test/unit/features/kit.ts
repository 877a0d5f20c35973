// Set-up for the feature extraction tests: the tiny GPT-2 imported as a local model, a dataset imported and
// tokenized through their real jobs, the tiny SAE fixture (made for that model's blocks.0.hook_resid_post)
// stored as an imported SAE, and the extraction job run with the CPU engine and ORT's WebAssembly backend.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExtractionSettings } from '../../../src/analysis/extraction';
import { cpuFeatureEngine } from '../../../src/analysis/extraction';
import type { SaeRecord, TokenizationRecord, TokenizationSettings } from '../../../src/domain/entities';
import type { JobRecord } from '../../../src/domain/job';
import { modelActivationRunner } from '../../../src/jobs/handlers/extractFeaturesActivations';
import { runExtractFeatures, type ExtractFeaturesDeps } from '../../../src/jobs/handlers/extractFeaturesRun';
import { runImportDataset } from '../../../src/jobs/handlers/importDataset';
import { runTokenize } from '../../../src/jobs/handlers/tokenize';
import { importLocalDataset } from '../../../src/services/datasets/datasets';
import { startExtraction, type ExtractionRequest } from '../../../src/services/features/extractions';
import { importLocalModel } from '../../../src/services/models/importLocal';
import { startTokenization } from '../../../src/services/tokenization/tokenizations';
import type { BlobStore } from '../../../src/store/blob-store';
import { db } from '../../../src/store/db';
import { claimNextQueued } from '../../../src/store/repos/jobs';
import { saeRepo } from '../../../src/store/repos/saes';
import { tokenizationRepo } from '../../../src/store/repos/tokenizations';
import { claimIo, fakeContext, FIXTURES, fixtureFile, textFile, type FakeRun } from '../datasets/kit';
import { ort } from '../lm/ort-helpers';

export const HOOK = 'blocks.0.hook_resid_post';
export const PACK: TokenizationSettings = { mode: 'pack', bos: 'window', appendEos: true };
export const SETTINGS: ExtractionSettings = { maxTokens: 100_000, batchSize: 8, topK: 6, contextPrefix: 3, contextSuffix: 2, quantileExamples: 0 };

export interface Pipeline {
  modelId: string;
  tokenization: TokenizationRecord;
  sae: SaeRecord;
}

/** Model, dataset (`text`, default the tiny corpus), tokenization at `contextLength`, and the tiny SAE. */
export async function pipeline(blobs: BlobStore, options: { text?: string; contextLength?: number; settings?: TokenizationSettings; saeModel?: boolean } = {}): Promise<Pipeline> {
  const model = await importLocalModel(
    ['model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json'].map((n) => fixtureFile(`lm/tiny-gpt2/${n}`)),
    { blobs },
  );
  const file = options.text === undefined ? fixtureFile('datasets/tiny.txt') : textFile('data.txt', options.text);
  const { dataset } = await importLocalDataset({ file, fileName: file.name, spec: { format: 'txt' } }, { blobs });
  await runImportDataset(fakeContext(await claimIo()).ctx, { blobs, progressIntervalMs: 0 });
  const { tokenization } = await startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: options.contextLength ?? 32, settings: options.settings ?? PACK }, blobs);
  await runTokenize(fakeContext(await claimIo()).ctx, { blobs, progressIntervalMs: 0 });
  const weightsKey = 'saes/tiny/sae_weights.safetensors';
  await blobs.write(weightsKey, new Uint8Array(readFileSync(resolve(FIXTURES, 'sae-tiny/sae_weights.safetensors'))));
  const cfg = JSON.parse(readFileSync(resolve(FIXTURES, 'sae-tiny/cfg.json'), 'utf8')) as Record<string, unknown>;
  const sae = await saeRepo.create({
    name: 'tiny SAE',
    architecture: 'relu',
    dIn: 32,
    dSae: 32,
    origin: { kind: 'import', fileName: 'sae-tiny' },
    ...(options.saeModel === false ? {} : { modelId: model.id, hook: HOOK }),
    blobKey: weightsKey,
    cfg,
  });
  return { modelId: model.id, tokenization: (await tokenizationRepo.get(tokenization.id))!, sae };
}

export function cpuDeps(blobs: BlobStore, overrides: Partial<ExtractFeaturesDeps> = {}): ExtractFeaturesDeps {
  return {
    blobs,
    engine: cpuFeatureEngine,
    maxEncodeRows: () => 50,
    modelRunner: (model, tensor) => modelActivationRunner(model, tensor, { ort }),
    progressIntervalMs: 0,
    ...overrides,
  };
}

/** Queues an extraction through the service and claims its GPU job as the scheduler would. */
export async function queueExtraction(p: Pipeline, request: Partial<ExtractionRequest> = {}): Promise<{ extractionId: string; job: JobRecord }> {
  const { extraction } = await startExtraction({ saeId: p.sae.id, tokenizationId: p.tokenization.id, settings: SETTINGS, ...request });
  const job = await claimNextQueued('gpu');
  if (!job) throw new Error('no queued GPU job');
  return { extractionId: extraction.id, job };
}

export async function extract(p: Pipeline, blobs: BlobStore, request: Partial<ExtractionRequest> = {}, deps: Partial<ExtractFeaturesDeps> = {}, stop?: FakeRunStop) {
  const { extractionId, job } = await queueExtraction(p, request);
  const run: FakeRun = fakeContext(job, stop ? { stop } : {});
  const outcome = await runExtractFeatures(run.ctx, cpuDeps(blobs, deps));
  return { extractionId, outcome, run };
}

export type FakeRunStop = NonNullable<Parameters<typeof fakeContext>[1]>['stop'];

/** An SAE's stored feature rows (by index) and examples (by id), without what differs between runs. */
export async function storedFeatures(saeId: string) {
  return {
    rows: (await db().features.where('saeId').equals(saeId).sortBy('index')).map(({ updatedAt: _u, extractionId: _e, ...row }) => row),
    examples: (await db().featureExamples.where('saeId').equals(saeId).toArray()).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Runs a queued extraction job until the `after`-th stop check pauses it, then runs the same job again. */
export async function pauseAndResume(job: JobRecord, blobs: BlobStore, after: number, deps: Partial<ExtractFeaturesDeps> = {}) {
  const first = fakeContext(job, { stop: { after, request: 'pause' } });
  const paused = await runExtractFeatures(first.ctx, cpuDeps(blobs, deps));
  const second = fakeContext(job);
  return { paused, first, second, resumed: () => runExtractFeatures(second.ctx, cpuDeps(blobs, deps)) };
}
