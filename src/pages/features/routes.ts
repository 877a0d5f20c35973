// Routes under /features besides the overview (which areas.ts registers): one SAE's feature browser, and
// a feature's own page (deep links: /features/<saeId>/<index>).
import type { RouteDefinition } from '@solidjs/router';
import FeaturePage from './FeaturePage';
import SaeFeaturesPage from './SaeFeaturesPage';

export const FEATURE_ROUTES: RouteDefinition[] = [
  { path: '/features/:saeId', component: SaeFeaturesPage },
  { path: '/features/:saeId/:index', component: FeaturePage },
];

export const featureHref = (saeId: string, index: number): string => `/features/${encodeURIComponent(saeId)}/${index}`;
export const saeFeaturesHref = (saeId: string, extract = false): string => `/features/${encodeURIComponent(saeId)}${extract ? '?extract=1' : ''}`;
