import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, openBundle, planBundleImport, readBundleForImport, writeBundle, type BundleManifest } from '../../../src/interop/bundle';
import { bytesSource, type RandomAccessSource } from '../../../src/interop/random-access';
import { collectBytes, toReadableStream } from '../../../src/interop/zip-writer';
import { FakeStudio, MODEL_FILE_BYTES, modelChunk, SOURCE_CHUNK, studioBlobs, studioRows } from './bundle-fixtures';
import { expectInteropError, sameBytes } from './helpers';

const created = new Date('2025-03-04T05:06:07Z');

async function makeBundle(options: { shardBytes?: number } = {}): Promise<Uint8Array> {
  return collectBytes(writeBundle(studioRows(), studioBlobs().reader, { created, ...options }));
}

function modelFile(): Uint8Array {
  const out = new Uint8Array(MODEL_FILE_BYTES);
  for (let i = 0; i * SOURCE_CHUNK < MODEL_FILE_BYTES; i++) out.set(modelChunk(i), i * SOURCE_CHUNK);
  return out;
}

/** Re-zips a bundle's files after `edit` changed them (stored, like the writer's blobs). */
function rezip(bundle: Uint8Array, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bundle);
  edit(files);
  return zipSync(files, { level: 0 });
}

function editManifest(bundle: Uint8Array, edit: (m: BundleManifest) => void): Uint8Array {
  return rezip(bundle, (files) => {
    const m = JSON.parse(new TextDecoder().decode(files['bundle.json'])) as BundleManifest;
    edit(m);
    files['bundle.json'] = new TextEncoder().encode(JSON.stringify(m));
  });
}

function editRows(bundle: Uint8Array, path: string, edit: (rows: Record<string, unknown>[]) => unknown): Uint8Array {
  return rezip(bundle, (files) => {
    const rows = JSON.parse(new TextDecoder().decode(files[path])) as Record<string, unknown>[];
    files[path] = new TextEncoder().encode(JSON.stringify(edit(rows) ?? rows));
  });
}

