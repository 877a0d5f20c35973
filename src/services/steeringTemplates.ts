// Prompt templates: the shared template use-cases (list, create, edit, duplicate, favourite, export, import)
// over the promptTemplates table, with a few built-in starters.
import type { PromptTemplate } from '../domain/entities';
import { BUILT_IN_PROMPT_TEMPLATES, PROMPT_TEMPLATE_KIND, type PromptTemplateFields } from '../domain/templates';
import { templateService } from './templates/service';

export type PromptTemplateRow = PromptTemplate;

export const promptTemplates = templateService<PromptTemplateFields, PromptTemplateRow>({
  kind: PROMPT_TEMPLATE_KIND,
  table: (d) => d.promptTemplates,
  builtIns: BUILT_IN_PROMPT_TEMPLATES,
  toRow: (t) => t,
  searchFields: ['name', 'description', 'prompt'],
});
