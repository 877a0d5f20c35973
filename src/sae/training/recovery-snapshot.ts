// The learned-vs-true cosine matrix for the synthetic source's heat map. Columns are reordered so each true
// feature's best-matching latent comes first in feature order: a recovered dictionary shows a bright
// diagonal; latents that match no feature follow on the right.
import type { RecoverySnapshot } from '../../domain/entities';

export interface SnapshotLimits {
  /** at most this many true features (rows) */
  maxFeatures: number;
  /** at most this many latents (columns), best matches first */
  maxLatents: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { maxFeatures: 128, maxLatents: 256 };

export const RECOVERED_COSINE = 0.9;

export function recoverySnapshot(
  trueDirs: ArrayLike<number>,
  W_dec: ArrayLike<number>,
  dIn: number,
  step: number,
  limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
): RecoverySnapshot {
  const F = trueDirs.length / dIn;
  const S = W_dec.length / dIn;
  if (!Number.isInteger(F) || !Number.isInteger(S)) throw new RangeError(`Direction arrays must be [rows, d_in=${dIn}].`);
  const unit = (a: ArrayLike<number>, rows: number) => {
    const out = new Float64Array(rows * dIn);
    for (let r = 0; r < rows; r++) {
      let n = 0;
      for (let i = 0; i < dIn; i++) n += a[r * dIn + i]! ** 2;
      const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
      for (let i = 0; i < dIn; i++) out[r * dIn + i] = a[r * dIn + i]! * inv;
    }
    return out;
  };
  const t = unit(trueDirs, F);
  const w = unit(W_dec, S);
  const full = new Float64Array(F * S);
  for (let f = 0; f < F; f++) {
    for (let j = 0; j < S; j++) {
      let dot = 0;
      for (let i = 0; i < dIn; i++) dot += t[f * dIn + i]! * w[j * dIn + i]!;
      full[f * S + j] = dot;
    }
  }
  // MMCS and recovery over every feature, before any cropping
  let sum = 0;
  let recovered = 0;
  const bestLatent = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    let best = -Infinity;
    for (let j = 0; j < S; j++) {
      if (full[f * S + j]! > best) {
        best = full[f * S + j]!;
        bestLatent[f] = j;
      }
    }
    sum += best;
    if (best >= RECOVERED_COSINE) recovered++;
  }
  const rows = Math.min(F, limits.maxFeatures);
  const order: number[] = [];
  const used = new Set<number>();
  for (let f = 0; f < rows; f++) {
    const j = bestLatent[f]!;
    if (!used.has(j)) {
      used.add(j);
      order.push(j);
    }
  }
  for (let j = 0; j < S; j++) if (!used.has(j)) order.push(j);
  const columnLatents = order.slice(0, Math.min(S, limits.maxLatents));
  const cosines: number[] = [];
  for (let f = 0; f < rows; f++) for (const j of columnLatents) cosines.push(Math.fround(full[f * S + j]!));
  return { step, features: rows, latents: columnLatents.length, cosines, columnLatents, mmcs: sum / F, recovered: recovered / F };
}
