import { describe, expect, it } from 'vitest';
import { BUILT_IN_EXTRACTION_TEMPLATES, BUILT_IN_TRAINING_TEMPLATES, validateExtractionTemplate, validateTrainingTemplate } from '../../../src/domain/templates';
import { EXTRACTION_FORM_FIELDS, NEW_EXTRACTION_VALUES } from '../../../src/pages/templates/extractionForm';
import { escapeToken, formToInput, templateToForm, unescapeToken } from '../../../src/pages/templates/formFields';
import { NEW_TRAINING_VALUES, TRAINING_FORM_FIELDS, TRAINING_FORM_GROUPS } from '../../../src/pages/templates/trainingForm';
import { formatParam } from '../../../src/pages/templates/format';

describe('template form values', () => {
  it('shows every built-in in the form and builds it back unchanged', () => {
    for (const t of BUILT_IN_TRAINING_TEMPLATES) {
      expect(formToInput(TRAINING_FORM_FIELDS, templateToForm(TRAINING_FORM_FIELDS, t.fields)), t.fields.name).toEqual(t.fields);
    }
    for (const t of BUILT_IN_EXTRACTION_TEMPLATES) {
      expect(formToInput(EXTRACTION_FORM_FIELDS, templateToForm(EXTRACTION_FORM_FIELDS, t.fields)), t.fields.name).toEqual(t.fields);
    }
  });

  it('starts new templates from values that only lack a name', () => {
    const training = validateTrainingTemplate(formToInput(TRAINING_FORM_FIELDS, NEW_TRAINING_VALUES));
    expect(!training.ok && training.problems).toEqual([{ field: 'name', message: 'must not be empty' }]);
    const extraction = validateExtractionTemplate(formToInput(EXTRACTION_FORM_FIELDS, { ...NEW_EXTRACTION_VALUES, name: 'X' }));
    expect(extraction.ok).toBe(true);
  });

  it('writes only the fields of the chosen architecture and source', () => {
    const values = { ...NEW_TRAINING_VALUES, name: 'A', 'config.architecture': 'relu', 'config.k': '32', 'config.l1_coefficient': '0.5' };
    const input = formToInput(TRAINING_FORM_FIELDS, values);
    expect(input.config).toEqual({ architecture: 'relu', d_in: 768, total_steps: 30000, lr: 0.0002, l1_coefficient: 0.5 });
    expect(input.source).toBeUndefined();
    const withSource = formToInput(TRAINING_FORM_FIELDS, { ...values, 'source.kind': 'synthetic', 'source.features': '8', 'source.dIn': '4', 'source.activeProb': '0.25', 'source.seed': '1' });
    expect(withSource.source).toEqual({ kind: 'synthetic', features: 8, dIn: 4, activeProb: 0.25, seed: 1 });
  });

  it('passes text that is not a number on, so validation names it', () => {
    const input = formToInput(TRAINING_FORM_FIELDS, { ...NEW_TRAINING_VALUES, name: 'A', 'config.lr': 'fast' });
    const result = validateTrainingTemplate(input);
    expect(!result.ok && result.problems).toEqual([{ field: 'config.lr', message: 'must be a number (got "fast")' }]);
  });

  it('reads yes/no/default choices and token lists with escapes', () => {
    const input = formToInput(TRAINING_FORM_FIELDS, { ...NEW_TRAINING_VALUES, 'config.normalize_decoder': 'no', 'config.apply_b_dec_to_input': '' });
    expect((input.config as Record<string, unknown>).normalize_decoder).toBe(false);
    expect(input.config).not.toHaveProperty('apply_b_dec_to_input');
    const tokens = formToInput(EXTRACTION_FORM_FIELDS, { ...NEW_EXTRACTION_VALUES, 'tokenFilters.skipTokens': ' the\n\\n\n\na\\\\b' });
    expect((tokens.tokenFilters as Record<string, unknown>).skipTokens).toEqual([' the', '\n', 'a\\b']);
    for (const t of ['\n', 'a\\nb', '\t\\']) expect(unescapeToken(escapeToken(t))).toBe(t);
  });

  it('puts every field in a known group', () => {
    const groups = new Set<string>(TRAINING_FORM_GROUPS.map((g) => g.id));
    for (const f of TRAINING_FORM_FIELDS) expect(groups.has(f.group), f.path).toBe(true);
  });

  it('formats hyperparameters compactly', () => {
    expect([formatParam(2e-4), formatParam(0.002), formatParam(5), formatParam(1 / 32), formatParam(undefined)]).toEqual(['2e-4', '0.002', '5', '0.03125', '—']);
  });
});
