// Saved steering runs: prompt, feature coefficients, generation parameters and outputs.
import type { SteeringExperiment } from '../../domain/entities';
import { timestampedRepository } from '../repository';

export const steeringExperimentRepo = timestampedRepository<SteeringExperiment>('steering experiment', (d) => d.steeringExperiments, {
  searchFields: ['name', 'prompt'],
});