describe('project bundle round trip', () => {
  it('writes every part, with bundle.json last, and reads back the same rows and blobs', async () => {
    const bundle = await makeBundle();
    const opened = await openBundle(bundle);
    expect(opened.manifest.format).toBe(BUNDLE_FORMAT);
    expect(opened.manifest.created).toBe('2025-03-04T05:06:07.000Z');
    expect(opened.manifest.generator.name).toBe('miStudio');
    expect(opened.rows).toEqual(studioRows());
    expect(opened.manifest.parts.map((p) => p.path)).toEqual([
      'rows/trainingTemplates/000000.json',
      'rows/extractionTemplates/000000.json',
      'rows/models/000000.json',
      'rows/datasets/000000.json',
      'rows/saes/000000.json',
      'rows/features/000000.json',
      'rows/featureExamples/000000.json',
      'blobs/000000.bin',
      'blobs/000001.bin',
      'blobs/000002.bin',
      'blobs/000003.bin',
    ]);
    expect(Object.keys(unzipSync(bundle)).at(-1)).toBe('bundle.json');

    const studio = new FakeStudio();
    const plan = await planBundleImport(opened, studio, { fileName: 'project.zip' });
    expect(plan.remapped).toEqual([]);
    expect(plan.rekeyed).toEqual([]);
    await studio.apply(plan);
    expect(sameBytes(studio.blobs.get('models/m1/model.onnx')!, modelFile())).toBe(true);
    expect(studio.blobs.get('saes/training-t1/sae_weights.safetensors')).toEqual(studioBlobs().small.get('saes/training-t1/sae_weights.safetensors'));
    // nothing in the new studio knows training t1, tokenization tok1: the references go, with warnings
    const sae = plan.rows.saes[0]!;
    expect(sae.origin).toEqual({ kind: 'import', fileName: 'project.zip' });
    expect(sae.modelId).toBe('m1');
    expect(plan.rows.trainingTemplates[0]!.source).toBeUndefined();
    expect(plan.rows.trainingTemplates[0]!.builtIn).toBe(false);
    expect(plan.rows.trainingTemplates[1]!.source).toEqual({ kind: 'synthetic', features: 16, dIn: 8, activeProb: 0.05, seed: 3 });
    expect(plan.warnings).toEqual(['Template "TopK 32": its model or tokenized dataset is not in the studio, so its activation source was left out.']);
  });

  it('splits large tables into shards and keeps fields it does not know', async () => {
    const rows = studioRows();
    const extra = { ...rows.features[0]!, fromTheFuture: { x: 1 } };
    const bundle = await collectBytes(writeBundle({ ...rows, features: [extra, ...rows.features.slice(1)] }, studioBlobs().reader, { created, shardBytes: 1024 }));
    const opened = await openBundle(bundle);
    const shards = opened.manifest.parts.filter((p) => p.kind === 'rows' && p.table === 'features');
    expect(shards.length).toBeGreaterThan(1);
    expect(opened.rows.features).toHaveLength(8);
    expect(opened.rows.features[0]).toEqual(extra);
  });

  it('gives new ids and keys on conflict, with every reference following', async () => {
    const bundle = await makeBundle();
    const studio = new FakeStudio();
    studio.put('trainings', { id: 't1' });
    studio.put('tokenizations', { id: 'tok1' });
    await studio.apply(await readBundleForImport(bundle, studio));
    const again = await readBundleForImport(bundle, studio);

    expect(again.remapped).toEqual([
      { table: 'trainingTemplates', from: 'tt1', to: 'new-1' },
      { table: 'trainingTemplates', from: 'tt2', to: 'new-2' },
      { table: 'extractionTemplates', from: 'et1', to: 'new-3' },
      { table: 'models', from: 'm1', to: 'new-4' },
      { table: 'datasets', from: 'd1', to: 'new-5' },
      { table: 'saes', from: 's1', to: 'new-6' },
    ]);
    // keys with a renamed id in their path follow it; others that are taken move under imported/
    expect(again.rekeyed).toEqual([
      { from: 'models/m1/model.onnx', to: 'models/new-4/model.onnx' },
      { from: 'models/m1/tokenizer.json', to: 'models/new-4/tokenizer.json' },
      { from: 'datasets/d1/part-000', to: 'datasets/new-5/part-000' },
      { from: 'saes/training-t1/sae_weights.safetensors', to: 'imported/new-7/sae_weights.safetensors' },
    ]);
    const { rows } = again;
    expect(rows.models[0]!.files.map((f) => f.blobKey)).toEqual(['models/new-4/model.onnx', 'models/new-4/tokenizer.json']);
    expect(rows.datasets[0]!.parts![0]!.blobKey).toBe('datasets/new-5/part-000');
    expect(rows.saes[0]).toMatchObject({ id: 'new-6', modelId: 'new-4', blobKey: 'imported/new-7/sae_weights.safetensors', origin: { kind: 'training', trainingId: 't1' } });
    expect(rows.trainingTemplates[0]!.source).toEqual({ kind: 'model', modelId: 'new-4', tokenizationId: 'tok1', hook: 'blocks.0.hook_resid_post' });
    expect(rows.features.map((f) => f.id)).toEqual(Array.from({ length: 8 }, (_, i) => `new-6:${i}`));
    expect(rows.features.every((f) => f.saeId === 'new-6')).toBe(true);
    expect(rows.featureExamples.map((e) => e.id)).toEqual(['new-6:3:top:0', 'new-6:3:top:1', 'new-6:3:top:2']);

    await studio.apply(again);
    expect(studio.tables.get('saes')!.size).toBe(2);
    expect(sameBytes(studio.blobs.get('models/new-4/model.onnx')!, studio.blobs.get('models/m1/model.onnx')!)).toBe(true);
  });

  it('adds labels to an SAE the studio already has when the bundle carries only its features', async () => {
    const rows = studioRows();
    const bundle = await collectBytes(writeBundle({ features: rows.features, featureExamples: rows.featureExamples }, studioBlobs().reader, { created }));
    const studio = new FakeStudio();
    await expectInteropError(readBundleForImport(bundle, studio), 'invalid-data', /neither in the bundle nor in the studio/);
    studio.put('saes', { id: 's1' });
    const plan = await readBundleForImport(bundle, studio);
    expect(plan.blobs).toEqual([]);
    expect(plan.replaces).toEqual([{ saeId: 's1', features: 8, featureExamples: 3 }]);
    expect(plan.rows.features[3]!.id).toBe('s1:3');
  });
});

