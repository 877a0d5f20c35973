// The model's most likely next tokens at one position, from its logits (softmax in float64).

export interface NextToken {
  id: number;
  logit: number;
  probability: number;
}

/** The `k` highest-probability ids after position `position` of a [seq, vocab] logit block. */
export function topNextTokens(logits: ArrayLike<number>, vocab: number, position: number, k: number): NextToken[] {
  const base = position * vocab;
  if (vocab <= 0 || position < 0 || base + vocab > logits.length) {
    throw new RangeError(`Position ${position} is outside the ${Math.floor(logits.length / Math.max(vocab, 1))} positions of these logits.`);
  }
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[base + v] as number);
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp((logits[base + v] as number) - max);
  // a small sorted list: k is a handful, vocab can be 250k, so no full sort
  const best: NextToken[] = [];
  for (let v = 0; v < vocab; v++) {
    const logit = logits[base + v] as number;
    if (best.length === k && logit <= (best[k - 1] as NextToken).logit) continue;
    const entry = { id: v, logit, probability: Math.exp(logit - max) / sum };
    let i = best.length;
    while (i > 0 && (best[i - 1] as NextToken).logit < logit) i--;
    best.splice(i, 0, entry);
    if (best.length > k) best.pop();
  }
  return best;
}
