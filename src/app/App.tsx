import { Router, type RouteDefinition } from '@solidjs/router';
import HomePage from '../pages/home';
import { AREAS } from './areas';
import { Layout } from './Layout';
import { NotFound } from './NotFound';

const ROUTES: RouteDefinition[] = [
  { path: '/', component: HomePage },
  ...AREAS.map((area) => ({ path: area.path, component: area.page })),
  { path: '*', component: NotFound },
];

export function App() {
  return <Router root={Layout}>{ROUTES}</Router>;
}
