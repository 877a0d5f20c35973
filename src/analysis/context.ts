// Examples with their context: the tokens around each chosen (window, position), decoded, with that
// latent's activation on every context token for shading.
//
// The context activations are recomputed rather than captured during the statistics pass: which examples
// win is only known at the end of a pass, and keeping every candidate's context on the way would cost
// d_sae · k · (prefix + suffix + 1) values per batch. Instead the extraction job re-encodes just the windows
// that hold a chosen example (ContextPlan.windows) and, per batch, gathers the (latent, row) activations the
// plan asks for (gatherList → GPU gather or fillFromActivations on the CPU → fill). For small datasets that
// is about one more pass; for large ones a small fraction of the windows.
import type { FeatureExampleRecord } from '../domain/entities';
import type { FeatureStats } from './feature-stats';
import { checkTokenBatch, type TokenBatch } from './token-batch';

export interface TokenWindows {
  /** [windows, contextLength] token ids */
  tokens: Uint16Array | Uint32Array;
  contextLength: number;
  /** real tokens per window when windows are padded (padding is never shown) */
  lengths?: ArrayLike<number>;
}

/** One display string per token id, e.g. (ids) => tokenSpans(ids, tokenizer).spans.map((s) => s.piece). */
export type TokenDecoder = (ids: readonly number[]) => string[];

export interface ContextSpec {
  /** tokens shown before the example's token */
  prefix: number;
  /** tokens shown after it */
  suffix: number;
}

export type ExampleKind = 'top' | 'quantile';

export interface ExampleRef {
  latent: number;
  kind: ExampleKind;
  /** index in the latent's list of this kind */
  rank: number;
  act: number;
  window: number;
  pos: number;
  band?: number;
}

export interface ContextRequest extends ExampleRef {
  /** context token range [start, end) within the window */
  start: number;
  end: number;
  /** where its activations start in ContextPlan.values */
  offset: number;
}

export class ContextError extends Error {
  override name = 'ContextError';
}

export function windowLength(windows: TokenWindows, window: number): number {
  const count = windows.tokens.length / windows.contextLength;
  if (!Number.isInteger(window) || window < 0 || window >= count) {
    throw new ContextError(`Example window ${window} is outside the tokenized dataset (${count} windows).`);
  }
  return windows.lengths ? Math.min(windows.contextLength, windows.lengths[window]!) : windows.contextLength;
}

/** [start, end) of the context of position `pos`, clipped to the window. */
export function contextRange(pos: number, length: number, spec: ContextSpec): { start: number; end: number } {
  return { start: Math.max(0, pos - spec.prefix), end: Math.min(length, pos + spec.suffix + 1) };
}

/** The examples of a latent's statistics, as references to fetch contexts for. */
export function exampleRefs(stats: FeatureStats): ExampleRef[] {
  const refs: ExampleRef[] = stats.topExamples.map((e, rank) => ({ latent: stats.index, kind: 'top', rank, act: e.act, window: e.window, pos: e.pos }));
  stats.quantileExamples.forEach((e, rank) => refs.push({ latent: stats.index, kind: 'quantile', rank, act: e.act, window: e.window, pos: e.pos, band: e.band }));
  return refs;
}

/** The (latent, row) activations a batch should provide, and where each goes in ContextPlan.values. */
export interface GatherList {
  latents: Uint32Array;
  rows: Uint32Array;
  targets: Uint32Array;
}

export class ContextPlan {
  readonly requests: ContextRequest[];
  /** windows holding at least one example, ascending: the windows to re-encode */
  readonly windows: number[];
  /** context activations of every request, back to back */
  readonly values: Float32Array;
  private readonly filled: Uint8Array;
  private missing: number;
  private readonly byWindow = new Map<number, number[]>();

  constructor(examples: readonly ExampleRef[], lengthOf: (window: number) => number, spec: ContextSpec) {
    if (!Number.isInteger(spec.prefix) || spec.prefix < 0 || !Number.isInteger(spec.suffix) || spec.suffix < 0) {
      throw new ContextError(`Context sizes must be whole numbers ≥ 0 (got prefix ${spec.prefix}, suffix ${spec.suffix}).`);
    }
    let offset = 0;
    this.requests = examples.map((e, i) => {
      const length = lengthOf(e.window);
      if (!Number.isInteger(e.pos) || e.pos < 0 || e.pos >= length) {
        throw new ContextError(`Example position ${e.pos} is outside window ${e.window} (${length} tokens).`);
      }
      const { start, end } = contextRange(e.pos, length, spec);
      const req: ContextRequest = { ...e, start, end, offset };
      offset += end - start;
      const list = this.byWindow.get(e.window);
      if (list) list.push(i);
      else this.byWindow.set(e.window, [i]);
      return req;
    });
    this.windows = [...this.byWindow.keys()].sort((a, b) => a - b);
    this.values = new Float32Array(offset);
    this.filled = new Uint8Array(offset);
    this.missing = offset;
  }

