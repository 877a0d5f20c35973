import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_TRAINING_TEMPLATES,
  buildTemplateDocument,
  EXTRACTION_TEMPLATE_KIND,
  formatImportError,
  parseTemplateDocument,
  templateDocumentFilename,
  templateDocumentText,
  TRAINING_TEMPLATE_KIND,
  type ImportError,
  type ParsedTemplateDocument,
  type TrainingTemplateFields,
} from '../../../src/domain/templates';
import type { TrainingTemplate } from '../../../src/domain/entities';

const now = new Date('2025-03-04T05:06:07.000Z');

function stored(fields: TrainingTemplateFields, extra: Partial<TrainingTemplate> = {}): TrainingTemplate {
  return { ...fields, id: `id-${fields.name}`, builtIn: false, favourite: 0, createdAt: 1, updatedAt: 2, ...extra };
}

function errorsOf<F>(parsed: ParsedTemplateDocument<F>): ImportError[] {
  if (parsed.ok) throw new Error('expected the file to be refused');
  return parsed.errors;
}

const doc = (templates: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, kind: 'training-templates', exported_at: now.toISOString(), templates, ...extra });
const valid = { name: 'Mine', config: { architecture: 'relu', total_steps: 10 }, batchSize: 4 };

describe('template export file', () => {
  it('holds version, kind, time and each template without id, flags or times', () => {
    const templates = BUILT_IN_TRAINING_TEMPLATES.slice(0, 2).map((t, i) => stored(t.fields, { builtIn: true, favourite: i === 0 ? 1 : 0 }));
    const document = buildTemplateDocument(TRAINING_TEMPLATE_KIND, templates, now);
    expect(document.version).toBe(1);
    expect(document.kind).toBe('training-templates');
    expect(document.exported_at).toBe('2025-03-04T05:06:07.000Z');
    expect(document.templates[0]).toEqual({ ...BUILT_IN_TRAINING_TEMPLATES[0]!.fields, favourite: true });
    expect(document.templates[1]!.favourite).toBe(false);
    for (const t of document.templates) expect(Object.keys(t)).not.toContain('id');
    expect(templateDocumentFilename(TRAINING_TEMPLATE_KIND, now)).toBe('mistudio-training-templates-2025-03-04.json');
    expect(templateDocumentFilename(EXTRACTION_TEMPLATE_KIND, now)).toBe('mistudio-extraction-templates-2025-03-04.json');
  });

  it('parses back to the same fields and favourites', () => {
    const templates = BUILT_IN_TRAINING_TEMPLATES.map((t, i) => stored(t.fields, { favourite: i % 2 === 0 ? 1 : 0 }));
    const parsed = parseTemplateDocument(TRAINING_TEMPLATE_KIND, templateDocumentText(buildTemplateDocument(TRAINING_TEMPLATE_KIND, templates, now)));
    expect(parsed).toEqual({
      ok: true,
      entries: templates.map((t, i) => ({ fields: BUILT_IN_TRAINING_TEMPLATES[i]!.fields, favourite: t.favourite })),
    });
  });

  it('accepts favourite as 0/1, leaves it undefined when absent, and ignores ids, flags and times', () => {
    const parsed = parseTemplateDocument(TRAINING_TEMPLATE_KIND, doc([{ ...valid, favourite: 1, id: 'x', builtIn: true, createdAt: 5, updatedAt: 6 }, valid]));
    expect(parsed).toEqual({ ok: true, entries: [{ fields: { ...valid, description: '' }, favourite: 1 }, { fields: { ...valid, description: '' } }] });
  });

  it('refuses a file that is not JSON, with the parser’s reason', () => {
    const errors = errorsOf(parseTemplateDocument(TRAINING_TEMPLATE_KIND, '{"version": 1,'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.entry).toBeNull();
    expect(errors[0]!.message).toMatch(/^The file is not valid JSON \(.+\)\. Choose a file exported from miStudio/);
  });

  it('refuses a file of the other kind and says which tab reads it', () => {
    const errors = errorsOf(parseTemplateDocument(EXTRACTION_TEMPLATE_KIND, doc([valid])));
    expect(errors).toEqual([
      { entry: null, field: 'kind', message: 'this file holds training templates, not extraction templates; import it on the Training tab' },
    ]);
    expect(errorsOf(parseTemplateDocument(TRAINING_TEMPLATE_KIND, doc([], { kind: 'recipes' })))[0]!.message).toBe('must be "training-templates" (got "recipes")');
  });

  it('refuses an unknown version, a missing list and a non-object', () => {
    expect(errorsOf(parseTemplateDocument(TRAINING_TEMPLATE_KIND, doc([], { version: 2 })))[0]).toMatchObject({ field: 'version', message: expect.stringMatching(/version 2/) });
    expect(errorsOf(parseTemplateDocument(TRAINING_TEMPLATE_KIND, doc(undefined)))[0]).toMatchObject({ field: 'templates', message: 'must be a list of templates (got undefined)' });
    expect(errorsOf(parseTemplateDocument(TRAINING_TEMPLATE_KIND, '[1,2]'))[0]!.message).toMatch(/must hold a JSON object/);
  });

  it('lists every invalid entry with its position, name and field, and returns no entries', () => {
    const bad = doc([valid, { ...valid, name: 'Big k', config: { architecture: 'topk', total_steps: 10, d_sae: 4, k: 8 } }, 'oops', { ...valid, name: '' }, { ...valid, favourite: 'yes' }]);
    const errors = errorsOf(parseTemplateDocument(TRAINING_TEMPLATE_KIND, bad));
    expect(errors).toEqual([
      { entry: 2, name: 'Big k', field: 'config.k', message: 'must be an integer in [1, d_sae=4]' },
      { entry: 3, field: '', message: 'must be an object (got "oops")' },
      { entry: 4, field: 'name', message: 'must not be empty' },
      { entry: 5, name: 'Mine', field: 'favourite', message: 'must be true or false (got "yes")' },
    ]);
    expect(errors.map(formatImportError)).toEqual([
      'entry 2 ("Big k"), config.k: must be an integer in [1, d_sae=4]',
      'entry 3: must be an object (got "oops")',
      'entry 4, name: must not be empty',
      'entry 5 ("Mine"), favourite: must be true or false (got "yes")',
    ]);
    expect(formatImportError({ entry: null, field: '', message: 'The file is not valid JSON.' })).toBe('The file is not valid JSON.');
    expect(formatImportError({ entry: null, field: 'version', message: 'unsupported' })).toBe('version: unsupported');
  });
});
