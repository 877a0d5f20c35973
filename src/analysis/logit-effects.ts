// Direct logit effects of a latent: its decoder direction pushed through the unembedding,
// logits_j = (W_dec[j] ⊙ γ) · W_U, with γ the final LayerNorm's scale when given (the LayerNorm's centring
// and normalisation are not linear in the direction and are left out, as is usual for this view). The
// most promoted and most suppressed tokens per latent; ties go to the lower token id.

export interface LogitEffectsInput {
  /** [d_sae, d_in] */
  W_dec: ArrayLike<number>;
  /** [d_in, vocab] */
  W_U: ArrayLike<number>;
  dSae: number;
  dIn: number;
  vocab: number;
  /** [d_in] final LayerNorm scale, applied to the decoder direction first */
  gamma?: ArrayLike<number>;
}

export interface TokenEffect {
  token: number;
  value: number;
}

export interface LogitEffects {
  latent: number;
  /** highest logit change first */
  promoted: TokenEffect[];
  /** most negative first */
  suppressed: TokenEffect[];
}

export class LogitEffectsError extends Error {
  override name = 'LogitEffectsError';
}

export function checkLogitEffectsInput(input: LogitEffectsInput): void {
  const { dSae, dIn, vocab } = input;
  for (const [name, v] of [['d_sae', dSae], ['d_in', dIn], ['vocab', vocab]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new LogitEffectsError(`${name} must be a positive whole number (got ${v}).`);
  }
  if (input.W_dec.length !== dSae * dIn) throw new LogitEffectsError(`W_dec has ${input.W_dec.length} values; [${dSae}, ${dIn}] needs ${dSae * dIn}.`);
  if (input.W_U.length !== dIn * vocab) {
    throw new LogitEffectsError(`The unembedding has ${input.W_U.length} values; [${dIn}, ${vocab}] needs ${dIn * vocab}. Is it stored [vocab, d_in]? Transpose it first.`);
  }
  if (input.gamma && input.gamma.length !== dIn) throw new LogitEffectsError(`The LayerNorm scale has ${input.gamma.length} values; d_in is ${dIn}.`);
}

/** The decoder direction of latent j, scaled by γ (float64). */
export function effectiveDirection(input: LogitEffectsInput, latent: number): Float64Array {
  const v = new Float64Array(input.dIn);
  for (let i = 0; i < input.dIn; i++) v[i] = input.W_dec[latent * input.dIn + i]! * (input.gamma ? input.gamma[i]! : 1);
  return v;
}

/** Indices of the n largest values (ties: lower index first), largest first. */
export function largestIndices(values: ArrayLike<number>, n: number, sign: 1 | -1 = 1): number[] {
  const take = Math.min(n, values.length);
  const out: number[] = [];
  if (take <= 0) return out;
  // insertion into a sorted list of at most n: fine for the small n shown (≤ ~100)
  for (let t = 0; t < values.length; t++) {
    const v = sign * values[t]!;
    if (Number.isNaN(v)) continue;
    if (out.length === take && !(v > sign * values[out[take - 1]!]!)) continue;
    let i = out.length < take ? out.length : take - 1;
    while (i > 0 && sign * values[out[i - 1]!]! < v) i--;
    out.splice(i, 0, t);
    if (out.length > take) out.pop();
  }
  return out;
}

/** Promoted / suppressed tokens for each of `latents` (all by default); CPU, float64. */
export function logitEffects(input: LogitEffectsInput, topN: number, latents?: readonly number[]): LogitEffects[] {
  checkLogitEffectsInput(input);
  const { dIn, vocab } = input;
  const logits = new Float64Array(vocab);
  return (latents ?? Array.from({ length: input.dSae }, (_, j) => j)).map((latent) => {
    if (!Number.isInteger(latent) || latent < 0 || latent >= input.dSae) throw new LogitEffectsError(`Latent ${latent} does not exist (d_sae = ${input.dSae}).`);
    const dir = effectiveDirection(input, latent);
    logits.fill(0);
    for (let i = 0; i < dIn; i++) {
      const a = dir[i]!;
      if (a === 0) continue;
      const row = i * vocab;
      for (let t = 0; t < vocab; t++) logits[t] += a * input.W_U[row + t]!;
    }
    return { latent, ...effectsOfLogits(logits, topN) };
  });
}

/** Top-N promoted and suppressed tokens of one latent's logit vector. */
export function effectsOfLogits(logits: ArrayLike<number>, topN: number): { promoted: TokenEffect[]; suppressed: TokenEffect[] } {
  return {
    promoted: largestIndices(logits, topN, 1).map((token) => ({ token, value: logits[token]! })),
    suppressed: largestIndices(logits, topN, -1).map((token) => ({ token, value: logits[token]! })),
  };
}
