// Unit-norm decoder maintenance (SAE_SPEC.md "Update" steps 2 and 5).

/** g_j ← g_j − (g_j · W_dec[j]) W_dec[j] for every row j (rows assumed unit norm). In place. */
export function projectDecoderGradient(gW_dec: Float64Array, W_dec: Float64Array, dSae: number, dIn: number): void {
  for (let j = 0; j < dSae; j++) {
    const o = j * dIn;
    let dot = 0;
    for (let i = 0; i < dIn; i++) dot += gW_dec[o + i]! * W_dec[o + i]!;
    for (let i = 0; i < dIn; i++) gW_dec[o + i] -= dot * W_dec[o + i]!;
  }
}

/** W_dec[j] ← W_dec[j] / ‖W_dec[j]‖ (a zero row stays zero). In place. */
export function renormalizeDecoder(W_dec: Float64Array, dSae: number, dIn: number): void {
  for (let j = 0; j < dSae; j++) {
    const o = j * dIn;
    let s = 0;
    for (let i = 0; i < dIn; i++) s += W_dec[o + i]! ** 2;
    const n = Math.sqrt(s);
    if (n > 0) for (let i = 0; i < dIn; i++) W_dec[o + i] /= n;
  }
}
