// Independent random streams from one user-facing seed. The synthetic source and the SAE initialisation
// both draw unit directions from the same PRNG; with the same seed the decoder would start exactly on
// the true features, so each stream gets its own derived seed.

export const SEED_STREAM = { init: 1, sample: 2 } as const;

/** A 32-bit seed for `stream`, well mixed (the murmur3 finaliser over seed and stream). */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
