// Training templates as the new-training form uses them: read one (built-ins are seeded first) and save
// the form's settings as a new user template. The template use-cases themselves live in services/templates.
import type { TrainingTemplate } from '../../domain/entities';
import type { TrainingSpec } from '../../sae/training/spec';
import { ensureBuiltInTemplates, trainingTemplates } from '../templates';

export async function templateForForm(id: string): Promise<TrainingTemplate | undefined> {
  await ensureBuiltInTemplates();
  return trainingTemplates.get(id);
}

/** Saves a validated spec's settings (architecture, sizes, schedules, batch, source) as a user template. */
export function saveSpecAsTemplate(spec: TrainingSpec, name: string, description = ''): Promise<TrainingTemplate> {
  return trainingTemplates.create({
    name: name.trim(),
    description,
    config: { ...spec.config },
    batchSize: spec.batchSize,
    source: spec.source,
  });
}
