// A handle for end-to-end tests (window.__mistudioFeatures), installed once the Features page is opened.
import { seedFeatureRows } from '../../services/features/debug';

export interface FeaturesDebugHook {
  /** an SAE with `count` feature rows and no weights; resolves to its id */
  seedFeatureRows(count: number): Promise<string>;
}

declare global {
  interface Window {
    __mistudioFeatures?: FeaturesDebugHook;
  }
}

export function installFeaturesDebugHook(): void {
  window.__mistudioFeatures ??= { seedFeatureRows: (count) => seedFeatureRows(count) };
}
