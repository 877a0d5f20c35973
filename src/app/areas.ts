// The studio's areas, in workflow order: one nav entry and one route each.
import type { Component } from 'solid-js';
import DatasetsPage from '../pages/datasets';
import FeaturesPage from '../pages/features';
import ModelsPage from '../pages/models';
import SteeringPage from '../pages/steering';
import SystemPage from '../pages/system';
import TemplatesPage from '../pages/templates';
import TrainingPage from '../pages/training';

export interface Area {
  path: string;
  label: string;
  page: Component;
}

export const AREAS: readonly Area[] = [
  { path: '/models', label: 'Models', page: ModelsPage },
  { path: '/datasets', label: 'Datasets', page: DatasetsPage },
  { path: '/training', label: 'Training', page: TrainingPage },
  { path: '/features', label: 'Features', page: FeaturesPage },
  { path: '/steering', label: 'Steering', page: SteeringPage },
  { path: '/templates', label: 'Templates', page: TemplatesPage },
  { path: '/system', label: 'System', page: SystemPage },
];
