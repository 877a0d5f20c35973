import { describe, expect, it } from 'vitest';
import { validateSaeConfig } from '../../../src/sae/config';
import {
  BUILT_IN_EXTRACTION_TEMPLATES,
  BUILT_IN_TRAINING_TEMPLATES,
  templateDSae,
  validateExtractionTemplate,
  validateTrainingTemplate,
  type FieldProblem,
  type Validated,
} from '../../../src/domain/templates';

function problems<T>(result: Validated<T>): FieldProblem[] {
  if (result.ok) throw new Error(`expected problems, got a valid template: ${JSON.stringify(result.value)}`);
  return result.problems;
}

function problemAt<T>(result: Validated<T>, field: string): string {
  const found = problems(result).find((p) => p.field === field);
  if (!found) throw new Error(`no problem at ${field}; got ${JSON.stringify(problems(result))}`);
  return found.message;
}

const minimalTraining = { name: 'Mine', config: { architecture: 'topk', total_steps: 100 }, batchSize: 32 };
const withConfig = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...minimalTraining,
  ...extra,
  config: { ...minimalTraining.config, ...config },
});

describe('training template validation', () => {
  it('accepts a minimal template and leaves defaults to the training', () => {
    const result = validateTrainingTemplate({ ...minimalTraining, name: '  Mine  ' });
    expect(result).toEqual({ ok: true, value: { name: 'Mine', description: '', config: { architecture: 'topk', total_steps: 100 }, batchSize: 32 } });
  });

  it('accepts every built-in, whose configs are also complete training configs', () => {
    for (const t of BUILT_IN_TRAINING_TEMPLATES) {
      expect(validateTrainingTemplate(t.fields), t.fields.name).toEqual({ ok: true, value: t.fields });
      expect(() => validateSaeConfig(t.fields.config)).not.toThrow();
    }
  });

  it('names the missing required fields', () => {
    const found = problems(validateTrainingTemplate({}));
    expect(found.map((p) => p.field).sort()).toEqual(['batchSize', 'config', 'name']);
    expect(problemAt(validateTrainingTemplate({ ...minimalTraining, name: '   ' }), 'name')).toBe('must not be empty');
    expect(problemAt(validateTrainingTemplate(withConfig({ total_steps: undefined })), 'config.total_steps')).toBe('is required');
    expect(problemAt(validateTrainingTemplate(withConfig({ architecture: undefined })), 'config.architecture')).toBe('is required');
  });

  it('refuses a template that is not an object', () => {
    expect(problems(validateTrainingTemplate([1, 2]))).toEqual([{ field: '', message: 'a template must be an object (got a list)' }]);
  });

  it('reports unknown fields, so a misspelt setting does not pass silently', () => {
    expect(problemAt(validateTrainingTemplate({ ...minimalTraining, batch_size: 3 }), 'batch_size')).toMatch(/^unknown field/);
    expect(problemAt(validateTrainingTemplate(withConfig({ l1_coeficient: 3 })), 'config.l1_coeficient')).toMatch(/^unknown field/);
  });

  it('checks types and ranges with the value it got', () => {
    expect(problemAt(validateTrainingTemplate(withConfig({ lr: '0.1' })), 'config.lr')).toBe('must be a number (got "0.1")');
    expect(problemAt(validateTrainingTemplate(withConfig({ lr: 0 })), 'config.lr')).toBe('must be a number > 0 and ≤ 1 (got 0)');
    expect(problemAt(validateTrainingTemplate(withConfig({ adam_beta1: 1 })), 'config.adam_beta1')).toBe('must be a number ≥ 0 and < 1 (got 1)');
    expect(problemAt(validateTrainingTemplate(withConfig({ d_in: 7.5 })), 'config.d_in')).toBe('must be an integer (got 7.5)');
    expect(problemAt(validateTrainingTemplate(withConfig({ normalize_decoder: 'yes' })), 'config.normalize_decoder')).toBe('must be true or false (got "yes")');
    expect(problemAt(validateTrainingTemplate({ ...minimalTraining, batchSize: 0 }), 'batchSize')).toMatch(/≥ 1/);
    expect(problemAt(validateTrainingTemplate({ ...minimalTraining, description: 5 }), 'description')).toBe('must be text (got 5)');
  });

  it('allows grad_clip_norm to be null (no clipping) but not zero', () => {
    expect(validateTrainingTemplate(withConfig({ grad_clip_norm: null })).ok).toBe(true);
    expect(problemAt(validateTrainingTemplate(withConfig({ grad_clip_norm: 0 })), 'config.grad_clip_norm')).toMatch(/> 0/);
  });

  it('refuses a setting of another architecture', () => {
    const message = problemAt(validateTrainingTemplate(withConfig({ architecture: 'relu', k: 8 })), 'config.k');
    expect(message).toBe('is a TopK/BatchTopK setting; remove it or choose that architecture');
    expect(problemAt(validateTrainingTemplate(withConfig({ threshold_momentum: 0.9 })), 'config.threshold_momentum')).toMatch(/BatchTopK setting/);
  });

  it('applies validateSaeConfig rules (k ≤ d_sae) to the sizes the template fixes', () => {
    expect(problemAt(validateTrainingTemplate(withConfig({ d_sae: 8, k: 9 })), 'config.k')).toBe('must be an integer in [1, d_sae=8]');
    // d_sae from d_in × expansion factor
    expect(problemAt(validateTrainingTemplate(withConfig({ d_in: 4, k: 9 }, { expansionFactor: 2 })), 'config.k')).toBe('must be an integer in [1, d_sae=8]');
    // d_sae open: any k goes
    expect(validateTrainingTemplate(withConfig({ k: 900 })).ok).toBe(true);
  });

  it('takes d_sae or an expansion factor, not both, and the product must be whole', () => {
    expect(problemAt(validateTrainingTemplate(withConfig({ d_sae: 64 }, { expansionFactor: 4 })), 'expansionFactor')).toMatch(/not both/);
    expect(problemAt(validateTrainingTemplate(withConfig({ d_in: 10 }, { expansionFactor: 2.25 })), 'expansionFactor')).toMatch(/whole number/);
    const ok = validateTrainingTemplate(withConfig({ d_in: 768 }, { expansionFactor: 16 }));
    expect(ok.ok && templateDSae(ok.value)).toBe(12288);
    expect(templateDSae({ config: { d_sae: 100 } })).toBe(100);
    expect(templateDSae({ config: {}, expansionFactor: 8 })).toBeUndefined();
  });

  it('checks warm-up and decay against total_steps', () => {
    expect(problemAt(validateTrainingTemplate(withConfig({ lr_warmup_steps: 60, lr_decay_steps: 50 })), 'config.lr_decay_steps')).toMatch(/exceed total_steps \(100\)/);
  });

  it('checks the activation source and that d_in agrees with a synthetic one', () => {
    const source = { kind: 'synthetic', features: 48, dIn: 16, activeProb: 0.0625, seed: 1 };
    expect(validateTrainingTemplate({ ...minimalTraining, source }).ok).toBe(true);
    expect(problemAt(validateTrainingTemplate(withConfig({ d_in: 8 }, { source })), 'config.d_in')).toMatch(/synthetic source's d_in \(16\)/);
    expect(problemAt(validateTrainingTemplate({ ...minimalTraining, source: { ...source, activeProb: 0 } }), 'source.activeProb')).toMatch(/> 0/);
    expect(problemAt(validateTrainingTemplate({ ...minimalTraining, source: { kind: 'web' } }), 'source.kind')).toMatch(/synthetic, cache, model/);
    expect(validateTrainingTemplate({ ...minimalTraining, source: { kind: 'model', modelId: 'm', tokenizationId: 't', hook: 'blocks.6.hook_resid_pre' } }).ok).toBe(true);
  });

  it('reports several problems at once', () => {
    const found = problems(validateTrainingTemplate({ name: '', batchSize: -1, config: { architecture: 'gelu', total_steps: 0 } }));
    expect(found.map((p) => p.field).sort()).toEqual(['batchSize', 'config.architecture', 'config.total_steps', 'name']);
  });
});

const minimalExtraction = { name: 'X', maxTokens: 1000, batchSize: 8, topK: 10, contextPrefix: 4, contextSuffix: 2, quantileExamples: 0 };

describe('extraction template validation', () => {
  it('accepts every built-in and a minimal template', () => {
    for (const t of BUILT_IN_EXTRACTION_TEMPLATES) expect(validateExtractionTemplate(t.fields)).toEqual({ ok: true, value: t.fields });
    expect(validateExtractionTemplate(minimalExtraction)).toEqual({ ok: true, value: { ...minimalExtraction, description: '' } });
  });

  it('names every missing field', () => {
    expect(problems(validateExtractionTemplate({ name: 'X' })).map((p) => p.field)).toEqual([
      'maxTokens',
      'batchSize',
      'topK',
      'contextPrefix',
      'contextSuffix',
      'quantileExamples',
    ]);
  });

  it('checks ranges and that top-k fits the token budget', () => {
    expect(problemAt(validateExtractionTemplate({ ...minimalExtraction, contextPrefix: -1 }), 'contextPrefix')).toBe('must be an integer ≥ 0 and ≤ 512 (got -1)');
    expect(problemAt(validateExtractionTemplate({ ...minimalExtraction, topK: 5000, maxTokens: 100 }), 'topK')).toMatch(/≤ 1000/);
    expect(problemAt(validateExtractionTemplate({ ...minimalExtraction, topK: 200, maxTokens: 100 }), 'topK')).toBe('cannot exceed the token budget maxTokens (100)');
  });

  it('checks token filters, filling left-out flags and dropping repeated tokens', () => {
    const ok = validateExtractionTemplate({ ...minimalExtraction, tokenFilters: { skipWhitespace: true, skipTokens: ['the', 'the', ','] } });
    expect(ok.ok && ok.value.tokenFilters).toEqual({ skipSpecialTokens: false, skipWhitespace: true, skipPunctuation: false, skipTokens: ['the', ','] });
    expect(problemAt(validateExtractionTemplate({ ...minimalExtraction, tokenFilters: { skipTokens: ['a', ''] } }), 'tokenFilters.skipTokens')).toMatch(/^entry 2 must be/);
    expect(problemAt(validateExtractionTemplate({ ...minimalExtraction, tokenFilters: { skipNumbers: true } }), 'tokenFilters.skipNumbers')).toMatch(/^unknown field/);
    expect(problemAt(validateExtractionTemplate({ ...minimalExtraction, tokenFilters: 'none' }), 'tokenFilters')).toBe('must be an object (got "none")');
  });
});

describe('built-in templates', () => {
  it('have unique stable ids and unique names per kind', () => {
    for (const list of [BUILT_IN_TRAINING_TEMPLATES, BUILT_IN_EXTRACTION_TEMPLATES]) {
      expect(new Set(list.map((t) => t.id)).size).toBe(list.length);
      expect(new Set(list.map((t) => t.fields.name.toLowerCase())).size).toBe(list.length);
      for (const t of list) expect(t.id).toMatch(/^builtin-/);
    }
  });

  it('include the toy demo for every architecture and GPT-2 small 16k starting points', () => {
    const toy = BUILT_IN_TRAINING_TEMPLATES.filter((t) => t.fields.source?.kind === 'synthetic');
    expect(toy.map((t) => t.fields.config.architecture).sort()).toEqual(['batchtopk', 'jumprelu', 'relu', 'topk']);
    for (const t of toy) {
      expect(t.fields.config).toMatchObject({ d_in: 16, d_sae: 96, total_steps: 6000 });
      expect(t.fields.source).toMatchObject({ features: 48, dIn: 16 });
      expect(t.fields.batchSize).toBe(256);
    }
    const topk = toy.find((t) => t.fields.config.architecture === 'topk')!;
    expect(topk.fields.config).toMatchObject({ k: 3, lr: 2e-3 });
    const gpt2 = BUILT_IN_TRAINING_TEMPLATES.filter((t) => t.fields.config.d_in === 768);
    expect(gpt2.map((t) => t.fields.config.architecture).sort()).toEqual(['jumprelu', 'relu', 'topk']);
    for (const t of gpt2) expect(t.fields.config.d_sae).toBe(16384);
    expect(gpt2.find((t) => t.fields.config.architecture === 'topk')!.fields.config.k).toBe(32);
    expect(gpt2.find((t) => t.fields.config.architecture === 'jumprelu')!.fields.config).toMatchObject({ bandwidth: 0.001, initial_threshold: 0.001 });
  });
});
