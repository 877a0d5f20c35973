import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../../scripts/hub-server.mjs';
import { collectBytes, InteropError } from '../../../src/interop';
import { readSaeLensFolder } from '../../../src/sae/formats/saelens';
import { compareWithModels, importSae, previewSaeImport, saveImportedSae } from '../../../src/services/interop/sae-import';
import { parseFeatureList, saeLensExport } from '../../../src/services/interop/sae-export';
import { setHubEndpoint } from '../../../src/services/datasets/hub';
import { openDatabase, useDatabase, type MiStudioDatabase } from '../../../src/store/db';
import { IdbBlobStore } from '../../../src/store/idb-blob-store';
import { modelRepo } from '../../../src/store/repos/models';
import { saeRepo } from '../../../src/store/repos/saes';

const dir = 'test/fixtures/sae-tiny';
const cfg = readFileSync(`${dir}/cfg.json`);
const weights = readFileSync(`${dir}/sae_weights.safetensors`);
const files = () => [
  { path: 'sae-tiny/cfg.json', data: new Uint8Array(cfg) },
  { path: 'sae-tiny/sae_weights.safetensors', data: new Uint8Array(weights) },
];

let database: MiStudioDatabase;
let blobs: IdbBlobStore;
beforeEach(() => {
  database = openDatabase(`test-${crypto.randomUUID()}`);
  useDatabase(database);
  blobs = new IdbBlobStore(`blobs-${crypto.randomUUID()}`);
});
afterEach(async () => {
  useDatabase(undefined);
  await database.delete();
  await blobs.database.delete();
});

async function addModel(dModel: number): Promise<string> {
  const m = await modelRepo.create({ name: 'tiny', source: { kind: 'local' }, status: 'ready', files: [], info: { dModel } });
  return m.id;
}

describe('importSae', () => {
  it('stores the weights (readable by the studio) and the row, attached to a fitting model', async () => {
    const modelId = await addModel(32);
    const { sae, warnings } = await importSae({ kind: 'files', files: files() }, {}, blobs);
    expect(warnings).toEqual([]);
    expect(sae).toMatchObject({ name: 'sae-tiny', architecture: 'relu', dIn: 32, dSae: 32, origin: { kind: 'import', fileName: 'sae-tiny' }, modelId, hook: 'blocks.0.hook_resid_post' });
    const stored = new Uint8Array(await (await blobs.read(sae.blobKey)).arrayBuffer());
    const back = readSaeLensFolder(JSON.stringify(sae.cfg), stored);
    const original = readSaeLensFolder(cfg.toString(), new Uint8Array(weights));
    expect(back.params.W_enc).toEqual(original.params.W_enc);
    expect((sae.cfg.metadata as Record<string, unknown>).dataset_path).toBe('mistudio/tiny-text');
  });

  it('warns but imports when no model fits', async () => {
    const { sae, warnings } = await importSae({ kind: 'zip', file: new Blob([zipSync({ 'x/cfg.json': cfg, 'x/sae_weights.safetensors': weights })]), fileName: 'x.zip' }, {}, blobs);
    expect(sae.modelId).toBeUndefined();
    expect(warnings.join(' ')).toMatch(/no model in the studio/i);
  });

  it('blocks a d_in mismatch with the chosen model and stores nothing', async () => {
    const modelId = await addModel(16);
    const preview = await previewSaeImport({ kind: 'files', files: files() }, blobs);
    expect(preview.bestModelId).toBeNull();
    await expect(saveImportedSae(preview, { name: 'x', modelId }, blobs)).rejects.toMatchObject({ code: 'wrong-dims' });
    expect(await saeRepo.all()).toEqual([]);
    expect(await blobs.list()).toEqual([]);
  });

  it('rejects a bad zip and a truncated weights file with an InteropError, adding nothing', async () => {
    await expect(importSae({ kind: 'zip', file: new Blob([new Uint8Array([1, 2, 3, 4])]), fileName: 'bad.zip' }, {}, blobs)).rejects.toBeInstanceOf(InteropError);
    const cut = [files()[0]!, { path: 'sae-tiny/sae_weights.safetensors', data: new Uint8Array(weights).subarray(0, 500) }];
    await expect(importSae({ kind: 'files', files: cut }, {}, blobs)).rejects.toMatchObject({ code: 'truncated' });
    expect(await saeRepo.all()).toEqual([]);
    expect(await blobs.list()).toEqual([]);
  });
});

