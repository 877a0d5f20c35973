// Example records for the store, built window by window as a context pass goes: every example of a window
// is complete once that window's model run is gathered (a run holds whole windows), so records can be
// written as the pass goes instead of holding every example of the chunk.
import type { FeatureExampleRecord } from '../../domain/entities';
import type { ContextPlan, ContextRequest, ExampleRef } from '../context';
import type { FeatureStats, QuantileExample } from '../feature-stats';

export type NewExampleRecord = Omit<FeatureExampleRecord, 'id'>;

/**
 * At most `wanted` of a latent's quantile examples, spread over its `bands` bands as evenly as the bands
 * allow (higher bands take the remainder), lowest band first.
 */
export function trimQuantileExamples(examples: readonly QuantileExample[], bands: number, wanted: number): QuantileExample[] {
  if (examples.length <= wanted) return [...examples];
  const byBand: QuantileExample[][] = Array.from({ length: bands }, () => []);
  for (const e of examples) byBand[e.band]?.push(e);
  const base = Math.floor(wanted / bands);
  const extra = wanted % bands;
  return byBand.flatMap((list, b) => list.slice(0, base + (b >= bands - extra ? 1 : 0)));
}

/** A latent's examples to fetch contexts for: top examples, then its (trimmed) quantile examples. */
export function exampleRefsOf(stats: FeatureStats, quantile: { bands: number; wanted: number } | null): ExampleRef[] {
  const refs: ExampleRef[] = stats.topExamples.map((e, rank) => ({ latent: stats.index, kind: 'top', rank, act: e.act, window: e.window, pos: e.pos }));
  const sampled = quantile ? trimQuantileExamples(stats.quantileExamples, quantile.bands, quantile.wanted) : [];
  sampled.forEach((e, rank) => refs.push({ latent: stats.index, kind: 'quantile', rank, act: e.act, window: e.window, pos: e.pos, band: e.band }));
  return refs;
}

/** window → the plan's requests in it. */
export function requestsByWindow(plan: ContextPlan): Map<number, ContextRequest[]> {
  const out = new Map<number, ContextRequest[]>();
  for (const r of plan.requests) {
    const list = out.get(r.window);
    if (list) list.push(r);
    else out.set(r.window, [r]);
  }
  return out;
}

/**
 * The stored example of a request whose activations have been gathered; `pieces` is the display text of
 * every real token of its window (decoded with the window's left context, so pieces concatenate exactly).
 */
export function exampleRecordOf(saeId: string, plan: ContextPlan, request: ContextRequest, pieces: readonly string[]): NewExampleRecord {
  if (pieces.length < request.end) throw new RangeError(`Window ${request.window} has ${pieces.length} decoded tokens; the example needs ${request.end}.`);
  const record: NewExampleRecord = {
    saeId,
    featureIndex: request.latent,
    kind: request.kind,
    rank: request.rank,
    tokens: pieces.slice(request.start, request.end),
    activations: Array.from(plan.activations(request)),
    focus: request.pos - request.start,
    act: request.act,
    window: request.window,
    pos: request.pos,
  };
  if (request.band !== undefined) record.band = request.band;
  return record;
}

/** Distinct texts of the activating tokens of the top examples, best example first (for the feature list). */
export function topTokensOf(topExamples: readonly Pick<NewExampleRecord, 'rank' | 'tokens' | 'focus'>[], n = 5): string[] {
  const out: string[] = [];
  for (const e of [...topExamples].sort((a, b) => a.rank - b.rank)) {
    const token = e.focus === undefined ? undefined : e.tokens[e.focus];
    if (token === undefined || out.includes(token)) continue;
    out.push(token);
    if (out.length === n) break;
  }
  return out;
}