describe('project bundle streaming', () => {
  it('writes as it reads: output keeps pace with the multi-MB blob, in bounded chunks', async () => {
    const { reader, pulled } = studioBlobs();
    const out = writeBundle(studioRows(), reader, { created, maxChunkBytes: 16 * 1024 });
    let chunks = 0;
    let maxChunk = 0;
    let maxAhead = 0;
    let seen = 0;
    for await (const chunk of out) {
      chunks++;
      seen += chunk.length;
      maxChunk = Math.max(maxChunk, chunk.length);
      // source chunks pulled vs. output bytes handed on: never more than one source chunk ahead
      maxAhead = Math.max(maxAhead, pulled() * SOURCE_CHUNK - seen);
    }
    expect(pulled()).toBe(Math.ceil(MODEL_FILE_BYTES / SOURCE_CHUNK));
    expect(chunks).toBeGreaterThan(MODEL_FILE_BYTES / (16 * 1024));
    expect(maxChunk).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);
    expect(maxAhead).toBeLessThanOrEqual(SOURCE_CHUNK);
  });

  it('reads only directory, manifest, rows and weight headers before the plan; blobs stream in bounded reads', async () => {
    const bundle = await makeBundle();
    const reads: [number, number][] = [];
    const counting: RandomAccessSource = {
      size: bundle.length,
      read: async (start, end) => {
        reads.push([start, end]);
        return bundle.subarray(start, end);
      },
    };
    const plan = await readBundleForImport(counting, new FakeStudio(), { chunkSize: 32 * 1024 });
    const before = reads.reduce((n, [s, e]) => n + e - s, 0);
    expect(before).toBeLessThan(200 * 1024);
    expect(bundle.length).toBeGreaterThan(MODEL_FILE_BYTES);
    reads.length = 0;
    const model = plan.blobs.find((b) => b.key === 'models/m1/model.onnx')!;
    const r = model.stream().getReader();
    let chunks = 0;
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      chunks++;
      expect(value.length).toBeLessThanOrEqual(32 * 1024);
    }
    expect(chunks).toBe(Math.ceil(MODEL_FILE_BYTES / (32 * 1024)));
    expect(reads.every(([s, e]) => e - s <= 32 * 1024)).toBe(true);
  });

  it('cancels the blob source when the consumer of the bundle stream stops', async () => {
    const { reader, pulled } = studioBlobs();
    const stream = toReadableStream(writeBundle(studioRows(), reader, { created }));
    const r = stream.getReader();
    for (let i = 0; i < 20; i++) await r.read();
    await r.cancel();
    expect(pulled()).toBeLessThan(20);
  });
});

