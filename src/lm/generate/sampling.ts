// Choosing the next token from a model's logits: repetition penalty, temperature, top-k, top-p, then a draw
// from a seeded generator. Pure and deterministic for a given generator state.
import type { Prng } from '../../sae/prng';
import type { GenerationParams } from './params';

export type SamplingParams = Pick<GenerationParams, 'temperature' | 'topK' | 'topP' | 'repetitionPenalty'>;

/** The tokens that may be drawn, most likely first, with their probabilities (summing to 1). */
export interface TokenDistribution {
  ids: number[];
  probs: number[];
}

/**
 * CTRL-style repetition penalty (as Hugging Face applies it): every token already in `history` has a positive
 * logit divided by `penalty` and a negative one multiplied, so it becomes less likely either way.
 */
export function applyRepetitionPenalty(logits: ArrayLike<number>, history: Iterable<number>, penalty: number): Float64Array {
  const out = Float64Array.from(logits);
  if (penalty === 1) return out;
  for (const id of new Set(history)) {
    if (id < 0 || id >= out.length) continue;
    const v = out[id];
    out[id] = v > 0 ? v / penalty : v * penalty;
  }
  return out;
}

/** Token ids by logit, largest first; ties go to the smaller id so results never depend on sort stability. */
function byLogit(logits: Float64Array): number[] {
  const ids = Array.from(logits.keys()).filter((i) => !Number.isNaN(logits[i]));
  return ids.sort((a, b) => logits[b] - logits[a] || a - b);
}

export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/** The distribution sampling draws from; greedy decoding (temperature 0) puts all mass on the top token. */
export function samplingDistribution(logits: ArrayLike<number>, history: Iterable<number>, params: SamplingParams): TokenDistribution {
  const penalised = applyRepetitionPenalty(logits, history, params.repetitionPenalty);
  if (params.temperature === 0) return { ids: [argmax(penalised)], probs: [1] };
  let ids = byLogit(penalised);
  if (params.topK > 0 && params.topK < ids.length) ids = ids.slice(0, params.topK);
  const top = penalised[ids[0]];
  const weights = ids.map((id) => Math.exp((penalised[id] - top) / params.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let probs = weights.map((w) => w / total);
  if (params.topP < 1) {
    // the smallest prefix whose mass reaches p (always at least one token)
    let mass = 0;
    let keep = 0;
    while (keep < probs.length && mass < params.topP) mass += probs[keep++];
    ids = ids.slice(0, keep);
    probs = probs.slice(0, keep).map((p) => p / mass);
  }
  return { ids, probs };
}

/** Draws one token id; `uniform` is a number in [0, 1). */
export function drawToken(dist: TokenDistribution, uniform: number): number {
  let cumulative = 0;
  for (let i = 0; i < dist.ids.length; i++) {
    cumulative += dist.probs[i];
    if (uniform < cumulative) return dist.ids[i];
  }
  // rounding left the total a hair below 1
  return dist.ids[dist.ids.length - 1];
}

export function sampleToken(logits: ArrayLike<number>, history: Iterable<number>, params: SamplingParams, prng: Prng): number {
  const dist = samplingDistribution(logits, history, params);
  // greedy decoding draws nothing, so a greedy run and a sampled run of the same seed stay comparable
  return dist.ids.length === 1 ? dist.ids[0] : drawToken(dist, prng.uniform());
}
