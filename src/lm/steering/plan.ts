// What one steering run generates: the variants of a mode, each a set of features with coefficients.
//   compare:  the unsteered baseline, then each feature on its own
//   sweep:    one feature at 2–10 strengths (the baseline first, for reference)
//   combined: the baseline and all features in one pass
import { checkCoefficient, checkSteeringFeatures, SteeringError, type SteeringFeature } from './steering-vector';

export type SteeringMode = 'compare' | 'sweep' | 'combined';
export const STEERING_MODES: readonly SteeringMode[] = ['compare', 'sweep', 'combined'];

export const SWEEP_STRENGTHS = { min: 2, max: 10 } as const;

export interface SteeringVariant {
  /** shown above the output: "Baseline", "#123 × 40", "#123 × 40 + #7 × −20" */
  label: string;
  features: SteeringFeature[];
}

export interface SteeringPlanInput {
  mode: SteeringMode;
  features: readonly SteeringFeature[];
  /** sweep: the strengths to try for the first feature */
  strengths?: readonly number[];
}

export function featureLabel(f: SteeringFeature): string {
  return `#${f.index} × ${formatCoefficient(f.coefficient)}`;
}

export function formatCoefficient(c: number): string {
  return c < 0 ? `−${-c}` : String(c);
}

export const BASELINE: SteeringVariant = { label: 'Baseline', features: [] };

export function planSteeringVariants(input: SteeringPlanInput, dSae: number): SteeringVariant[] {
  checkSteeringFeatures(input.features, dSae);
  switch (input.mode) {
    case 'compare':
      return [BASELINE, ...input.features.map((f) => ({ label: featureLabel(f), features: [f] }))];
    case 'combined':
      return [BASELINE, { label: input.features.map(featureLabel).join(' + '), features: [...input.features] }];
    case 'sweep': {
      const strengths = input.strengths ?? [];
      const [first] = input.features;
      if (input.features.length !== 1 || !first) throw new SteeringError('A sweep varies one feature: choose exactly one.');
      if (strengths.length < SWEEP_STRENGTHS.min || strengths.length > SWEEP_STRENGTHS.max) {
        throw new SteeringError(`A sweep needs ${SWEEP_STRENGTHS.min} to ${SWEEP_STRENGTHS.max} strengths (got ${strengths.length}).`);
      }
      strengths.forEach((s) => checkCoefficient(s, `feature ${first.index}`));
      return [BASELINE, ...strengths.map((s) => ({ label: featureLabel({ index: first.index, coefficient: s }), features: [{ index: first.index, coefficient: s }] }))];
    }
  }
}

/** `count` strengths evenly spaced from `from` to `to` (rounded to 0.1), for the sweep form. */
export function evenStrengths(from: number, to: number, count: number): number[] {
  if (count < 2) return [from];
  return Array.from({ length: count }, (_, i) => Math.round((from + ((to - from) * i) / (count - 1)) * 10) / 10);
}

/** Strengths typed as "−100, -50, 0, 50 100". */
export function parseStrengths(text: string): number[] {
  return text
    .replace(/−/g, '-')
    .split(/[\s,;]+/)
    .filter((s) => s.length > 0)
    .map(Number);
}
