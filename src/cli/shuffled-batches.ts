// Batches of rows drawn from an in-memory matrix in a seeded random order, a fresh permutation per epoch.
import { Prng } from '../sae/prng';

export class ShuffledBatches {
  private readonly rng: Prng;
  private readonly order: Uint32Array;
  private cursor: number;

  constructor(
    private readonly data: Float32Array,
    private readonly rows: number,
    private readonly dIn: number,
    seed: number,
  ) {
    this.rng = new Prng(seed);
    this.order = Uint32Array.from({ length: rows }, (_, i) => i);
    this.cursor = rows; // shuffle on first use
  }

  /** The next B rows, each multiplied by `scale`. */
  next(B: number, scale = 1): Float32Array {
    const out = new Float32Array(B * this.dIn);
    for (let b = 0; b < B; b++) {
      if (this.cursor >= this.rows) this.reshuffle();
      const r = this.order[this.cursor++]!;
      const src = this.data.subarray(r * this.dIn, (r + 1) * this.dIn);
      if (scale === 1) out.set(src, b * this.dIn);
      else for (let i = 0; i < this.dIn; i++) out[b * this.dIn + i] = src[i]! * scale;
    }
    return out;
  }

  private reshuffle(): void {
    // Fisher–Yates
    for (let i = this.rows - 1; i > 0; i--) {
      const j = Math.floor(this.rng.uniform() * (i + 1));
      const t = this.order[i]!;
      this.order[i] = this.order[j]!;
      this.order[j] = t;
    }
    this.cursor = 0;
  }
}
