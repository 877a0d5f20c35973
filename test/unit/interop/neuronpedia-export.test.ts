import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { FeatureExampleRecord, FeatureRecord } from '../../../src/domain/entities';
import { saeLensFiles, toSaeLens } from '../../../src/sae/formats/saelens';
import { neuronpediaExport, neuronpediaExportFileName, type NeuronpediaExportInput } from '../../../src/interop/neuronpedia-export';
import type { FeatureDetails, NeuronpediaFeature } from '../../../src/interop/neuronpedia-feature';
import { importSaeLensZip } from '../../../src/interop/saelens-import';
import { collectBytes } from '../../../src/interop/zip-writer';
import { expectInteropError, META, sameBytes, trained } from './helpers';

const { config, params } = trained('topk', 2);
const exp = toSaeLens(params, config, META);
const files = saeLensFiles(exp);
const weights = files['sae_weights.safetensors']!;
const decoder = new TextDecoder();

function record(index: number, patch: Partial<FeatureRecord> = {}): FeatureRecord {
  return { id: `s1:${index}`, saeId: 's1', index, label: '', category: '', notes: '', favourite: 0, density: 0.001 * (index + 1), maxActivation: 2 + index, updatedAt: 1, ...patch };
}

function example(featureIndex: number, rank: number, kind: 'top' | 'quantile' = 'top'): FeatureExampleRecord {
  return { id: `s1:${featureIndex}:${kind}:${rank}`, saeId: 's1', featureIndex, kind, rank, tokens: ['The', ' cat', ' sat'], activations: [0, 5 - rank, 1] };
}

function details(index: number): FeatureDetails {
  return {
    examples: [example(index, 2), example(index, 0), example(index, 1), example(index, 0, 'quantile')],
    activationHistogram: { edges: [0, 1, 2, 4], counts: [10, 5, 1] },
    logitHistogram: { edges: [-1, 0, 1], counts: [3, 4] },
    logitEffects: { pos: [{ token: ' mat', value: 1.5 }, { token: ' hat', value: 1.2 }], neg: [{ token: ' dog', value: -0.9 }] },
  };
}

function input(patch: Partial<NeuronpediaExportInput> = {}): NeuronpediaExportInput {
  return {
    sae: { name: 'GPT-2 L8 TopK', architecture: 'topk', dIn: 5, dSae: 8, cfg: exp.cfgJson as unknown as Record<string, unknown> },
    saeFolder: { cfg: exp.cfgJson as unknown as Record<string, unknown>, weights, weightsBytes: weights.length },
    model: { name: 'gpt2', neuronpediaId: 'gpt2-small' },
    hookName: 'blocks.8.hook_resid_pre',
    dataset: { name: 'TinyStories', path: 'roneneldan/TinyStories' },
    features: [record(3, { label: 'cats sitting', category: 'animals', favourite: 1 }), record(5, { favourite: 1 }), record(0)],
    details,
    ...patch,
  };
}

const exportedAt = new Date('2025-05-06T07:08:09Z');

