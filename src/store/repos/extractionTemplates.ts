// Saved feature-extraction settings (token budget, top-k, context window).
import type { ExtractionTemplate } from '../../domain/entities';
import { timestampedRepository } from '../repository';

export const extractionTemplateRepo = timestampedRepository<ExtractionTemplate>('extraction template', (d) => d.extractionTemplates, {
  searchFields: ['name', 'description'],
});
