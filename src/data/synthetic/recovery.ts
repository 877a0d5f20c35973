// How well a decoder recovered known feature directions: for every true feature, the best cosine
// similarity with any decoder row (plain cosine: a row pointing the opposite way does not count).

/** max_j cos(true_f, W_dec[j]) for every true feature f; −∞ when every decoder row is zero. */
export function bestCosines(trueDirs: ArrayLike<number>, W_dec: ArrayLike<number>, dIn: number): Float64Array {
  if (trueDirs.length % dIn !== 0 || W_dec.length % dIn !== 0) throw new RangeError(`Direction arrays must be [rows, d_in=${dIn}].`);
  const F = trueDirs.length / dIn;
  const S = W_dec.length / dIn;
  const decNorms = new Float64Array(S);
  for (let j = 0; j < S; j++) {
    let s = 0;
    for (let i = 0; i < dIn; i++) s += W_dec[j * dIn + i]! ** 2;
    decNorms[j] = Math.sqrt(s);
  }
  const best = new Float64Array(F).fill(-Infinity);
  for (let f = 0; f < F; f++) {
    let tn = 0;
    for (let i = 0; i < dIn; i++) tn += trueDirs[f * dIn + i]! ** 2;
    tn = Math.sqrt(tn);
    for (let j = 0; j < S; j++) {
      if (decNorms[j] === 0) continue;
      let dot = 0;
      for (let i = 0; i < dIn; i++) dot += trueDirs[f * dIn + i]! * W_dec[j * dIn + i]!;
      const c = dot / (tn * decNorms[j]!);
      if (c > best[f]!) best[f] = c;
    }
  }
  return best;
}

/** Mean max cosine similarity (MMCS) over the true features. */
export function mmcs(trueDirs: ArrayLike<number>, W_dec: ArrayLike<number>, dIn: number): number {
  const best = bestCosines(trueDirs, W_dec, dIn);
  return best.reduce((a, b) => a + b, 0) / best.length;
}

/** Share of true features whose best cosine is at least `threshold`. */
export function recoveredFraction(trueDirs: ArrayLike<number>, W_dec: ArrayLike<number>, dIn: number, threshold = 0.9): number {
  const best = bestCosines(trueDirs, W_dec, dIn);
  return best.filter((c) => c >= threshold).length / best.length;
}
