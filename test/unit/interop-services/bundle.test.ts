import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { collectBytes, InteropError } from '../../../src/interop';
import { applyBundlePlan, bundleExport, planBundleFile } from '../../../src/services/interop/bundle';
import { importSae } from '../../../src/services/interop/sae-import';
import { openDatabase, useDatabase, type MiStudioDatabase } from '../../../src/store/db';
import { IdbBlobStore } from '../../../src/store/idb-blob-store';
import { annotateFeature } from '../../../src/store/repos/features';
import { saeRepo } from '../../../src/store/repos/saes';
import { trainingTemplateRepo } from '../../../src/store/repos/trainingTemplates';

const dir = 'test/fixtures/sae-tiny';
const files = [
  { path: 'sae-tiny/cfg.json', data: new Uint8Array(readFileSync(`${dir}/cfg.json`)) },
  { path: 'sae-tiny/sae_weights.safetensors', data: new Uint8Array(readFileSync(`${dir}/sae_weights.safetensors`)) },
];

const cleanups: (() => Promise<unknown>)[] = [];
function freshStudio(): IdbBlobStore {
  const database: MiStudioDatabase = openDatabase(`test-${crypto.randomUUID()}`);
  useDatabase(database);
  const blobs = new IdbBlobStore(`blobs-${crypto.randomUUID()}`);
  cleanups.push(() => database.delete(), () => blobs.database.delete());
  return blobs;
}
afterEach(async () => {
  useDatabase(undefined);
  for (const c of cleanups.splice(0)) await c();
});

async function makeBundle(blobs: IdbBlobStore): Promise<{ bytes: Uint8Array<ArrayBuffer>; templateId: string; saeId: string }> {
  const { sae } = await importSae({ kind: 'files', files }, { name: 'Bundled SAE' }, blobs);
  await annotateFeature(sae.id, 3, { label: 'commas', favourite: 1 });
  const template = await trainingTemplateRepo.create({ name: 'My template', description: '', builtIn: false, favourite: 0, config: { architecture: 'topk', k: 4 }, batchSize: 64 });
  const file = await bundleExport({ trainingTemplateIds: [template.id], extractionTemplateIds: [], saeIds: [sae.id], includeFeatures: true, includeModelsAndDatasets: true }, blobs);
  return { bytes: new Uint8Array(await collectBytes(file.chunks)), templateId: template.id, saeId: sae.id };
}

describe('project bundles', () => {
  it('restores templates, SAEs with weights and feature labels in a fresh studio', async () => {
    const made = await makeBundle(freshStudio());
    const blobs = freshStudio();
    const plan = await planBundleFile(new File([new Uint8Array(made.bytes)], 'b.zip'), blobs);
    const result = await applyBundlePlan(plan, {}, blobs);
    expect(result.counts).toMatchObject({ trainingTemplates: 1, saes: 1, features: 1 });
    const sae = await saeRepo.require(made.saeId);
    expect(sae.name).toBe('Bundled SAE');
    expect(await blobs.has(sae.blobKey)).toBe(true);
    expect((await trainingTemplateRepo.require(made.templateId)).name).toBe('My template');
  });

  it('gives new ids when the studio already has the rows', async () => {
    const blobs = freshStudio();
    const made = await makeBundle(blobs);
    const plan = await planBundleFile(new File([new Uint8Array(made.bytes)], 'b.zip'), blobs);
    await applyBundlePlan(plan, {}, blobs);
    expect(await saeRepo.all()).toHaveLength(2);
  });

  it('rejects a damaged bundle before changing anything', async () => {
    const made = await makeBundle(freshStudio());
    const blobs = freshStudio();
    const cut = made.bytes.subarray(0, made.bytes.length - 100);
    await expect(planBundleFile(new File([new Uint8Array(cut)], 'b.zip'), blobs)).rejects.toBeInstanceOf(InteropError);
    // a blob damaged in the middle fails while streaming: the written blobs are removed, no row is added
    const plan = await planBundleFile(new File([new Uint8Array(made.bytes)], 'b.zip'), blobs);
    const weights = plan.blobs[0]!;
    const broken = { ...plan, blobs: [{ ...weights, stream: () => new ReadableStream<Uint8Array>({ start: (c) => c.error(new Error('disk gone')) }) }] };
    await expect(applyBundlePlan(broken, {}, blobs)).rejects.toThrow(/disk gone/);
    expect(await saeRepo.all()).toEqual([]);
    expect(await blobs.list()).toEqual([]);
  });
});
