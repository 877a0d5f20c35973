import { describe, expect, it } from 'vitest';
import type { Architecture } from '../../../src/sae/config';
import type { TrainingTemplate } from '../../../src/domain/entities';
import { saeLensTrainingConfig, type SaeLensTrainingInput } from '../../../src/interop/saelens-training-config';
import { expectInteropError } from './helpers';

const TEMPLATES: Record<Architecture, Pick<TrainingTemplate, 'name' | 'config' | 'batchSize' | 'expansionFactor'>> = {
  relu: { name: 'ReLU L1 5', config: { architecture: 'relu', total_steps: 30000, lr: 0.0003, l1_coefficient: 5, l1_warmup_steps: 1500, lr_decay_steps: 6000 }, batchSize: 4096, expansionFactor: 8 },
  topk: { name: 'TopK 32', config: { architecture: 'topk', d_sae: 24576, total_steps: 20000, lr: 0.0002, k: 32, lr_warmup_steps: 1000, dead_steps_threshold: 5000 }, batchSize: 4096 },
  batchtopk: { name: 'BatchTopK 64', config: { architecture: 'batchtopk', total_steps: 50000, k: 64, threshold_momentum: 0.99, aux_coefficient: 0.03125, grad_clip_norm: 1 }, batchSize: 8192, expansionFactor: 16 },
  jumprelu: { name: 'JumpReLU (L0 2)', config: { architecture: 'jumprelu', total_steps: 100000, lr: 0.00007, l0_coefficient: 2, bandwidth: 0.001, initial_threshold: 0.001, adam_beta1: 0, lr_decay_steps: 20000 }, batchSize: 4096, expansionFactor: 4 },
};

function input(arch: Architecture, patch: Partial<SaeLensTrainingInput> = {}): SaeLensTrainingInput {
  return { template: TEMPLATES[arch], modelName: 'gpt2', hookName: 'blocks.8.hook_resid_pre', datasetPath: 'apollo-research/roneneldan-TinyStories-tokenizer-gpt2', contextSize: 128, dIn: 768, isDatasetTokenized: true, ...patch };
}

describe('SAELens training config', () => {
  it.each<Architecture>(['relu', 'topk', 'batchtopk', 'jumprelu'])('%s: matches the golden script and JSON', async (arch) => {
    const out = saeLensTrainingConfig(input(arch));
    await expect(out.python.replace(/miStudio \d+\.\d+\.\d+(-[\w.]+)?(?=\.$)/m, 'miStudio VERSION')).toMatchFileSnapshot(`golden/train_${arch}.py`);
    await expect(out.jsonText).toMatchFileSnapshot(`golden/train_${arch}.json`);
    expect(JSON.parse(out.jsonText)).toEqual(out.json);
  });

  it('carries the numbers over', () => {
    const topk = saeLensTrainingConfig(input('topk'));
    expect(topk.saeClass).toBe('TopKTrainingSAEConfig');
    expect(topk.json).toMatchObject({
      sae: { architecture: 'topk', d_in: 768, d_sae: 24576, k: 32, aux_loss_coefficient: 1 / 32, rescale_acts_by_decoder_norm: true, decoder_init_norm: 1, normalize_activations: 'none' },
      model_name: 'gpt2',
      hook_name: 'blocks.8.hook_resid_pre',
      context_size: 128,
      training_tokens: 20000 * 4096,
      train_batch_size_tokens: 4096,
      lr: 0.0002,
      lr_warm_up_steps: 1000,
      lr_decay_steps: 0,
      dead_feature_window: 5000,
      feature_sampling_window: 5000,
      logger: { log_to_wandb: false, run_name: 'topk_32-topk-24576' },
    });
    expect(topk.scriptName).toBe('train_topk_32.py');
    const relu = saeLensTrainingConfig(input('relu', { inputScaling: true }));
    expect(relu.json.sae).toMatchObject({ architecture: 'standard', d_sae: 6144, l1_coefficient: 5, l1_warm_up_steps: 1500, decoder_init_norm: 0.1, normalize_activations: 'expected_average_only_in' });
    const batch = saeLensTrainingConfig(input('batchtopk'));
    expect(batch.json.sae).toMatchObject({ architecture: 'batchtopk', k: 64, topk_threshold_lr: 0.01, d_sae: 12288 });
    expect(batch.python).toContain('        k=64.0,');
    const jump = saeLensTrainingConfig(input('jumprelu'));
    expect(jump.json.sae).toMatchObject({ jumprelu_init_threshold: 0.001, jumprelu_bandwidth: 0.001, l0_coefficient: 2 });
    expect(jump.json).toMatchObject({ adam_beta1: 0, lr: 0.00007, lr_decay_steps: 20000 });
    expect(jump.python).toContain('    adam_beta1=0.0,');
    expect(jump.python).toContain('    lr=0.00007,');
  });

  it('lists what SAELens cannot express', () => {
    expect(saeLensTrainingConfig(input('batchtopk')).warnings).toEqual(['grad_clip_norm = 1: SAELens\' runner config has no setting for gradient clipping.']);
    const odd = saeLensTrainingConfig(input('topk', { template: { ...TEMPLATES.topk, config: { ...TEMPLATES.topk.config, k_aux: 100, adam_eps: 1e-6 } } }));
    expect(odd.warnings).toEqual([
      'k_aux = 100: SAELens always uses d_in / 2 = 384 dead latents in the auxiliary loss.',
      'adam_eps = 0.000001: SAELens\' runner config has no setting for it (PyTorch\'s default is 1e-8).',
    ]);
    expect(odd.python).toContain('#   - k_aux = 100');
  });

  it('uses the template\'s d_in when it has one, and refuses what cannot work', async () => {
    const fixed = { ...TEMPLATES.topk, config: { ...TEMPLATES.topk.config, d_in: 512 } };
    expect(saeLensTrainingConfig(input('topk', { template: fixed, dIn: undefined })).json.sae).toMatchObject({ d_in: 512 });
    await expectInteropError(() => saeLensTrainingConfig(input('topk', { template: fixed })), 'wrong-dims', /d_in = 512, but the hook blocks.8.hook_resid_pre has width 768/);
    await expectInteropError(() => saeLensTrainingConfig(input('relu', { dIn: undefined })), 'invalid-option', /give the hook's width/);
    await expectInteropError(() => saeLensTrainingConfig(input('relu', { template: { ...TEMPLATES.relu, expansionFactor: undefined } })), 'invalid-option', /neither d_sae nor an expansion factor/);
    await expectInteropError(() => saeLensTrainingConfig(input('relu', { template: { ...TEMPLATES.relu, config: { architecture: 'relu' } } })), 'invalid-option', /no total_steps/);
    await expectInteropError(() => saeLensTrainingConfig(input('topk', { template: { ...TEMPLATES.topk, config: { ...TEMPLATES.topk.config, k: 0 } } })), 'invalid-option', /k must be an integer/);
    await expectInteropError(() => saeLensTrainingConfig(input('topk', { hookName: ' ' })), 'invalid-option', /hook name is empty/);
    await expectInteropError(() => saeLensTrainingConfig(input('topk', { datasetPath: 'a\nb' })), 'invalid-option', /control characters/);
    await expectInteropError(() => saeLensTrainingConfig(input('topk', { contextSize: 0 })), 'invalid-option', /context size/);
  });
});
