// The SAE's latents at one position, on the CPU: enough for "which features are active at the last prompt
// token" (one row costs d_in·d_sae multiply-adds), without a GPU round trip.
import { topIndices } from '../../sae/reference/select';
import type { SpliceSae } from './sae-graph';

export function encodeRow(sae: SpliceSae, x: ArrayLike<number>): Float64Array {
  const { dIn, dSae, params } = sae;
  const pre = Float64Array.from(params.b_enc);
  for (let i = 0; i < dIn; i++) {
    const a = x[i] - (sae.applyBDecToInput ? params.b_dec[i] : 0);
    if (a === 0) continue;
    const row = i * dSae;
    for (let j = 0; j < dSae; j++) pre[j] += a * params.W_enc[row + j];
  }
  if (sae.architecture === 'relu') return pre.map((v) => (v > 0 ? v : 0));
  if (sae.architecture === 'jumprelu') {
    const logTheta = params.log_threshold ?? new Float32Array(dSae);
    return pre.map((v, j) => (v > Math.exp(logTheta[j]) ? v : 0));
  }
  const z = new Float64Array(dSae);
  for (const j of topIndices(pre, sae.k ?? 1)) z[j] = pre[j] > 0 ? pre[j] : 0;
  return z;
}

/** The `count` most active latents of a row, strongest first (zeros left out). */
export function topActiveLatents(z: ArrayLike<number>, count: number): { index: number; value: number }[] {
  return topIndices(z, count)
    .filter((j) => z[j] > 0)
    .map((j) => ({ index: j, value: z[j] }));
}
