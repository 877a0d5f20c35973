import { Router, type RouteDefinition } from '@solidjs/router';
import { DATASET_ROUTES } from '../pages/datasets/routes';
import { FEATURE_ROUTES } from '../pages/features/routes';
import HomePage from '../pages/home';
import { TRAINING_ROUTES } from '../pages/training/routes';
import { AREAS } from './areas';
import { Layout } from './Layout';
import { NotFound } from './NotFound';

const ROUTES: RouteDefinition[] = [
  { path: '/', component: HomePage },
  ...AREAS.map((area) => ({ path: area.path, component: area.page })),
  ...DATASET_ROUTES,
  ...TRAINING_ROUTES,
  ...FEATURE_ROUTES,
  { path: '*', component: NotFound },
];

export function App() {
  return <Router root={Layout}>{ROUTES}</Router>;
}
