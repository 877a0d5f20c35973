// Built-in starter templates, shipped with the studio and seeded at start-up under these stable ids. They
// are read-only (duplicate one to change it). The numbers are documented starting points, not tuned optima:
// change them here, and the seeding updates stored copies on the next start.
import type { ExtractionTemplateFields } from './extraction';
import type { TrainingTemplateFields } from './training';

export interface BuiltInTemplate<F> {
  /** stable: other rows (trainings, extractions) may refer to it */
  id: string;
  fields: F;
}

/** createdAt/updatedAt of seeded rows, so that seeding twice writes identical rows */
export const BUILT_IN_TIMESTAMP = Date.UTC(2025, 0, 1);

// ---- toy superposition: 48 ground-truth directions in 16 dimensions, ~3 firing per sample ----
const TOY_SOURCE = { kind: 'synthetic', features: 48, dIn: 16, activeProb: 3 / 48, seed: 42 } as const;
const TOY_COMMON = { d_in: 16, d_sae: 96, lr: 2e-3, total_steps: 6000, lr_warmup_steps: 100, lr_decay_steps: 1200, dead_steps_threshold: 500 } as const;
const TOY_NOTE =
  'Synthetic toy superposition: 48 known feature directions in 16 dimensions, each firing with probability 1/16 ' +
  '(about 3 per sample). d_sae 96, batch 256, 6000 steps: trains in seconds and reports how many true directions it recovered.';

// ---- GPT-2 small residual stream (d_model 768), 16k latents; inputs scaled so that E‖x‖ = √d_in ----
const GPT2_COMMON = { d_in: 768, d_sae: 16384, total_steps: 30_000, lr_warmup_steps: 1000, lr_decay_steps: 6000, dead_steps_threshold: 2500 } as const;
const GPT2_NOTE =
  'Starting point for a GPT-2 small residual stream (d_in 768, e.g. blocks.6.hook_resid_pre) with 16,384 latents: ' +
  'batch 4096 tokens × 30,000 steps ≈ 123M tokens. Pick the model, dataset and hook when you start the training.';

export const BUILT_IN_TRAINING_TEMPLATES: readonly BuiltInTemplate<TrainingTemplateFields>[] = [
  {
    id: 'builtin-training-toy-topk',
    fields: {
      name: 'Toy superposition — TopK',
      description: `${TOY_NOTE} TopK keeps the 3 largest latents per sample.`,
      config: { architecture: 'topk', ...TOY_COMMON, k: 3, k_aux: 8, aux_coefficient: 1 / 32 },
      batchSize: 256,
      source: { ...TOY_SOURCE },
    },
  },
  {
    id: 'builtin-training-toy-relu',
    fields: {
      name: 'Toy superposition — ReLU',
      description: `${TOY_NOTE} ReLU with a decoder-norm-weighted L1 penalty (1.0, warmed up over the first 600 steps).`,
      config: { architecture: 'relu', ...TOY_COMMON, l1_coefficient: 1, l1_warmup_steps: 600 },
      batchSize: 256,
      source: { ...TOY_SOURCE },
    },
  },
  {
    id: 'builtin-training-toy-batchtopk',
    fields: {
      name: 'Toy superposition — BatchTopK',
      description: `${TOY_NOTE} BatchTopK keeps 3 × batch latents over the whole batch, so samples may use more or fewer.`,
      config: { architecture: 'batchtopk', ...TOY_COMMON, k: 3, k_aux: 8, aux_coefficient: 1 / 32, threshold_momentum: 0.99 },
      batchSize: 256,
      source: { ...TOY_SOURCE },
    },
  },
  {
    id: 'builtin-training-toy-jumprelu',
    fields: {
      name: 'Toy superposition — JumpReLU',
      description: `${TOY_NOTE} JumpReLU learns a threshold per latent under an L0 penalty (0.5); bandwidth and initial threshold suit feature magnitudes of 0.5–1.5.`,
      config: { architecture: 'jumprelu', ...TOY_COMMON, l0_coefficient: 0.5, bandwidth: 0.05, initial_threshold: 0.3 },
      batchSize: 256,
      source: { ...TOY_SOURCE },
    },
  },
  {
    id: 'builtin-training-gpt2-topk-16k',
    fields: {
      name: 'GPT-2 small residual — TopK 16k',
      description: `${GPT2_NOTE} TopK with k = 32, AuxK on dead latents.`,
      config: { architecture: 'topk', ...GPT2_COMMON, k: 32, k_aux: 384, aux_coefficient: 1 / 32, lr: 2e-4 },
      batchSize: 4096,
    },
  },
  {
    id: 'builtin-training-gpt2-jumprelu-16k',
    fields: {
      name: 'GPT-2 small residual — JumpReLU 16k',
      description: `${GPT2_NOTE} JumpReLU as in Gemma Scope: L0 penalty, bandwidth 0.001, initial threshold 0.001. Raise l0_coefficient for sparser codes.`,
      config: { architecture: 'jumprelu', ...GPT2_COMMON, l0_coefficient: 2, bandwidth: 0.001, initial_threshold: 0.001, lr: 7e-5 },
      batchSize: 4096,
    },
  },
  {
    id: 'builtin-training-gpt2-relu-16k',
    fields: {
      name: 'GPT-2 small residual — ReLU 16k',
      description: `${GPT2_NOTE} ReLU with L1 coefficient 5 warmed up over the first 5% of steps, unnormalised decoder (as in Anthropic's April 2024 recipe).`,
      config: { architecture: 'relu', ...GPT2_COMMON, l1_coefficient: 5, l1_warmup_steps: 1500, lr: 5e-5 },
      batchSize: 4096,
    },
  },
];

export const BUILT_IN_EXTRACTION_TEMPLATES: readonly BuiltInTemplate<ExtractionTemplateFields>[] = [
  {
    id: 'builtin-extraction-quick-look',
    fields: {
      name: 'Quick look',
      description: 'A first impression of every feature in a minute or two: 20k tokens, the top 20 examples with 8 tokens before and 4 after.',
      maxTokens: 20_000,
      batchSize: 16,
      topK: 20,
      contextPrefix: 8,
      contextSuffix: 4,
      quantileExamples: 0,
      tokenFilters: { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: [] },
    },
  },
  {
    id: 'builtin-extraction-thorough',
    fields: {
      name: 'Thorough',
      description:
        'For labelling features with confidence: 500k tokens, the top 50 examples with 16 tokens before and 8 after, and ' +
        '40 examples drawn across the activation range so weak activations are seen too.',
      maxTokens: 500_000,
      batchSize: 16,
      topK: 50,
      contextPrefix: 16,
      contextSuffix: 8,
      quantileExamples: 40,
      tokenFilters: { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: [] },
    },
  },
];
