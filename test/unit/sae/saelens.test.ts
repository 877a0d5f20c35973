import { describe, expect, it } from 'vitest';
import { validateSaeConfig, type Architecture, type SaeConfig, type SaeParams } from '../../../src/sae/config';
import { readSafetensors, tensorToFloat32, type Float32Tensor } from '../../../src/sae/formats/safetensors';
import { fromSaeLens, readSaeLensFolder, saeLensFiles, toSaeLens } from '../../../src/sae/formats/saelens';
import { initSaeParams } from '../../../src/sae/init';
import { Prng } from '../../../src/sae/prng';
import { inferenceForward, toReferenceParams } from '../../../src/sae/reference';

const EXPLICIT = { total_steps: 10, lr: 1e-3, lr_warmup_steps: 0, lr_decay_steps: 0, dead_steps_threshold: 1000 };
const META = { model_name: 'tiny-gpt', hook_name: 'blocks.1.hook_resid_post', context_size: 64, prepend_bos: true, dataset_path: 'local/tiny.txt' };

function trained(arch: Architecture, seed = 1): { config: SaeConfig; params: SaeParams } {
  const config = validateSaeConfig({ ...EXPLICIT, architecture: arch, d_in: 5, d_sae: 8, k: 2, initial_threshold: 0.2 });
  const params = initSaeParams(config, { seed });
  const rng = new Prng(seed + 100);
  for (const t of [params.W_enc, params.b_enc, params.b_dec]) for (let i = 0; i < t.length; i++) t[i] = Math.fround(t[i]! + 0.2 * rng.normal());
  if (params.log_threshold) for (let j = 0; j < 8; j++) params.log_threshold[j] = Math.log(0.05 + 0.3 * rng.uniform());
  return { config, params };
}

describe('toSaeLens', () => {
  it('writes the SAELens v6 cfg fields', () => {
    const { config, params } = trained('topk');
    const { cfgJson, tensors } = toSaeLens(params, config, META);
    expect(cfgJson).toEqual({
      d_in: 5,
      d_sae: 8,
      dtype: 'float32',
      device: 'cpu',
      apply_b_dec_to_input: true,
      normalize_activations: 'none',
      reshape_activations: 'none',
      architecture: 'topk',
      k: 2,
      rescale_acts_by_decoder_norm: false,
      metadata: { ...META, hook_head_index: null },
    });
    expect(Object.keys(tensors).sort()).toEqual(['W_dec', 'W_enc', 'b_dec', 'b_enc']);
    expect(tensors.W_enc!.shape).toEqual([5, 8]);
    expect(tensors.W_dec!.shape).toEqual([8, 5]);
  });

  it('names relu "standard" and saves JumpReLU θ = exp(log_threshold)', () => {
    expect(toSaeLens(trained('relu').params, trained('relu').config, META).cfgJson.architecture).toBe('standard');
    const { config, params } = trained('jumprelu');
    const { cfgJson, tensors } = toSaeLens(params, config, META);
    expect(cfgJson.architecture).toBe('jumprelu');
    expect(cfgJson.k).toBeUndefined();
    expect(Array.from(tensors.threshold!.data)).toEqual(Array.from(params.log_threshold!, (v) => Math.fround(Math.exp(v))));
  });

  it('saves BatchTopK as JumpReLU with the learned batch threshold on every latent', () => {
    const { config, params } = trained('batchtopk');
    expect(() => toSaeLens(params, config, META)).toThrow(/no learned threshold/);
    const { cfgJson, tensors } = toSaeLens(params, config, META, { thresholdBatch: 0.75 });
    expect(cfgJson.architecture).toBe('jumprelu');
    expect(Array.from(tensors.threshold!.data)).toEqual(new Array(8).fill(0.75));
  });

  it('folds the input scale into the weights', () => {
    const { config, params } = trained('jumprelu');
    const s = 4;
    const { tensors } = toSaeLens(params, config, META, { inputScale: s });
    expect(tensors.W_enc!.data).toEqual(params.W_enc);
    expect(Array.from(tensors.b_dec!.data)).toEqual(Array.from(params.b_dec, (v) => Math.fround(v / s)));
    expect(tensors.threshold!.data[0]).toBeCloseTo(Math.exp(params.log_threshold![0]!) / s, 6);
  });
});

