import { describe, expect, it } from 'vitest';
import type { TrainingTemplate } from '../../../src/domain/entities';
import { BUILT_IN_TRAINING_TEMPLATES } from '../../../src/domain/templates';
import { demoSpec, TOY_SUPERPOSITION } from '../../../src/sae/training/demo';
import {
  defaultFormValues,
  formDSae,
  formTotalSteps,
  formValuesFromConfig,
  formValuesFromTemplate,
  parseNumber,
  parseTrainingForm,
  type TrainingFormValues,
} from '../../../src/sae/training/form';
import { defaultMetricsEvery, defaultMmcsEvery, TrainingSpecError, validateTrainingSpec } from '../../../src/sae/training/spec';

const form = (patch: Partial<TrainingFormValues> = {}): TrainingFormValues => ({ ...defaultFormValues(), ...patch });

function errorsOf(v: TrainingFormValues) {
  const r = parseTrainingForm(v);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('the new-training form', () => {
  it('the defaults are the toy superposition demo and parse into a valid spec', () => {
    const r = parseTrainingForm(defaultFormValues());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const demo = demoSpec(TOY_SUPERPOSITION);
    expect(r.spec.config).toMatchObject({ architecture: 'topk', d_in: 16, d_sae: 96, k: 3, lr: 0.002, total_steps: 6000 });
    expect(r.spec.source).toEqual({ kind: 'synthetic', features: 48, dIn: 16, activeProb: 3 / 48, seed: 1 });
    expect(r.spec.batchSize).toBe(demo.batchSize);
    expect(r.spec.metricsEvery).toBe(6);
    expect(r.spec.mmcsEvery % r.spec.metricsEvery).toBe(0);
  });

  it('reads numbers strictly: empty or partial text is not a number', () => {
    expect(parseNumber('')).toBeNaN();
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber(' 12 ')).toBe(12);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('3x')).toBeNaN();
    expect(parseNumber('1e')).toBeNaN();
  });

  it('says what is wrong beside each field', () => {
    const e = errorsOf(form({ name: ' ', dIn: '0', lr: 'fast', batchSize: '2.5', k: '200', seed: '-1', adamBeta1: '1', gradClip: '0' }));
    expect(e.name).toBe('Give the run a name.');
    expect(e.dIn).toBe('d_in must be a whole number ≥ 1.');
    expect(e.lr).toBe('The learning rate must be a number > 0.');
    expect(e.batchSize).toBe('The batch size must be a whole number ≥ 1.');
    expect(e.seed).toBe('The seed must be a whole number ≥ 0.');
    expect(e.adamBeta1).toBe('Adam β1 must be a number in [0, 1).');
    expect(e.gradClip).toBe('The gradient clipping norm must be a number > 0.');
    expect(errorsOf(form({ k: '200' })).k).toBe('k must be at most d_sae (96).');
    expect(errorsOf(form({ synthActive: '60' })).synthActive).toBe('At most all 48 features can be active.');
    expect(errorsOf(form({ lrDecaySteps: '7000' })).lrDecaySteps).toBe('Decay (7000) cannot be longer than the run (6000 steps).');
    expect(errorsOf(form({ sourceKind: 'cache' })).cacheId).toBe('Choose an activation cache.');
  });

  it('checks only the fields of the chosen architecture', () => {
    expect(parseTrainingForm(form({ architecture: 'relu', k: 'nonsense' })).ok).toBe(true);
    const relu = errorsOf(form({ architecture: 'relu', l1Coefficient: '-1' }));
    expect(relu.l1Coefficient).toBe('The L1 coefficient must be a number ≥ 0.');
    const jump = errorsOf(form({ architecture: 'jumprelu', bandwidth: '0', initialThreshold: '' }));
    expect(jump.bandwidth).toBe('The bandwidth must be a number > 0.');
    expect(jump.initialThreshold).toBe('The initial threshold must be a number > 0.');
    expect(errorsOf(form({ architecture: 'batchtopk', thresholdMomentum: '1' })).thresholdMomentum).toBe('The threshold momentum must be a number in [0, 1).');
    const r = parseTrainingForm(form({ architecture: 'jumprelu' }));
    expect(r.ok && r.spec.config).toMatchObject({ architecture: 'jumprelu', l0_coefficient: 1, bandwidth: 0.001, initial_threshold: 0.001 });
    expect(r.ok && r.spec.config.k).toBeUndefined();
  });

  it('takes d_sae as an expansion factor and the length in tokens', () => {
    const v = form({ sizeMode: 'expansion', expansion: '8', lengthMode: 'tokens', totalTokens: '100000', batchSize: '256', lrDecaySteps: '0' });
    expect(formDSae(v)).toBe(128);
    expect(formTotalSteps(v)).toBe(391);
    const r = parseTrainingForm(v);
    expect(r.ok && r.spec.config).toMatchObject({ d_sae: 128, total_steps: 391 });
    expect(errorsOf(form({ sizeMode: 'expansion', expansion: '0.3' })).expansion).toBe('Expansion × d_in must be a whole number (got 4.8).');
  });

  it('fills from every built-in template and from a template with an expansion factor', () => {
    for (const b of BUILT_IN_TRAINING_TEMPLATES) {
      const t: TrainingTemplate = { id: b.id, builtIn: true, favourite: 0, createdAt: 0, updatedAt: 0, ...b.fields, description: b.fields.description };
      const v = formValuesFromTemplate(t);
      expect(v.name).toBe(b.fields.name);
      expect(v.architecture).toBe(b.fields.config.architecture);
      expect(v.batchSize).toBe(String(b.fields.batchSize));
      const r = parseTrainingForm(v);
      expect(r.ok, `${b.id}: ${JSON.stringify(r.ok ? '' : r.errors)}`).toBe(true);
      if (r.ok) expect(r.spec.config).toMatchObject(b.fields.config);
    }
    const toy = BUILT_IN_TRAINING_TEMPLATES.find((b) => b.id === 'builtin-training-toy-topk')!;
    const v = formValuesFromTemplate({ id: 'x', builtIn: false, favourite: 0, createdAt: 0, updatedAt: 0, ...toy.fields });
    expect(v.seed).toBe('42');
    expect(v.synthActive).toBe('3');
    const scaled = formValuesFromConfig({ architecture: 'topk', d_in: 8 }, {});
    expect(scaled.dIn).toBe('8');
  });

  it('the run spec refuses an unchosen cache and mismatched widths', () => {
    const base = demoSpec(TOY_SUPERPOSITION);
    expect(() => validateTrainingSpec({ ...base, source: { kind: 'cache', cacheId: '' } })).toThrow(TrainingSpecError);
    expect(() => validateTrainingSpec({ ...base, source: { ...(base.source as { kind: 'synthetic'; features: number; dIn: number; activeProb: number; seed: number }), dIn: 8 } })).toThrow(
      "the synthetic source makes 8-dimensional activations but the SAE's d_in is 16",
    );
    expect(() => validateTrainingSpec({ ...base, config: { ...base.config, k: 0 } })).toThrow(/k must be an integer/);
    expect(() => validateTrainingSpec({ ...base, checkpointEvery: 0, batchSize: 0 })).toThrow(/the batch size must be a whole number from 1 .*the checkpoint interval/);
  });

  it('chooses metric and MMCS intervals from the run length', () => {
    expect(defaultMetricsEvery(40)).toBe(1);
    expect(defaultMetricsEvery(6000)).toBe(6);
    expect(defaultMetricsEvery(1_000_000)).toBe(50);
    expect(defaultMmcsEvery(6000, 6)).toBe(60);
    expect(defaultMmcsEvery(40, 1)).toBe(1);
    expect(defaultMmcsEvery(1000, 7)).toBe(14);
  });
});
