// Local model import and the 'tokenize' job: windows stored in parts and read back without tokenizing
// again, statistics, settings, uniqueness, pause/resume, cancel, and deletes that cascade.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenizeDocuments, tokenizerFromJson, type WindowChunk } from '../../../src/data/tokenize';
import type { TokenizationSettings } from '../../../src/domain/entities';
import { runTokenize, type TokenizeCheckpoint } from '../../../src/jobs/handlers/tokenize';
import { runImportDataset } from '../../../src/jobs/handlers/importDataset';
import { datasetRepo } from '../../../src/store/repos/datasets';
import { getJob } from '../../../src/store/repos/jobs';
import { modelRepo } from '../../../src/store/repos/models';
import { tokenizationRepo } from '../../../src/store/repos/tokenizations';
import { cancelJob } from '../../../src/services/jobs';
import { deleteDataset, importLocalDataset } from '../../../src/services/datasets/datasets';
import { importLocalModel, ModelImportError, modelInfoFromConfig } from '../../../src/services/models/importLocal';
import { deleteTokenization, previewWindow, startTokenization, TokenizationRequestError } from '../../../src/services/tokenization/tokenizations';
import { openStoredWindows } from '../../../src/services/tokenization/window-parts';
import { claimIo, failure, fakeContext, FIXTURES, fixtureFile, textFile, useStores } from './kit';

