// Damaged input of every kind — random bytes, files cut at many points, flipped bytes, mutated JSON —
// either imports correctly or fails with an InteropError; never a raw TypeError/RangeError, and never a
// silently different result.
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openBundle, planBundleImport, writeBundle, type BundleRows, type OpenedBundle } from '../../../src/interop/bundle';
import { InteropError } from '../../../src/interop/errors';
import { decodeSaeLensFolder } from '../../../src/interop/saelens-folder';
import { saeLensExportSource, saeLensZip, saeLensZipStream } from '../../../src/interop/saelens-export-zip';
import { importSaeLensFiles, importSaeLensFromHub, importSaeLensZip } from '../../../src/interop/saelens-import';
import { bytesSource } from '../../../src/interop/random-access';
import { ZipArchive } from '../../../src/interop/zip-reader';
import { collectBytes } from '../../../src/interop/zip-writer';
import { saeLensFiles, toSaeLens } from '../../../src/sae/formats/saelens';
import { Prng } from '../../../src/sae/prng';
import type { BundleBlobReader } from '../../../src/interop/bundle';
import { FakeStudio, studioRows } from './bundle-fixtures';
import { META, randomBytes, sameBytes, trained } from './helpers';

/** Runs `fn`; returns its value, or null when it threw an InteropError. Anything else fails the test. */
async function outcome<T>(what: string, fn: () => Promise<T> | T): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InteropError) {
      expect(e.message.length, what).toBeGreaterThan(0);
      return null;
    }
    throw new Error(`${what}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of an InteropError`, { cause: e });
  }
}

const { config, params } = trained('jumprelu', 11);
const exp = toSaeLens(params, config, META);
const files = saeLensFiles(exp, new Float32Array(8).fill(-2));
const cfgText = new TextDecoder().decode(files['cfg.json']);
const weights = files['sae_weights.safetensors']!;

/** A bundle small enough to read hundreds of times: rows of every table, small blobs. */
async function smallBundle(): Promise<{ bytes: Uint8Array; rows: BundleRows; blobs: Map<string, Uint8Array>; chunks: Uint8Array[] }> {
  const rows = studioRows();
  rows.models[0]!.files = rows.models[0]!.files.filter((f) => f.role === 'tokenizer');
  rows.saes[0]!.cfg = exp.cfgJson as unknown as Record<string, unknown>;
  Object.assign(rows.saes[0]!, { architecture: 'jumprelu', dIn: 5, dSae: 8 });
  const blobs = new Map<string, Uint8Array>([
    ['models/m1/tokenizer.json', new TextEncoder().encode('{"model":"bpe"}\n\n')],
    ['datasets/d1/part-000', new Uint8Array(40).fill(7)],
    ['saes/training-t1/sae_weights.safetensors', weights],
  ]);
  const reader: BundleBlobReader = { stream: (key) => blobs.get(key)! };
  const chunks: Uint8Array[] = [];
  for await (const c of writeBundle(rows, reader, { created: new Date('2025-01-01T00:00:00Z'), shardBytes: 2048, maxChunkBytes: 1024 })) chunks.push(c.slice());
  const bytes = await collectBytes((async function* () { yield* chunks; })());
  return { bytes, rows, blobs, chunks };
}

/** Opens, plans and streams every blob; on success the result must equal the original exactly. */
async function importWhole(bytes: Uint8Array, original: { rows: BundleRows; blobs: Map<string, Uint8Array> }, what: string): Promise<void> {
  const opened = await outcome<OpenedBundle>(what, () => openBundle(bytes, { chunkSize: 1024 }));
  if (!opened) return;
  expect(opened.rows, what).toEqual(original.rows);
  const plan = await outcome(what, () => planBundleImport(opened, new FakeStudio()));
  if (!plan) return;
  for (const blob of opened.blobs) {
    const data = await outcome(what, () => collectBytes(blob.chunks()));
    if (data) expect(sameBytes(data, original.blobs.get(blob.key)!), `${what}: ${blob.key}`).toBe(true);
  }
}

/** A one-byte change to a JSON text: replace, delete or insert a character. */
function mutateText(text: string, rng: Prng): string {
  const at = Math.floor(rng.uniform() * text.length);
  const chars = '{}[]",:0123456789.-eE truefalsnul\\';
  const c = chars[Math.floor(rng.uniform() * chars.length)]!;
  const op = Math.floor(rng.uniform() * 3);
  if (op === 0) return text.slice(0, at) + c + text.slice(at + 1);
  if (op === 1) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + c + text.slice(at);
}

