// Training templates: the shared template use-cases over the trainingTemplates table, listed with derived
// columns (architecture, d_sae, lr, steps) so they can be searched, filtered and sorted like stored fields.
import type { TrainingTemplate } from '../../domain/entities';
import { BUILT_IN_TRAINING_TEMPLATES, templateDSae, TRAINING_TEMPLATE_KIND, type TrainingTemplateFields } from '../../domain/templates';
import type { Architecture } from '../../sae/config';
import { templateService } from './service';

export interface TrainingTemplateRow extends TrainingTemplate {
  architecture: Architecture;
  /** undefined while it depends on a d_in the template leaves to the activation source */
  dSae: number | undefined;
  lr: number | undefined;
  totalSteps: number | undefined;
}

export function trainingTemplateRow(t: TrainingTemplate): TrainingTemplateRow {
  // validation makes architecture required, so every stored template has one
  return { ...t, architecture: t.config.architecture!, dSae: templateDSae(t), lr: t.config.lr, totalSteps: t.config.total_steps };
}

export const trainingTemplates = templateService<TrainingTemplateFields, TrainingTemplateRow>({
  kind: TRAINING_TEMPLATE_KIND,
  table: (d) => d.trainingTemplates,
  builtIns: BUILT_IN_TRAINING_TEMPLATES,
  toRow: trainingTemplateRow,
  searchFields: ['name', 'description', 'architecture'],
});
