// The kinds of template the studio keeps, described once so that listing, duplicate names, export and import
// work the same for each (and for any later kind): what a template of the kind holds and how it is checked.
import { EXTRACTION_TEMPLATE_KEYS, validateExtractionTemplate, type ExtractionTemplateFields } from './extraction';
import type { Validated } from './problems';
import { PROMPT_TEMPLATE_KEYS, validatePromptTemplate, type PromptTemplateFields } from './prompt';
import { TRAINING_TEMPLATE_KEYS, validateTrainingTemplate, type TrainingTemplateFields } from './training';

export type TemplateKindName = 'training' | 'extraction' | 'prompt';
export type TemplateDocumentKind = `${TemplateKindName}-templates`;

/** What every stored template has besides its own fields (which include name and description). */
export interface StoredTemplateBase {
  id: string;
  /** shipped with the studio: read-only, but can be duplicated */
  builtIn: boolean;
  favourite: 0 | 1;
  createdAt: number;
  updatedAt: number;
}

export interface TemplateKind<F extends { name: string }> {
  readonly name: TemplateKindName;
  readonly documentKind: TemplateDocumentKind;
  /** in messages: "training template" */
  readonly noun: string;
  /** the keys of F, in the order an export writes them */
  readonly fieldKeys: readonly (keyof F & string)[];
  validate(input: unknown): Validated<F>;
}

export const TRAINING_TEMPLATE_KIND: TemplateKind<TrainingTemplateFields> = {
  name: 'training',
  documentKind: 'training-templates',
  noun: 'training template',
  fieldKeys: TRAINING_TEMPLATE_KEYS,
  validate: validateTrainingTemplate,
};

export const EXTRACTION_TEMPLATE_KIND: TemplateKind<ExtractionTemplateFields> = {
  name: 'extraction',
  documentKind: 'extraction-templates',
  noun: 'extraction template',
  fieldKeys: EXTRACTION_TEMPLATE_KEYS,
  validate: validateExtractionTemplate,
};

export const PROMPT_TEMPLATE_KIND: TemplateKind<PromptTemplateFields> = {
  name: 'prompt',
  documentKind: 'prompt-templates',
  noun: 'prompt template',
  fieldKeys: PROMPT_TEMPLATE_KEYS,
  validate: validatePromptTemplate,
};

export const TEMPLATE_KINDS = [TRAINING_TEMPLATE_KIND, EXTRACTION_TEMPLATE_KIND, PROMPT_TEMPLATE_KIND] as const;

/** A template's own fields (no id, flags or times), with absent optional ones left out. */
export function templateFields<F extends { name: string }>(kind: TemplateKind<F>, template: F): F {
  const fields: Partial<F> = {};
  for (const key of kind.fieldKeys) {
    if (template[key] !== undefined) fields[key] = template[key];
  }
  return fields as F;
}