const LM = resolve(FIXTURES, 'lm/tiny-gpt2');
const reference = tokenizerFromJson(JSON.parse(readFileSync(resolve(LM, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(resolve(LM, 'tokenizer_config.json'), 'utf8')));
const LINES = readFileSync(resolve(FIXTURES, 'datasets/tiny.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const PACK: TokenizationSettings = { mode: 'pack', bos: 'window', appendEos: true };

function modelFiles(names = ['model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json']): File[] {
  return names.map((n) => fixtureFile(`lm/tiny-gpt2/${n}`));
}

async function expectedWindows(settings: TokenizationSettings, contextLength: number) {
  const stream = tokenizeDocuments(
    LINES.map((text) => ({ text })),
    reference,
    { contextLength, ...settings },
  );
  const chunks: WindowChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return { tokens: chunks.flatMap((c) => [...c.tokens]), lengths: chunks.flatMap((c) => (c.lengths ? [...c.lengths] : [])), stats: stream.stats() };
}

describe('local model import', () => {
  const { blobs } = useStores();

  it('stores the files under models/<id>/ with a ready record summarising config.json', async () => {
    const model = await importLocalModel(modelFiles(), { blobs: blobs() });
    expect(model).toMatchObject({ status: 'ready', source: { kind: 'local' }, info: { family: 'gpt2', layers: 2, dModel: 32, heads: 2, vocab: 300, contextLength: 64 } });
    expect(model.files.map((f) => [f.role, f.name])).toEqual([
      ['model', 'model.onnx'],
      ['config', 'config.json'],
      ['tokenizer', 'tokenizer.json'],
      ['tokenizer-config', 'tokenizer_config.json'],
    ]);
    expect(await blobs().list(`models/${model.id}/`)).toHaveLength(4);
    const onnx = model.files[0]!;
    expect(onnx.bytes).toBe(readFileSync(resolve(LM, 'model.onnx')).byteLength);
    expect(new Uint8Array(await (await blobs().read(onnx.blobKey)).arrayBuffer())).toEqual(new Uint8Array(readFileSync(resolve(LM, 'model.onnx'))));
    expect(model.name).toBe('model');
  });

  it('takes a tokenizer alone, and Llama-style config names', async () => {
    const model = await importLocalModel(modelFiles(['tokenizer.json']), { blobs: blobs(), name: 'Just a tokenizer' });
    expect(model).toMatchObject({ name: 'Just a tokenizer', status: 'ready' });
    expect(modelInfoFromConfig({ model_type: 'llama', num_hidden_layers: 16, hidden_size: 2048, num_attention_heads: 32, vocab_size: 128256, max_position_embeddings: 131072 })).toEqual({
      family: 'llama',
      layers: 16,
      dModel: 2048,
      heads: 32,
      vocab: 128256,
      contextLength: 131072,
    });
  });

  it('refuses incomplete or wrong sets of files with clear messages, storing nothing', async () => {
    const cases: [File[], RegExp][] = [
      [[], /No files were chosen/],
      [modelFiles(['config.json']), /neither a model graph \(\.onnx\) nor a tokenizer/],
      [[...modelFiles(['tokenizer.json']), textFile('weights.bin', 'x')], /weights\.bin is not a file this import takes/],
      [[textFile('model.onnx_data', 'xx'), ...modelFiles(['tokenizer.json'])], /holds the weights of model\.onnx, which was not chosen/],
      [[textFile('tokenizer.json', '{"no": "model"}')], /not a tokenizer\.json file/],
      [[textFile('tokenizer.json', '{oops')], /tokenizer\.json is not valid JSON/],
      [[textFile('model.onnx', '')], /model\.onnx is empty/],
    ];
    for (const [files, message] of cases) {
      const error = await failure(importLocalModel(files, { blobs: blobs() }));
      expect(error).toBeInstanceOf(ModelImportError);
      expect(error.message).toMatch(message);
      expect(error.action).toBeTruthy();
    }
    expect(await modelRepo.all()).toEqual([]);
    expect(await blobs().list()).toEqual([]);
  });
});

describe('tokenize job', () => {
  const { blobs } = useStores();

  async function readyDataset(file = fixtureFile('datasets/tiny.txt')) {
    const { dataset } = await importLocalDataset({ file, fileName: file.name, spec: { format: 'txt' } }, { blobs: blobs() });
    await runImportDataset(fakeContext(await claimIo()).ctx, { blobs: blobs(), progressIntervalMs: 0 });
    return (await datasetRepo.get(dataset.id))!;
  }

  async function setUp() {
    const model = await importLocalModel(modelFiles(), { blobs: blobs() });
    return { model, dataset: await readyDataset() };
  }

  async function tokenizeNow(datasetId: string, modelId: string, contextLength: number, settings: TokenizationSettings, partTokens = 1024) {
    const { tokenization } = await startTokenization({ datasetId, modelId, contextLength, settings }, blobs());
    const job = await claimIo();
    const run = fakeContext(job);
    const outcome = await runTokenize(run.ctx, { blobs: blobs(), progressIntervalMs: 0, partTokens }).catch((e: unknown) => e);
    return { id: tokenization.id, outcome, run, job };
  }

  it('stores windows in parts that read back exactly as tokenized, with statistics', async () => {
    const { model, dataset } = await setUp();
    const { id, outcome, run } = await tokenizeNow(dataset.id, model.id, 32, PACK);
    const expected = await expectedWindows(PACK, 32);
    expect(outcome).toMatchObject({ status: 'completed', message: expect.stringMatching(/windows of 32 tokens from 200 documents/) });
    const t = (await tokenizationRepo.get(id))!;
    expect(t).toMatchObject({ status: 'ready', windows: expected.stats.windows, tokens: expected.stats.windows * 32, dtype: 'uint16', vocabSize: 300 });
    expect(t.parts!.length).toBeGreaterThan(1); // 1024 tokens per part: 32 windows each
    expect(t.parts!.every((p, i) => i === t.parts!.length - 1 || p.windows === 32)).toBe(true);
    expect(t.stats).toMatchObject({
      documents: 200,
      documentTokens: expected.stats.documentTokens,
      uniqueTokens: expected.stats.uniqueTokens,
      specialTokens: expected.stats.specialTokens,
      topTokens: expected.stats.topTokens,
    });
    expect(t.stats!.tokensPerDocument.counts.reduce((a, b) => a + b, 0)).toBe(200);
    const stored = await openStoredWindows(t, blobs());
    expect(stored).toMatchObject({ count: expected.stats.windows, contextLength: 32, dtype: 'uint16', hasLengths: false });
    expect([...(await stored.read(0, stored.count)).tokens]).toEqual(expected.tokens);
    // a range that spans two parts
    expect([...(await stored.read(30, 35)).tokens]).toEqual(expected.tokens.slice(30 * 32, 35 * 32));
    expect(run.progress.at(-1)).toMatchObject({ done: 200, total: 200 });
    expect(run.progress.at(-1)!.message).toMatch(/tokens\/s/);
  });

  it('truncates per document with padding lengths, and previews a window with its token boundaries', async () => {
    const { model, dataset } = await setUp();
    const settings: TokenizationSettings = { mode: 'truncate', bos: 'window', appendEos: false };
    const { id } = await tokenizeNow(dataset.id, model.id, 16, settings);
    const expected = await expectedWindows(settings, 16);
    const t = (await tokenizationRepo.get(id))!;
    expect(t.windows).toBe(200);
    const stored = await openStoredWindows(t, blobs());
    const all = await stored.read(0, 200);
    expect([...all.lengths!]).toEqual(expected.lengths);
    const preview = await previewWindow(t, 0, blobs());
    expect(preview.count).toBe(200);
    expect(preview.tokens[0]).toMatchObject({ id: 299, special: true }); // BOS first in the window
    expect(preview.tokens.slice(1).map((x) => x.piece).join('')).toBe(reference.decode(reference.encode(LINES[0]!).slice(0, 15)));
    expect(preview.tokens.length + preview.padding).toBe(16);
  });

  it('is unique per dataset, model and context length; checks settings before queuing', async () => {
    const { model, dataset } = await setUp();
    await tokenizeNow(dataset.id, model.id, 32, PACK);
    const again = await failure(startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 32, settings: PACK }, blobs()));
    expect(again).toBeInstanceOf(TokenizationRequestError);
    expect(again.message).toMatch(/already tokenized for model at context length 32/);
    // another context length is another tokenization
    await startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 48, settings: PACK }, blobs());
    expect((await failure(startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 128, settings: PACK }, blobs()))).message).toMatch(/reads at most 64 tokens/);
    expect((await failure(startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 16, settings: { ...PACK, stride: 40 } }, blobs()))).message).toMatch(/stride must be a whole number from 1 to 15/);
    const graphOnly = await importLocalModel(modelFiles(['model.onnx']), { blobs: blobs() });
    expect((await failure(startTokenization({ datasetId: dataset.id, modelId: graphOnly.id, contextLength: 16, settings: PACK }, blobs()))).message).toMatch(/has no tokenizer\.json/);
    expect(await tokenizationRepo.all()).toHaveLength(2);
  });

  it('overlapping windows with a stride', async () => {
    const { model, dataset } = await setUp();
    const settings: TokenizationSettings = { mode: 'pack', bos: 'none', appendEos: true, stride: 8 };
    const { id } = await tokenizeNow(dataset.id, model.id, 16, settings);
    const expected = await expectedWindows(settings, 16);
    const t = (await tokenizationRepo.get(id))!;
    const all = await (await openStoredWindows(t, blobs())).read(0, t.windows);
    expect([...all.tokens]).toEqual(expected.tokens);
    expect(Array.from(all.tokens.subarray(8, 16))).toEqual(Array.from(all.tokens.subarray(16, 24)));
  });

  it('pauses and resumes to the same windows; cancel leaves nothing stored', async () => {
    const { model, dataset } = await setUp();
    const { tokenization } = await startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 16, settings: PACK }, blobs());
    const job = await claimIo();
    const deps = { blobs: blobs(), progressIntervalMs: 0, partTokens: 256 };
    const first = fakeContext(job, { stop: { after: 120, request: 'pause' } });
    expect(await runTokenize(first.ctx, deps)).toEqual({ status: 'stopped' });
    const saved = first.checkpoint() as TokenizeCheckpoint;
    expect(saved.parts.length).toBeGreaterThan(0);
    expect((await tokenizationRepo.get(tokenization.id))!.status).toBe('running');
    const second = fakeContext(job, { checkpoint: saved });
    expect(await runTokenize(second.ctx, deps)).toMatchObject({ status: 'completed' });
    expect(second.progress.some((p) => p.phase === 'resuming')).toBe(true);
    const t = (await tokenizationRepo.get(tokenization.id))!;
    const expected = await expectedWindows(PACK, 16);
    expect([...(await (await openStoredWindows(t, blobs())).read(0, t.windows)).tokens]).toEqual(expected.tokens);
    expect(t.stats!.documentTokens).toBe(expected.stats.documentTokens);

    const other = await startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 24, settings: PACK }, blobs());
    const cancelled = await claimIo();
    expect(await runTokenize(fakeContext(cancelled, { stop: { after: 100, request: 'cancel' } }).ctx, deps)).toEqual({ status: 'stopped' });
    await cancelJob(cancelled.id);
    expect(await tokenizationRepo.get(other.tokenization.id)).toMatchObject({ status: 'failed', error: 'The tokenization was cancelled.' });
    expect(await blobs().list(`tokenizations/${other.tokenization.id}/`)).toEqual([]);
    // a cancelled one can be started over
    await startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 24, settings: PACK }, blobs());
    expect(await tokenizationRepo.get(other.tokenization.id)).toMatchObject({ status: 'pending' });
  });

  it('fails with a clear reason when the dataset is too small for one window', async () => {
    const model = await importLocalModel(modelFiles(), { blobs: blobs() });
    const dataset = await readyDataset(textFile('short.txt', 'Hi.\n'));
    const { outcome, id } = await tokenizeNow(dataset.id, model.id, 64, PACK);
    expect((outcome as Error).message).toMatch(/too few for one window of 64/);
    expect(await tokenizationRepo.get(id)).toMatchObject({ status: 'failed', errorAction: expect.stringMatching(/shorter context length/) });
  });

  it('deleting a tokenization or its dataset removes records, blobs and stops its jobs', async () => {
    const { model, dataset } = await setUp();
    const a = await tokenizeNow(dataset.id, model.id, 32, PACK);
    await deleteTokenization(a.id, blobs());
    expect(await tokenizationRepo.get(a.id)).toBeUndefined();
    expect(await blobs().list('tokenizations/')).toEqual([]);

    await tokenizeNow(dataset.id, model.id, 16, PACK);
    const queued = await startTokenization({ datasetId: dataset.id, modelId: model.id, contextLength: 24, settings: PACK }, blobs());
    await deleteDataset(dataset.id, blobs());
    expect(await tokenizationRepo.all()).toEqual([]);
    expect((await getJob(queued.job.id))!.status).toBe('cancelled');
    expect((await blobs().list()).filter((k) => !k.startsWith('models/'))).toEqual([]);
    expect(await modelRepo.get(model.id)).toBeDefined();
  });
});