const ODD_VALUES: unknown[] = [null, -1, 0, 1.5, 1e308, 'x', '', true, [], {}, [1, 2], { a: 1 }, 2 ** 53, -0];

/** Replaces one value somewhere in a parsed JSON structure with an odd one (or deletes a key). */
function mutateValue(root: unknown, rng: Prng): unknown {
  const copy = structuredClone(root);
  const holders: { obj: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (holders.push({ obj: v, key: i }), walk(x)));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) holders.push({ obj: v as Record<string, unknown>, key: k }), walk(x);
  };
  walk(copy);
  if (!holders.length) return copy;
  const { obj, key } = holders[Math.floor(rng.uniform() * holders.length)]!;
  const pick = Math.floor(rng.uniform() * (ODD_VALUES.length + 1));
  if (pick === ODD_VALUES.length && !Array.isArray(obj)) delete (obj as Record<string, unknown>)[key as string];
  else (obj as Record<string | number, unknown>)[key] = structuredClone(ODD_VALUES[pick % ODD_VALUES.length]);
  return copy;
}

describe('fuzz: random bytes', () => {
  it('SAELens zips, bundles, zip archives and safetensors made of random bytes fail with InteropError', async () => {
    for (let seed = 0; seed < 150; seed++) {
      const n = [0, 1, 21, 22, 100, 1000, 5000][seed % 7]!;
      const bytes = randomBytes(n, seed);
      // an end record at the very end makes the random bytes look like a zip to the first check
      if (seed % 3 === 0 && n >= 22) bytes.set([0x50, 0x4b, 0x05, 0x06], n - 22), bytes.set([0, 0], n - 2);
      expect(await outcome(`zip ${seed}`, () => importSaeLensZip(bytes))).toBeNull();
      expect(await outcome(`bundle ${seed}`, () => openBundle(bytes))).toBeNull();
      expect(await outcome(`safetensors ${seed}`, () => importSaeLensFiles([{ path: 'cfg.json', data: files['cfg.json']! }, { path: 'sae_weights.safetensors', data: bytes }]))).toBeNull();
      await outcome(`archive ${seed}`, async () => {
        const archive = await ZipArchive.open(bytesSource(bytes));
        for (const e of archive.entries) await archive.bytes(e);
      });
    }
  });

  it('random bytes inside a valid zip structure fail with InteropError', async () => {
    for (let seed = 0; seed < 60; seed++) {
      const junk = randomBytes(200 + seed * 13, 500 + seed);
      const zip = zipSync({ 'sae/cfg.json': seed % 2 ? files['cfg.json']! : junk, 'sae/sae_weights.safetensors': seed % 2 ? junk : weights }, { level: seed % 3 === 0 ? 0 : 6 });
      expect(await outcome(`inner ${seed}`, () => importSaeLensZip(zip))).toBeNull();
    }
  });

  it('Hub responses of random bytes fail with InteropError', async () => {
    for (let seed = 0; seed < 30; seed++) {
      const body = randomBytes(seed * 37, 900 + seed);
      const fetch = async (url: string) => (url.endsWith('cfg.json') && seed % 2 ? new Response(files['cfg.json']!.slice()) : new Response(body.slice()));
      expect(await outcome(`hub ${seed}`, () => importSaeLensFromHub({ repo: 'a/b', path: 'x', fetch, endpoint: 'http://h' }))).toBeNull();
    }
  });
});

describe('fuzz: truncation', () => {
  it('a SAELens zip cut anywhere fails with InteropError', async () => {
    const zip = await saeLensZip(exp, { name: 'sae', log10Density: new Float32Array(8).fill(-2) });
    for (let cut = 0; cut < zip.length; cut += cut < 64 || cut > zip.length - 128 ? 1 : 37) {
      expect(await outcome(`zip cut at ${cut}`, () => importSaeLensZip(zip.subarray(0, cut)))).toBeNull();
    }
  });

  it('weights cut anywhere fail with InteropError', async () => {
    for (let cut = 0; cut < weights.length; cut += cut < 300 ? 1 : 17) {
      expect(await outcome(`weights cut at ${cut}`, () => decodeSaeLensFolder({ folder: '', cfgText, weightsName: 'w', weights: weights.subarray(0, cut) }))).toBeNull();
    }
  });

  it('a bundle cut anywhere fails with InteropError', async () => {
    const { bytes } = await smallBundle();
    for (let cut = 0; cut < bytes.length; cut += cut > bytes.length - 200 ? 1 : 23) {
      expect(await outcome(`bundle cut at ${cut}`, () => openBundle(bytes.subarray(0, cut)))).toBeNull();
    }
  });

  it('a bundle stream interrupted at any chunk leaves an unreadable file, never a partial bundle', async () => {
    const { chunks, rows } = await smallBundle();
    expect(chunks.length).toBeGreaterThan(10);
    const whole = await collectBytes((async function* () { yield* chunks; })());
    expect((await openBundle(whole)).rows).toEqual(rows);
    for (let n = 0; n < chunks.length; n++) {
      const partial = await collectBytes((async function* () { yield* chunks.slice(0, n); })());
      expect(await outcome(`first ${n} chunks`, () => openBundle(partial))).toBeNull();
    }
  });
});

