// Extraction templates: the shared template use-cases over the extractionTemplates table.
import type { ExtractionTemplate } from '../../domain/entities';
import { BUILT_IN_EXTRACTION_TEMPLATES, EXTRACTION_TEMPLATE_KIND, type ExtractionTemplateFields } from '../../domain/templates';
import { templateService } from './service';

export type ExtractionTemplateRow = ExtractionTemplate;

export const extractionTemplates = templateService<ExtractionTemplateFields, ExtractionTemplateRow>({
  kind: EXTRACTION_TEMPLATE_KIND,
  table: (d) => d.extractionTemplates,
  builtIns: BUILT_IN_EXTRACTION_TEMPLATES,
  toRow: (t) => t,
  searchFields: ['name', 'description'],
});