describe('saeLensExport', () => {
  it('streams a zip with cfg.json and the stored weights', async () => {
    const { sae } = await importSae({ kind: 'files', files: files() }, { name: 'My SAE' }, blobs);
    const file = await saeLensExport(sae.id, blobs);
    expect(file.fileName).toBe('My_SAE.zip');
    const entries = unzipSync(await collectBytes(file.chunks));
    expect(Object.keys(entries).sort()).toEqual(['My_SAE/cfg.json', 'My_SAE/sae_weights.safetensors']);
    const stored = new Uint8Array(await (await blobs.read(sae.blobKey)).arrayBuffer());
    expect(entries['My_SAE/sae_weights.safetensors']).toEqual(stored);
  });
});

describe('parseFeatureList', () => {
  it('reads numbers and ranges, and says what is wrong', () => {
    expect(parseFeatureList('3, 1 5-7')).toEqual([3, 1, 5, 6, 7]);
    expect(() => parseFeatureList('3, x')).toThrow(/not a feature number/);
    expect(() => parseFeatureList('7-5')).toThrow(/ends before/);
  });
});

describe('attaching to a model', () => {
  it('takes the model’s name for the same residual tensor, and refuses a hook the model lacks', async () => {
    const preview = await previewSaeImport({ kind: 'files', files: files() }, blobs);
    const model = { id: 'm1', name: 'tiny', dModel: 32, hookPoints: ['blocks.0.hook_resid_pre', 'blocks.1.hook_resid_pre'] };
    const withModel = { ...preview, models: compareWithModels(preview.imported, [model]) };
    expect(withModel.models[0]!.compatibility.compatible).toBe(true);
    const sae = await saveImportedSae(withModel, { name: 'x', modelId: 'm1', hook: 'blocks.0.hook_resid_post' }, blobs);
    expect(sae).toMatchObject({ modelId: 'm1', hook: 'blocks.1.hook_resid_pre' });
    await expect(saveImportedSae(withModel, { name: 'y', modelId: 'm1', hook: 'blocks.5.hook_mlp_out' }, blobs)).rejects.toMatchObject({ code: 'invalid-option' });
  });
});

describe('from the Hub (the local Hub-layout server)', () => {
  let hub: HubServer;
  beforeAll(async () => {
    hub = await startHubServer();
  });
  afterAll(async () => {
    await hub.close();
  });
  const repo = 'mistudio/tiny-saes';

  it('downloads a named folder and checks it', async () => {
    await setHubEndpoint(hub.url);
    const preview = await previewSaeImport({ kind: 'hub', repo, path: 'blocks.0.hook_resid_post' });
    expect(preview.imported).toMatchObject({ dIn: 32, dSae: 32, hookName: 'blocks.0.hook_resid_post' });
  });

  it('an empty folder takes the only SAE; a mistyped one lists the folders to choose from', async () => {
    await setHubEndpoint(hub.url);
    expect((await previewSaeImport({ kind: 'hub', repo })).imported.dSae).toBe(32);
    const error = await previewSaeImport({ kind: 'hub', repo, path: 'blocks.9.hook_resid_pre' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteropError);
    expect((error as InteropError).message).toContain('blocks.9.hook_resid_pre');
    expect((error as InteropError).candidates).toEqual(['blocks.0.hook_resid_post']);
  });

  it('a repository that does not exist is a clear error', async () => {
    await setHubEndpoint(hub.url);
    await expect(previewSaeImport({ kind: 'hub', repo: 'mistudio/no-such-saes' })).rejects.toThrow(/not found|does not exist/i);
  });
});
