// Routes under /training besides the list itself (which areas.ts registers): the form and a run's page.
import type { RouteDefinition } from '@solidjs/router';
import NewTrainingPage from './NewTrainingPage';
import TrainingDetailPage from './TrainingDetailPage';

export const TRAINING_ROUTES: RouteDefinition[] = [
  { path: '/training/new', component: NewTrainingPage },
  { path: '/training/:id', component: TrainingDetailPage },
];