describe('fuzz: flipped bytes', () => {
  it('a bundle with any one byte changed either reads back identical or fails with InteropError', async () => {
    const original = await smallBundle();
    const rng = new Prng(77);
    for (let i = 0; i < 400; i++) {
      const damaged = original.bytes.slice();
      const at = Math.floor(rng.uniform() * damaged.length);
      damaged[at] = damaged[at]! ^ (1 + Math.floor(rng.uniform() * 255));
      await importWhole(damaged, original, `byte ${at}`);
    }
  });

  it('a SAELens zip with any one byte changed either imports the same SAE or fails with InteropError', async () => {
    const chunks: Uint8Array[] = [];
    for await (const c of saeLensZipStream(saeLensExportSource(exp), { name: 'sae' })) chunks.push(c);
    const zip = await collectBytes((async function* () { yield* chunks; })());
    const reference = await importSaeLensZip(zip);
    const rng = new Prng(78);
    for (let i = 0; i < 300; i++) {
      const damaged = zip.slice();
      const at = Math.floor(rng.uniform() * damaged.length);
      damaged[at] = damaged[at]! ^ (1 + Math.floor(rng.uniform() * 255));
      const imported = await outcome(`byte ${at}`, () => importSaeLensZip(damaged));
      if (imported) {
        expect(imported.cfg).toEqual(reference.cfg);
        expect(sameBytes(new Uint8Array(imported.params.W_enc.buffer), new Uint8Array(reference.params.W_enc.buffer))).toBe(true);
      }
    }
  });
});

describe('fuzz: mutated JSON', () => {
  it('cfg.json with one character or one value changed imports or fails with InteropError', async () => {
    const rng = new Prng(5);
    const parsed = JSON.parse(cfgText) as unknown;
    for (let i = 0; i < 400; i++) {
      const text = i % 2 ? mutateText(cfgText, rng) : JSON.stringify(mutateValue(parsed, rng));
      await outcome(`cfg ${i}: ${text.slice(0, 60)}`, () => decodeSaeLensFolder({ folder: '', cfgText: text, weightsName: 'w', weights }));
    }
  });

  it('a safetensors header with one value changed imports or fails with InteropError', async () => {
    const rng = new Prng(6);
    const n = new DataView(weights.buffer, weights.byteOffset).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(weights.subarray(8, 8 + n))) as unknown;
    const data = weights.subarray(8 + n);
    for (let i = 0; i < 300; i++) {
      const json = new TextEncoder().encode(JSON.stringify(mutateValue(header, rng)));
      const file = new Uint8Array(8 + json.length + data.length);
      new DataView(file.buffer).setUint32(0, json.length, true);
      file.set(json, 8);
      file.set(data, 8 + json.length);
      await outcome(`header ${i}`, () => decodeSaeLensFolder({ folder: '', cfgText, weightsName: 'w', weights: file }));
    }
  });

  it('bundle.json and row shards with one value changed open, plan, or fail with InteropError', async () => {
    const original = await smallBundle();
    const entries = unzipSync(original.bytes);
    const names = Object.keys(entries).filter((n) => n.endsWith('.json'));
    const rng = new Prng(8);
    for (let i = 0; i < 300; i++) {
      const name = names[i % names.length]!;
      const text = new TextDecoder().decode(entries[name]);
      const changed = i % 3 === 0 ? mutateText(text, rng) : JSON.stringify(mutateValue(JSON.parse(text), rng));
      const bundle = zipSync({ ...entries, [name]: new TextEncoder().encode(changed) }, { level: 0 });
      const opened = await outcome(`${name} ${i}`, () => openBundle(bundle));
      if (opened) {
        const studio = new FakeStudio();
        const plan = await outcome(`${name} ${i} plan`, () => planBundleImport(opened, studio));
        if (plan) await outcome(`${name} ${i} apply`, () => studio.apply(plan));
      }
    }
  });
});
