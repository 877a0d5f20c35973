// Prompt templates: named prompts for the Steering page, kept, listed, exported and imported like the other
// templates (training.ts, extraction.ts).
import type { PromptTemplate } from '../entities';
import type { BuiltInTemplate } from './builtins';
import { describe, FieldReader, isPlainObject, type Validated } from './problems';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH } from './training';

export type PromptTemplateFields = Pick<PromptTemplate, 'name' | 'description' | 'prompt'>;

export const PROMPT_TEMPLATE_KEYS = ['name', 'description', 'prompt'] as const;

export const PROMPT_MAX_LENGTH = 20_000;

/** Checks unknown input (a form or one entry of an imported file) as a prompt template. */
export function validatePromptTemplate(input: unknown): Validated<PromptTemplateFields> {
  if (!isPlainObject(input)) return { ok: false, problems: [{ field: '', message: `a template must be an object (got ${describe(input)})` }] };
  const r = new FieldReader(input);
  r.rejectUnknown(PROMPT_TEMPLATE_KEYS);
  const name = r.string('name', { maxLength: NAME_MAX_LENGTH, nonEmpty: true });
  const description = r.string('description', { optional: true, maxLength: DESCRIPTION_MAX_LENGTH }) ?? '';
  const prompt = r.string('prompt', { maxLength: PROMPT_MAX_LENGTH, nonEmpty: true });
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  return { ok: true, value: { name: name.trim(), description, prompt } };
}

export const BUILT_IN_PROMPT_TEMPLATES: readonly BuiltInTemplate<PromptTemplateFields>[] = [
  {
    id: 'builtin-prompt-story',
    fields: { name: 'Story opening', description: 'An open-ended narrative start: shows how a feature changes topic and tone.', prompt: 'Once upon a time, in a small village by the sea,' },
  },
  {
    id: 'builtin-prompt-opinion',
    fields: { name: 'Opinion', description: 'A first-person statement the model completes: shows sentiment and stance features.', prompt: 'I think the most important thing about' },
  },
  {
    id: 'builtin-prompt-fact',
    fields: { name: 'Fact completion', description: 'A factual sentence with one obvious next token: good for ablations (top tokens before/after).', prompt: 'The capital of France is' },
  },
];
