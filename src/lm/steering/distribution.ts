// Next-token distributions from logits: log-softmax, cross-entropy and KL divergence, over
// one row of `vocab` logits at a time (rows are slices of a [positions, vocab] array).

export function logSoftmax(logits: ArrayLike<number>, offset = 0, vocab = logits.length - offset): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[offset + v]);
  let total = 0;
  for (let v = 0; v < vocab; v++) total += Math.exp(logits[offset + v] - max);
  const logTotal = max + Math.log(total);
  const out = new Float64Array(vocab);
  for (let v = 0; v < vocab; v++) out[v] = logits[offset + v] - logTotal;
  return out;
}

export function softmax(logits: ArrayLike<number>, offset = 0, vocab = logits.length - offset): Float64Array {
  return logSoftmax(logits, offset, vocab).map(Math.exp);
}

/** −log p(target) of one row. */
export function tokenCrossEntropy(logits: ArrayLike<number>, offset: number, vocab: number, target: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[offset + v]);
  let total = 0;
  for (let v = 0; v < vocab; v++) total += Math.exp(logits[offset + v] - max);
  return max + Math.log(total) - logits[offset + target];
}

/** KL(P ‖ Q) = Σ p (log p − log q) between the distributions of two logit rows (P: the reference). */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>, pOffset = 0, qOffset = 0, vocab = p.length - pOffset): number {
  const logP = logSoftmax(p, pOffset, vocab);
  const logQ = logSoftmax(q, qOffset, vocab);
  let kl = 0;
  for (let v = 0; v < vocab; v++) {
    const pv = Math.exp(logP[v]);
    if (pv > 0) kl += pv * (logP[v] - logQ[v]);
  }
  // rounding can leave a tiny negative for identical rows
  return Math.max(0, kl);
}

/**
 * (CE_zero − CE_spliced) / (CE_zero − CE_clean): 1 when splicing the SAE costs nothing, 0 when it is as bad
 * as zeroing the hook. NaN when zero-ablation does not hurt (the ratio is meaningless then).
 */
export function ceLossRecovered(ceClean: number, ceSpliced: number, ceZero: number): number {
  const gap = ceZero - ceClean;
  return gap === 0 ? Number.NaN : (ceZero - ceSpliced) / gap;
}
