// Checkpoint retention: keep the newest K checkpoints and the best one (lowest loss), delete the rest.
// A checkpoint without a finite loss can be among the newest but is never "best".

export interface RetainableCheckpoint {
  id: string;
  step: number;
  loss?: number | undefined;
}

export const DEFAULT_KEEP_CHECKPOINTS = 3;

/** The checkpoint with the lowest finite loss (the later one on a tie), or undefined. */
export function bestCheckpoint<C extends RetainableCheckpoint>(all: readonly C[]): C | undefined {
  let best: C | undefined;
  for (const c of all) {
    if (c.loss === undefined || !Number.isFinite(c.loss)) continue;
    if (!best || c.loss < best.loss! || (c.loss === best.loss && c.step > best.step)) best = c;
  }
  return best;
}

/** Which checkpoints the policy removes; `keepLast` below 1 still keeps the newest (resume needs it). */
export function checkpointsToDelete<C extends RetainableCheckpoint>(all: readonly C[], keepLast: number): C[] {
  const keep = new Set<string>();
  const newestFirst = [...all].sort((a, b) => b.step - a.step);
  for (const c of newestFirst.slice(0, Math.max(1, Math.floor(keepLast)))) keep.add(c.id);
  const best = bestCheckpoint(all);
  if (best) keep.add(best.id);
  return all.filter((c) => !keep.has(c.id));
}
