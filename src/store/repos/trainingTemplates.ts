// Saved training set-ups (architecture, sizes, schedules) to start a training from.
import type { TrainingTemplate } from '../../domain/entities';
import { timestampedRepository } from '../repository';

export const trainingTemplateRepo = timestampedRepository<TrainingTemplate>('training template', (d) => d.trainingTemplates, {
  searchFields: ['name', 'description'],
});