describe('project bundle validation', () => {
  it('finds a damaged blob while it streams, before its last chunk, so nothing is committed', async () => {
    const bundle = await makeBundle();
    const opened = await openBundle(bundle);
    const manifest = opened.manifest;
    const files = unzipSync(bundle);
    const modelPath = manifest.parts.find((p) => p.kind === 'blob' && p.key === 'models/m1/model.onnx')!.path;
    // flip one byte deep inside the stored model file, in place (the directory stays valid)
    const damaged = bundle.slice();
    const offset = findSubarray(damaged, files[modelPath]!.subarray(3_000_000, 3_000_032));
    damaged[offset + 5] = damaged[offset + 5]! ^ 0x55;
    const studio = new FakeStudio();
    const plan = await readBundleForImport(damaged, studio);
    await expectInteropError(studio.apply(plan), 'corrupt', /model|000000|checksum/);
    expect(studio.blobs.size).toBe(0);
    expect(studio.tables.size).toBe(0);
  });

  it('refuses a zip that is not a bundle, and a bundle cut off before bundle.json', async () => {
    await expectInteropError(openBundle(zipSync({ 'x/cfg.json': new Uint8Array([123, 125]) })), 'missing-entry', /looks like a SAELens SAE/);
    const bundle = await makeBundle();
    await expectInteropError(openBundle(bundle.subarray(0, bundle.length - 200)), 'not-zip');
  });

  it.each<[string, (b: Uint8Array) => Uint8Array, Parameters<typeof expectInteropError>[1], RegExp]>([
    ['an unknown format version', (b) => editManifest(b, (m) => ((m as { format: string }).format = 'mistudio-bundle/9')), 'unsupported', /mistudio-bundle\/9/],
    ['a foreign manifest', (b) => editManifest(b, (m) => ((m as { format: string }).format = 'other')), 'manifest-mismatch', /does not describe a miStudio bundle/],
    ['a listed part that is missing', (b) => rezip(b, (f) => delete f['blobs/000001.bin']), 'manifest-mismatch', /lists blobs\/000001.bin, but the bundle does not contain it/],
    ['an unlisted file', (b) => rezip(b, (f) => (f['extra.txt'] = new Uint8Array(1))), 'manifest-mismatch', /extra.txt, which bundle.json does not list/],
    ['a wrong blob size', (b) => editManifest(b, (m) => ((m.parts[8] as { bytes: number }).bytes = 3)), 'manifest-mismatch', /says 3/],
    ['a wrong row count', (b) => editManifest(b, (m) => ((m.parts[5] as { count: number }).count = 9)), 'manifest-mismatch', /holds 8 rows, but bundle.json says 9/],
    ['a path outside the layout', (b) => editManifest(b, (m) => (m.parts[0]!.path = '../evil.json')), 'manifest-mismatch', /valid path/],
    ['a blob key escaping its folder', (b) => editManifest(b, (m) => ((m.parts[7] as { key: string }).key = '../x')), 'manifest-mismatch', /part 8/],
    ['bad JSON rows', (b) => rezip(b, (f) => (f['rows/saes/000000.json'] = new TextEncoder().encode('[{'))), 'bad-json', /rows\/saes\/000000.json is not valid JSON/],
    ['a row with a wrong field', (b) => editRows(b, 'rows/saes/000000.json', (r) => void (r[0]!.dSae = 'eight')), 'invalid-data', /saes row 1 \("s1"\): dSae must be a finite number/],
    ['an unknown architecture', (b) => editRows(b, 'rows/saes/000000.json', (r) => void (r[0]!.architecture = 'gated')), 'invalid-data', /architecture must be one of/],
    ['SAE dims that disagree with the weights', (b) => editRows(b, 'rows/saes/000000.json', (r) => void (r[0]!.dSae = 9)), 'wrong-dims', /W_enc of shape \[5,8\], but the SAE record says \[5, 9\]/],
    ['a feature beyond the SAE', (b) => editRows(b, 'rows/features/000000.json', (r) => void Object.assign(r[0]!, { index: 99, id: 's1:99' })), 'invalid-data', /Feature 99 of SAE "s1" is beyond its 8 features/],
    ['a feature id that does not match', (b) => editRows(b, 'rows/features/000000.json', (r) => void (r[0]!.id = 'x')), 'invalid-data', /id must be "s1:0"/],
    ['a rows shard with an extra row', (b) => editRows(b, 'rows/features/000000.json', (r) => [...r, r[0]]), 'manifest-mismatch', /holds 9 rows/],
    ['examples with mismatched lengths', (b) => editRows(b, 'rows/featureExamples/000000.json', (r) => void (r[0]!.activations = [1])), 'invalid-data', /has 1 values for 4 tokens/],
    ['a reference to a missing blob', (b) => editRows(b, 'rows/saes/000000.json', (r) => void (r[0]!.blobKey = 'saes/other/w.safetensors')), 'manifest-mismatch', /refers to the stored file saes\/other\/w.safetensors/],
    ['a model that is not ready', (b) => editRows(b, 'rows/models/000000.json', (r) => void (r[0]!.status = 'failed')), 'invalid-data', /status must be one of ready/],
  ])('refuses %s', async (_what, corrupt, code, message) => {
    const bundle = await makeBundle();
    await expectInteropError(openBundle(corrupt(bundle)), code, message);
  });

  it('refuses duplicate ids within a table', async () => {
    const bundle = await makeBundle();
    const dup = rezip(bundle, (files) => {
      const path = 'rows/extractionTemplates/000000.json';
      const rows = JSON.parse(new TextDecoder().decode(files[path])) as unknown[];
      files[path] = new TextEncoder().encode(JSON.stringify([rows[0], rows[0]]));
      const m = JSON.parse(new TextDecoder().decode(files['bundle.json'])) as BundleManifest;
      (m.parts[1] as { count: number }).count = 2;
      files['bundle.json'] = new TextEncoder().encode(JSON.stringify(m));
    });
    await expectInteropError(openBundle(dup), 'invalid-data', /the id "et1" appears twice/);
  });

  it('refuses to write rows it could not read back', async () => {
    const rows = studioRows();
    const bad = { ...rows, saes: [{ ...rows.saes[0]!, dIn: -1 }] };
    await expectInteropError(collectBytes(writeBundle(bad, studioBlobs().reader, { created })), 'invalid-data', /dIn must be an integer ≥ 1/);
    const short = { ...studioBlobs().reader, size: async () => MODEL_FILE_BYTES + 1 };
    await expectInteropError(collectBytes(writeBundle(rows, short, { created })), 'truncated', /fewer bytes than expected/);
  });

  it('reads through any random-access source', async () => {
    const opened = await openBundle(bytesSource(await makeBundle()));
    expect(opened.blobs.map((b) => b.key)).toContain('datasets/d1/part-000');
  });
});

function findSubarray(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}
