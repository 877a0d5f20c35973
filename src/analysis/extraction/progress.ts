// Progress of an extraction in one unit across all its passes — windows run through the model and SAE — so
// the job's rate and time left cover the whole run. The context passes' windows are only known once the
// statistics are in; until then they are estimated, and the total is corrected as each context pass is
// planned.
import type { ExtractionPlan } from './plan';

export interface ExtractionWork {
  /** windows of the passes over the data (statistics, sampling) */
  dataWindows: number;
  /** windows of each context pass: known (planned) or estimated */
  contextWindows: number[];
}

/** Upper bound of the windows one context pass re-encodes: its examples' windows, at most all windows. */
export function estimatedContextWindows(plan: Pick<ExtractionPlan, 'windows' | 'examplesPerLatent'>, latents: number): number {
  return Math.min(plan.windows, latents * plan.examplesPerLatent);
}

export function initialWork(plan: ExtractionPlan, dSae: number): ExtractionWork {
  const contextWindows: number[] = [];
  for (let start = 0; start < dSae; start += plan.latentsPerContextPass) {
    contextWindows.push(estimatedContextWindows(plan, Math.min(plan.latentsPerContextPass, dSae - start)));
  }
  return { dataWindows: plan.windows * plan.passes.length, contextWindows };
}

export function totalWork(work: ExtractionWork): number {
  return work.dataWindows + work.contextWindows.reduce((a, b) => a + b, 0);
}

/** Windows done when `pass` (0-based over the data passes) has run `windows` of its windows. */
export function dataPassDone(plan: Pick<ExtractionPlan, 'windows'>, pass: number, windows: number): number {
  return pass * plan.windows + windows;
}

/** Windows done when context pass `index` has run `windows` of its windows. */
export function contextPassDone(work: ExtractionWork, index: number, windows: number): number {
  let done = work.dataWindows;
  for (let i = 0; i < index; i++) done += work.contextWindows[i]!;
  return done + windows;
}