describe('SAELens round trip', () => {
  it.each<Architecture>(['relu', 'topk', 'batchtopk', 'jumprelu'])('%s: the re-imported SAE on raw x gives x̂_used / s', (arch) => {
    const { config, params } = trained(arch, 3);
    const s = 2.5;
    const theta = arch === 'batchtopk' ? 0.3 : null;
    const files = saeLensFiles(toSaeLens(params, config, META, { inputScale: s, thresholdBatch: theta }), new Float32Array(8).fill(-2));
    expect(Object.keys(files).sort()).toEqual(['cfg.json', 'sae_weights.safetensors', 'sparsity.safetensors']);
    expect(tensorToFloat32(readSafetensors(files['sparsity.safetensors']!).tensors.get('sparsity')!)).toEqual(new Float32Array(8).fill(-2));
    const imported = readSaeLensFolder(new TextDecoder().decode(files['cfg.json']), files['sae_weights.safetensors']!);
    expect(imported.architecture).toBe(arch === 'relu' ? 'relu' : arch === 'topk' ? 'topk' : 'jumprelu');
    expect(imported.metadata).toMatchObject(META);

    const rng = new Prng(5);
    const B = 6;
    const raw = Array.from({ length: B * 5 }, () => rng.normal());
    const dims = { B, dIn: 5, dSae: 8 };
    const usedOut = inferenceForward(config, toReferenceParams(params, config), raw.map((v) => v * s), dims, theta);
    const importedConfig = { architecture: imported.architecture, apply_b_dec_to_input: imported.apply_b_dec_to_input, k: imported.k };
    const rawOut = inferenceForward(importedConfig, toReferenceParams(imported.params, { ...importedConfig, d_in: 5, d_sae: 8 }), raw, dims, null);
    expect(usedOut.featureActs.some((v) => v > 0)).toBe(true);
    for (let i = 0; i < rawOut.xHat.length; i++) expect(rawOut.xHat[i]).toBeCloseTo(usedOut.xHat[i]! / s, 5);
  });
});

describe('fromSaeLens validation', () => {
  const { config, params } = trained('jumprelu');
  const exp = toSaeLens(params, config, META);
  const cfg = exp.cfgJson as unknown as Record<string, unknown>;
  const tensors = exp.tensors;
  const without = (name: string) => Object.fromEntries(Object.entries(tensors).filter(([k]) => k !== name));

  it('accepts log_threshold instead of threshold', () => {
    const { threshold, ...rest } = tensors;
    const logT: Float32Tensor = { shape: [8], data: Float32Array.from(threshold!.data, Math.log) };
    const imported = fromSaeLens(cfg, { ...rest, log_threshold: logT });
    expect(imported.params.log_threshold).toEqual(logT.data);
  });

  it('treats a cfg without architecture as standard and reads legacy flat metadata', () => {
    const legacy = { d_in: 5, d_sae: 8, model_name: 'gpt2', hook_name: 'blocks.0.hook_resid_pre', hook_layer: 0 };
    const imported = fromSaeLens(legacy, without('threshold'));
    expect(imported.architecture).toBe('relu');
    expect(imported.apply_b_dec_to_input).toBe(true);
    expect(imported.metadata).toEqual({ model_name: 'gpt2', hook_name: 'blocks.0.hook_resid_pre', hook_layer: 0 });
  });

  it.each<[string, unknown, Record<string, Float32Tensor>, RegExp]>([
    ['a non-object cfg', [1], tensors, /must be a JSON object/],
    ['a missing d_in', { ...cfg, d_in: undefined }, tensors, /d_in must be a positive integer/],
    ['an unknown architecture', { ...cfg, architecture: 'gated' }, tensors, /architecture "gated" is not supported/],
    ['normalised activations', { ...cfg, normalize_activations: 'expected_average_only_in' }, tensors, /normalize_activations is "expected_average_only_in"/],
    ['a topk cfg without k', { ...cfg, architecture: 'topk' }, tensors, /integer k in \[1, d_sae=8\]/],
    ['decoder-norm rescaling', { ...cfg, architecture: 'topk', k: 2, rescale_acts_by_decoder_norm: true }, tensors, /rescale_acts_by_decoder_norm/],
    ['a missing tensor', cfg, without('W_dec'), /lack tensor W_dec \(expected shape \[8, 5\]\)/],
    ['a transposed tensor', cfg, { ...tensors, W_enc: { shape: [8, 5], data: tensors.W_enc!.data } }, /W_enc has shape \[8, 5\].*requires \[5, 8\]/],
    ['a JumpReLU without threshold', cfg, without('threshold'), /needs a threshold \(or log_threshold\)/],
    ['a negative threshold', cfg, { ...tensors, threshold: { shape: [8], data: new Float32Array(8).fill(-1) } }, /threshold\[0\] is -1/],
  ])('rejects %s', (_what, badCfg, badTensors, message) => {
    expect(() => fromSaeLens(badCfg, badTensors)).toThrow(message);
  });

  it('rejects cfg.json that is not JSON', () => {
    expect(() => readSaeLensFolder('{nope', new Uint8Array(0))).toThrow(/cfg.json is not valid JSON/);
  });
});
