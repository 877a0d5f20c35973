// The extraction form's run settings, described by the same fields as the extraction template form (token
// budget, examples, token filters; not the template's name): raw input text ↔ ExtractionSettings, checked
// by the template rules so each problem is reported next to its field. Pure.
import type { ExtractionSettings } from '../../analysis/extraction';
import { validateExtractionTemplate, type FieldProblem } from '../../domain/templates';
import { EXTRACTION_FORM_FIELDS } from '../templates/extractionForm';
import { formToInput, templateToForm, type FormField, type FormValues } from '../templates/formFields';

export const RUN_FIELDS: readonly FormField[] = EXTRACTION_FORM_FIELDS.filter((f) => f.group !== 'template');

export const RUN_GROUPS = [
  { id: 'budget', title: 'Budget' },
  { id: 'examples', title: 'Examples' },
  { id: 'filters', title: 'Token filters' },
] as const;

export function runFormValues(settings: ExtractionSettings): FormValues {
  return templateToForm(RUN_FIELDS, settings);
}

export type RunSettingsResult = { ok: true; settings: ExtractionSettings } | { ok: false; problems: FieldProblem[] };

export function runSettingsFromForm(values: FormValues): RunSettingsResult {
  const checked = validateExtractionTemplate({ name: 'run', ...formToInput(RUN_FIELDS, values) });
  if (!checked.ok) return { ok: false, problems: checked.problems };
  const { name: _name, description: _description, ...settings } = checked.value;
  return { ok: true, settings };
}

/** The problem of one field (by its form path), if any. */
export function problemOf(problems: readonly FieldProblem[], path: string): string | undefined {
  return problems.find((p) => p.field === path)?.message;
}
