// The Datasets area's sub-routes (the list itself is the area's page).
import type { RouteDefinition } from '@solidjs/router';
import DatasetPage from './DatasetPage';

export const DATASET_ROUTES: RouteDefinition[] = [{ path: '/datasets/:id', component: DatasetPage }];
