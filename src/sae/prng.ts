// A small seeded PRNG (xoshiro128**) whose whole state is four uint32s, so a run that samples from it can be
// checkpointed and resumed exactly (TrainerState.rngState). Not cryptographic.

export class PrngStateError extends Error {
  override name = 'PrngStateError';
}

/** splitmix32: spreads a seed over the state words (xoshiro must not start from all zeros). */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Prng {
  private s: Uint32Array;

  /** `seed` may be any finite number; its integer part (mod 2^32) is used. */
  constructor(seed: number) {
    const next = splitmix32(Math.trunc(seed));
    this.s = Uint32Array.of(next(), next(), next(), next());
    if (this.s.every((w) => w === 0)) this.s[0] = 1;
  }

  static fromState(state: readonly number[]): Prng {
    const p = new Prng(0);
    p.setState(state);
    return p;
  }

  /** The next uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal by Box–Muller (the second value is discarded so the state stays four words). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  getState(): number[] {
    return Array.from(this.s);
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new PrngStateError('PRNG state must be four unsigned 32-bit integers.');
    }
    if (state.every((w) => w === 0)) throw new PrngStateError('PRNG state must not be all zeros.');
    this.s = Uint32Array.from(state);
  }
}