describe('Neuronpedia export', () => {
  it('writes metadata, one Neuronpedia-shaped JSON per feature and the SAELens folder', async () => {
    const zip = await collectBytes(neuronpediaExport(input(), { exportedAt, examplesPerFeature: 2 }));
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toEqual([
      'metadata.json',
      ...Array.from({ length: 8 }, (_, i) => `features/${i}.json`),
      'sae/cfg.json',
      'sae/sae_weights.safetensors',
    ]);
    const metadata = JSON.parse(decoder.decode(entries['metadata.json']));
    expect(metadata).toMatchObject({
      format: 'mistudio-neuronpedia-export/1',
      exportedAt: '2025-05-06T07:08:09.000Z',
      generator: { name: 'miStudio' },
      model: { name: 'gpt2', neuronpediaId: 'gpt2-small' },
      hookName: 'blocks.8.hook_resid_pre',
      layer: 8,
      neuronpediaSourceId: '8-mistudio',
      sae: { name: 'GPT-2 L8 TopK', architecture: 'topk', saelensArchitecture: 'topk', dIn: 5, dSae: 8, k: 2 },
      dataset: { name: 'TinyStories', path: 'roneneldan/TinyStories' },
      features: { selection: 'all', count: 8, examplesPerFeature: 2 },
    });
    expect(typeof metadata.generator.version).toBe('string');

    const f3 = JSON.parse(decoder.decode(entries['features/3.json'])) as NeuronpediaFeature;
    expect(f3).toEqual({
      modelId: 'gpt2-small',
      layer: '8-mistudio',
      index: '3',
      hookName: 'blocks.8.hook_resid_pre',
      explanations: [{ description: 'cats sitting' }],
      maxActApprox: 5,
      frac_nonzero: 0.004,
      freq_hist_data_bar_heights: [10, 5, 1],
      freq_hist_data_bar_values: [0.5, 1.5, 3],
      logits_hist_data_bar_heights: [3, 4],
      logits_hist_data_bar_values: [-0.5, 0.5],
      pos_str: [' mat', ' hat'],
      pos_values: [1.5, 1.2],
      neg_str: [' dog'],
      neg_values: [-0.9],
      activations: [
        { tokens: ['The', ' cat', ' sat'], values: [0, 5, 1], maxValue: 5, maxValueTokenIndex: 1, minValue: 0 },
        { tokens: ['The', ' cat', ' sat'], values: [0, 4, 1], maxValue: 4, maxValueTokenIndex: 1, minValue: 0 },
      ],
      mistudio: { label: 'cats sitting', category: 'animals', notes: '', favourite: true, meanActivation: null, topTokens: [] },
    });
    // a feature with no row: what details gives, the rest empty
    const f7 = JSON.parse(decoder.decode(entries['features/7.json'])) as NeuronpediaFeature;
    expect(f7.explanations).toEqual([]);
    expect(f7.frac_nonzero).toBeNull();
    expect(f7.maxActApprox).toBe(5);

    expect(sameBytes(entries['sae/sae_weights.safetensors']!, weights)).toBe(true);
    const imported = await importSaeLensZip(zip);
    expect(imported.folder).toBe('sae');
    expect(imported.k).toBe(2);
    expect(neuronpediaExportFileName('GPT-2 L8 TopK')).toBe('GPT-2_L8_TopK-neuronpedia.zip');
  });

  it('exports favourites or a list, and checks the list', async () => {
    const favourites = unzipSync(await collectBytes(neuronpediaExport(input(), { selection: { kind: 'favourites' } })));
    expect(Object.keys(favourites).filter((n) => n.startsWith('features/'))).toEqual(['features/3.json', 'features/5.json']);
    const list = unzipSync(await collectBytes(neuronpediaExport(input(), { selection: { kind: 'list', indices: [6, 1] }, examplesPerFeature: 0 })));
    expect(Object.keys(list).filter((n) => n.startsWith('features/'))).toEqual(['features/6.json', 'features/1.json']);
    expect((JSON.parse(decoder.decode(list['features/6.json'])) as NeuronpediaFeature).activations).toEqual([]);

    await expectInteropError(collectBytes(neuronpediaExport(input(), { selection: { kind: 'list', indices: [8] } })), 'invalid-option', /Feature 8 does not exist: this SAE has features 0 to 7/);
    await expectInteropError(collectBytes(neuronpediaExport(input(), { selection: { kind: 'list', indices: [1, 1] } })), 'invalid-option', /listed twice/);
    await expectInteropError(collectBytes(neuronpediaExport(input({ features: [] }), { selection: { kind: 'favourites' } })), 'invalid-option', /No feature of this SAE is marked/);
    await expectInteropError(collectBytes(neuronpediaExport(input(), { examplesPerFeature: -1 })), 'invalid-option');
  });

  it('asks for one feature at a time and streams the weights', async () => {
    const asked: number[] = [];
    let weightChunks = 0;
    const big = new Uint8Array(3 * 1024 * 1024);
    const out = neuronpediaExport(
      input({
        details: (i) => {
          asked.push(i);
          return details(i);
        },
        saeFolder: {
          cfg: {},
          weights: (async function* () {
            for (let i = 0; i < big.length; i += 65536) {
              weightChunks++;
              yield big.subarray(i, i + 65536);
            }
          })(),
        },
      }),
      { exportedAt },
    );
    let chunks = 0;
    for await (const chunk of out) {
      chunks++;
      expect(chunk.length).toBeLessThanOrEqual(1024 * 1024);
      // no feature is fetched long before its JSON is handed on
      expect(asked.length).toBeLessThanOrEqual(chunks + 1);
    }
    expect(asked).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(weightChunks).toBe(48);
    expect(chunks).toBeGreaterThan(48);
  });

  it.each<[string, FeatureDetails | ((i: number) => FeatureDetails), RegExp]>([
    ['a histogram with as many edges as bars', { activationHistogram: { edges: [0, 1], counts: [1, 2] } }, /2 edges for 2 bars/],
    ['decreasing histogram edges', { logitHistogram: { edges: [0, 2, 1], counts: [1, 2] } }, /edges must increase/],
    ['a NaN activation', { examples: [{ ...example(0, 0), activations: [0, NaN, 1] }] }, /value 1 is NaN/],
    ['an infinite logit effect', { logitEffects: { pos: [{ token: 'x', value: Infinity }], neg: [] } }, /positive logit effect 0 is Infinity/],
    ['tokens and values of different lengths', { examples: [{ ...example(0, 0), tokens: ['a'] }] }, /1 tokens and 3 values/],
  ])('refuses %s', async (_what, bad, message) => {
    await expectInteropError(collectBytes(neuronpediaExport(input({ details: () => bad as FeatureDetails }), { selection: { kind: 'list', indices: [0] } })), 'invalid-data', message);
  });

  it('refuses a density outside [0, 1]', async () => {
    await expectInteropError(collectBytes(neuronpediaExport(input({ features: [record(0, { density: 2 })] }), { selection: { kind: 'list', indices: [0] } })), 'invalid-data', /density is 2/);
  });
});
