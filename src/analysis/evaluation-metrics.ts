// What evaluating an SAE in its model measures, accumulated batch by batch (float64 sums; the state is
// plain numbers so a job can checkpoint it and continue):
//   CE loss of the next token: clean, with the SAE's reconstruction spliced in, with the hook zeroed;
//   CE loss recovered = (CE_zero − CE_spliced) / (CE_zero − CE_clean);
//   KL(clean ‖ spliced) of the next-token distributions;
//   explained variance 1 − Σ‖x − x̂‖² / Σ‖x − mean‖², L0, and the fractions of dead and dense latents.
import { ceLossRecovered, klDivergence, tokenCrossEntropy } from '../lm/steering/distribution';

export const DEFAULT_DENSE_THRESHOLD = 0.1;

export interface EvaluationState {
  dIn: number;
  dSae: number;
  windows: number;
  /** positions whose next token is predicted (CE) */
  predicted: number;
  ceClean: number;
  ceSpliced: number;
  ceZero: number;
  /** positions compared for KL */
  compared: number;
  kl: number;
  /** positions counted for activation statistics (real tokens that are not special) */
  counted: number;
  squaredError: number;
  sumSquares: number;
  /** Σx per dimension [d_in] */
  sum: number[];
  l0: number;
  /** positions where each latent fired [d_sae] */
  fires: number[];
}

export interface EvaluationMetrics {
  windows: number;
  tokens: number;
  ceClean: number;
  ceSpliced: number;
  ceZero: number;
  ceLossRecovered: number;
  kl: number;
  explainedVariance: number;
  l0: number;
  deadFraction: number;
  denseFraction: number;
  /** a latent is dense when it fires on more than this share of tokens */
  denseThreshold: number;
}

/** Token rows of one batch, right-padded: row b has lengths[b] real tokens. */
export interface BatchRows {
  batch: number;
  seq: number;
  ids: ArrayLike<number>;
  lengths: ArrayLike<number>;
}

export function emptyEvaluationState(dIn: number, dSae: number): EvaluationState {
  return {
    dIn,
    dSae,
    windows: 0,
    predicted: 0,
    ceClean: 0,
    ceSpliced: 0,
    ceZero: 0,
    compared: 0,
    kl: 0,
    counted: 0,
    squaredError: 0,
    sumSquares: 0,
    sum: new Array<number>(dIn).fill(0),
    l0: 0,
    fires: new Array<number>(dSae).fill(0),
  };
}

/** Adds a batch's logits ([batch, seq, vocab] each): CE at every position with a next real token, KL at every real one. */
export function addLogits(state: EvaluationState, rows: BatchRows, vocab: number, clean: Float32Array, spliced: Float32Array, zero: Float32Array): void {
  for (let b = 0; b < rows.batch; b++) {
    const length = rows.lengths[b];
    for (let t = 0; t < length; t++) {
      const at = (b * rows.seq + t) * vocab;
      state.kl += klDivergence(clean, spliced, at, at, vocab);
      state.compared++;
      if (t + 1 >= length) continue;
      const target = rows.ids[b * rows.seq + t + 1];
      state.ceClean += tokenCrossEntropy(clean, at, vocab, target);
      state.ceSpliced += tokenCrossEntropy(spliced, at, vocab, target);
      state.ceZero += tokenCrossEntropy(zero, at, vocab, target);
      state.predicted++;
    }
  }
  state.windows += rows.batch;
}

/**
 * Adds a batch's activations x and reconstructions x̂ ([positions, d_in]), the L0 of each position and the
 * per-latent firing counts (already restricted to counted positions); `counted` marks the positions that count.
 */
export function addActivations(state: EvaluationState, x: Float32Array, xHat: Float32Array, counted: ArrayLike<number>, l0: ArrayLike<number>, fires: ArrayLike<number>): void {
  const d = state.dIn;
  for (let p = 0; p < counted.length; p++) {
    if (!counted[p]) continue;
    for (let i = 0; i < d; i++) {
      const v = x[p * d + i];
      state.squaredError += (v - xHat[p * d + i]) ** 2;
      state.sumSquares += v * v;
      state.sum[i] += v;
    }
    state.l0 += l0[p];
    state.counted++;
  }
  for (let j = 0; j < state.dSae; j++) state.fires[j] += fires[j];
}

export function evaluationMetrics(state: EvaluationState, denseThreshold = DEFAULT_DENSE_THRESHOLD): EvaluationMetrics {
  const mean = (total: number, n: number) => (n > 0 ? total / n : Number.NaN);
  const ceClean = mean(state.ceClean, state.predicted);
  const ceSpliced = mean(state.ceSpliced, state.predicted);
  const ceZero = mean(state.ceZero, state.predicted);
  // Σ‖x − mean‖² = Σ‖x‖² − n‖mean‖²
  const n = state.counted;
  const meanNormSq = n > 0 ? state.sum.reduce((a, s) => a + (s / n) ** 2, 0) : 0;
  const totalVariance = state.sumSquares - n * meanNormSq;
  const dead = state.fires.filter((f) => f === 0).length;
  const dense = state.fires.filter((f) => n > 0 && f / n > denseThreshold).length;
  return {
    windows: state.windows,
    tokens: n,
    ceClean,
    ceSpliced,
    ceZero,
    ceLossRecovered: ceLossRecovered(ceClean, ceSpliced, ceZero),
    kl: mean(state.kl, state.compared),
    explainedVariance: totalVariance > 0 ? 1 - state.squaredError / totalVariance : Number.NaN,
    l0: mean(state.l0, n),
    deadFraction: state.dSae > 0 ? dead / state.dSae : Number.NaN,
    denseFraction: state.dSae > 0 ? dense / state.dSae : Number.NaN,
    denseThreshold,
  };
}

/** Checks a checkpointed state before continuing from it (null when it does not fit this SAE). */
export function parseEvaluationState(value: unknown, dIn: number, dSae: number): EvaluationState | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Partial<EvaluationState>;
  const numbers = ['windows', 'predicted', 'ceClean', 'ceSpliced', 'ceZero', 'compared', 'kl', 'counted', 'squaredError', 'sumSquares', 'l0'] as const;
  if (s.dIn !== dIn || s.dSae !== dSae || !numbers.every((k) => typeof s[k] === 'number')) return null;
  if (!Array.isArray(s.sum) || s.sum.length !== dIn || !Array.isArray(s.fires) || s.fires.length !== dSae) return null;
  return s as EvaluationState;
}
