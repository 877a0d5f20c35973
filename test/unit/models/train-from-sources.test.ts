// The train job reading a stored activation cache and a model run over a tokenized dataset (ORT wasm, CPU
// reference trainer): both train to the end; a width that does not match the SAE is refused clearly.
import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import type { ActivationSourceSpec } from '../../../src/domain/entities';
import { runExtraction } from '../../../src/jobs/handlers/extractActivationsRun';
import { runTraining } from '../../../src/jobs/handlers/trainLoop';
import { openTrainingSource } from '../../../src/jobs/handlers/trainSource';
import { createTraining } from '../../../src/services/training/trainings';
import { activationCacheRepo } from '../../../src/store/repos/activationCaches';
import { trainingRepo } from '../../../src/store/repos/trainings';
import { ort } from '../lm/ort-helpers';
import { fakeContext as trainContext, referenceFactory, tinySpec } from '../training/helpers';
import { fakeContext, storeTinyModel, storeTokenization, useFreshStores } from './helpers';

const WINDOWS = Array.from({ length: 6 }, (_, w) => Array.from({ length: 8 }, (_, t) => 1 + ((w * 31 + t * 7) % 290)));

describe('training on model activations', { timeout: 30_000 }, () => {
  const stores = useFreshStores();

  async function trainingOn(source: ActivationSourceSpec, dIn = 32): Promise<string> {
    const t = await createTraining(tinySpec({ name: `on ${source.kind}` }));
    await trainingRepo.update(t.id, { source, config: { ...t.config, d_in: dIn, d_sae: 16 }, inputScaling: true, bDecInit: 'mean' });
    return t.id;
  }

  async function train(trainingId: string) {
    let t = 0;
    return runTraining(trainContext({ trainingId }), {
      createTrainer: referenceFactory,
      blobs: stores.blobs(),
      now: () => (t += 5),
      flushIntervalMs: 10,
      openSource: (spec) => openTrainingSource(spec, { blobs: stores.blobs(), ort, seed: 5, batchSize: 8 }),
    });
  }

  test('from a stored cache and straight from the model', { timeout: 60_000 }, async () => {
    const model = await storeTinyModel(stores.blobs());
    const tokenization = await storeTokenization(stores.blobs(), model.id, WINDOWS);
    const cache = await activationCacheRepo.create({ modelId: model.id, tokenizationId: tokenization.id, hook: 'blocks.0.hook_resid_post', dIn: 32, dtype: 'f32', rows: 0, shards: [], status: 'pending' });
    await runExtraction(
      fakeContext('extract-activations', { modelId: model.id, tokenizationId: tokenization.id, cacheIds: [cache.id], maxRows: 1000, batchWindows: 3, dtype: 'f32', prependBos: false }, {}),
      { ort, device: undefined, blobs: stores.blobs() },
    );

    const fromCache = await trainingOn({ kind: 'cache', cacheId: cache.id });
    expect(await train(fromCache)).toMatchObject({ status: 'completed' });
    expect((await trainingRepo.require(fromCache)).status).toBe('completed');

    const fromModel = await trainingOn({ kind: 'model', modelId: model.id, tokenizationId: tokenization.id, hook: 'blocks.1.hook_mlp_out' });
    expect(await train(fromModel)).toMatchObject({ status: 'completed' });
    const done = await trainingRepo.require(fromModel);
    expect(done.status).toBe('completed');
    expect(done.saeId).toBeDefined();
  });

  test('a source whose width differs from d_in is refused with the width to use', async () => {
    const model = await storeTinyModel(stores.blobs());
    const tokenization = await storeTokenization(stores.blobs(), model.id, WINDOWS);
    const id = await trainingOn({ kind: 'model', modelId: model.id, tokenizationId: tokenization.id, hook: 'blocks.0.hook_resid_pre' }, 16);
    await expect(train(id)).rejects.toThrow(/32-dimensional, but the SAE's d_in is 16/);
  });
});