  /** context activations not yet filled in */
  get remaining(): number {
    return this.missing;
  }

  gatherList(batch: TokenBatch): GatherList {
    const B = checkTokenBatch(batch, batch.windows.length);
    const latents: number[] = [];
    const rows: number[] = [];
    const targets: number[] = [];
    for (let row = 0; row < B; row++) {
      const list = this.byWindow.get(batch.windows[row]!);
      if (!list) continue;
      const pos = batch.positions[row]!;
      for (const i of list) {
        const r = this.requests[i]!;
        if (pos < r.start || pos >= r.end) continue;
        latents.push(r.latent);
        rows.push(row);
        targets.push(r.offset + pos - r.start);
      }
    }
    return { latents: Uint32Array.from(latents), rows: Uint32Array.from(rows), targets: Uint32Array.from(targets) };
  }

  /** Stores gathered activations (values[i] belongs to targets[i]). */
  fill(targets: Uint32Array, values: ArrayLike<number>): void {
    if (values.length !== targets.length) throw new ContextError(`Got ${values.length} context activations for ${targets.length} requests.`);
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      if (!this.filled[t]) {
        this.filled[t] = 1;
        this.missing--;
      }
      this.values[t] = values[i]!;
    }
  }

  /** CPU path: gathers from a batch's activations z [B, d_sae]. */
  fillFromActivations(z: ArrayLike<number>, dSae: number, batch: TokenBatch): void {
    const list = this.gatherList(batch);
    checkTokenBatch(batch, z.length / dSae);
    const values = new Float32Array(list.targets.length);
    for (let i = 0; i < values.length; i++) values[i] = z[list.rows[i]! * dSae + list.latents[i]!]!;
    this.fill(list.targets, values);
  }

  activations(request: ContextRequest): Float32Array {
    return this.values.subarray(request.offset, request.offset + request.end - request.start);
  }
}

export interface FeatureExample extends ExampleRef {
  /** index of the example's own token in `tokens` */
  focus: number;
  tokenIds: number[];
  /** display text per token, from the decoder */
  tokens: string[];
  /** this latent's activation on each token */
  activations: number[];
}

export function buildFeatureExample(plan: ContextPlan, request: ContextRequest, windows: TokenWindows, decode: TokenDecoder): FeatureExample {
  const base = request.window * windows.contextLength;
  const tokenIds = Array.from(windows.tokens.subarray(base + request.start, base + request.end));
  const tokens = decode(tokenIds);
  if (tokens.length !== tokenIds.length) throw new ContextError(`The token decoder returned ${tokens.length} strings for ${tokenIds.length} tokens.`);
  const ref: ExampleRef = { latent: request.latent, kind: request.kind, rank: request.rank, act: request.act, window: request.window, pos: request.pos };
  if (request.band !== undefined) ref.band = request.band;
  return { ...ref, focus: request.pos - request.start, tokenIds, tokens, activations: Array.from(plan.activations(request)) };
}

/** Every request of the plan as a FeatureExample (the plan must be complete). */
export function buildFeatureExamples(plan: ContextPlan, windows: TokenWindows, decode: TokenDecoder): FeatureExample[] {
  if (plan.remaining > 0) throw new ContextError(`${plan.remaining} context activations were never gathered; re-encode every window of ContextPlan.windows first.`);
  return plan.requests.map((r) => buildFeatureExample(plan, r, windows, decode));
}

export function toFeatureExampleRecord(saeId: string, e: FeatureExample): FeatureExampleRecord {
  return {
    id: `${saeId}:${e.latent}:${e.kind}:${e.rank}`,
    saeId,
    featureIndex: e.latent,
    kind: e.kind,
    rank: e.rank,
    tokens: e.tokens,
    activations: e.activations,
  };
}
