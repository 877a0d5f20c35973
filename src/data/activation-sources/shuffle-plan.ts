// The bookkeeping of a shuffle buffer, apart from where the rows live (GPU or CPU): which slots incoming
// rows fill and which random slots a batch takes. Valid rows always occupy slots [0, count): a take pulls
// B random slots and fills the holes it leaves below the new count with the rows above it, so every move
// reads above the new count and writes below it (no move reads a slot another move writes).
import { Prng } from '../../sae/prng';

export interface TakePlan {
  /** slots whose rows form the batch, in batch order */
  picks: Uint32Array;
  /** [to, from] slot pairs that keep the valid rows contiguous */
  moves: Uint32Array;
}

export class ShufflePlanError extends Error {
  override readonly name = 'ShufflePlanError';
}

export class ShufflePlan {
  private n = 0;

  constructor(
    readonly capacity: number,
    private readonly rng: Prng,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new ShufflePlanError(`A shuffle buffer needs a positive whole capacity, not ${capacity}.`);
  }

  /** rows held */
  get count(): number {
    return this.n;
  }

  get free(): number {
    return this.capacity - this.n;
  }

  /** Reserves `k` slots for incoming rows; returns the first (the rows go to [first, first + k)). */
  push(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > this.free) throw new ShufflePlanError(`Cannot add ${k} rows: ${this.free} slots are free.`);
    const first = this.n;
    this.n += k;
    return first;
  }

  /** Picks `B` distinct random slots (Floyd's sampling: O(B), not O(count)) and plans the compaction. */
  take(B: number): TakePlan {
    if (!Number.isInteger(B) || B < 1 || B > this.n) throw new ShufflePlanError(`Cannot take ${B} rows from ${this.n}.`);
    const n = this.n;
    const chosen = new Set<number>();
    for (let j = n - B; j < n; j++) {
      const t = Math.floor(this.rng.uniform() * (j + 1));
      chosen.add(chosen.has(t) ? j : t);
    }
    const picks = Uint32Array.from(chosen);
    // Floyd's set is not in random order; shuffle the batch order too (Fisher–Yates over B)
    for (let i = B - 1; i > 0; i--) {
      const j = Math.floor(this.rng.uniform() * (i + 1));
      const t = picks[i] as number;
      picks[i] = picks[j] as number;
      picks[j] = t;
    }
    const rest = n - B;
    const holes = [...chosen].filter((s) => s < rest).sort((a, b) => a - b);
    const tails: number[] = [];
    for (let s = rest; s < n; s++) if (!chosen.has(s)) tails.push(s);
    const moves = new Uint32Array(holes.length * 2);
    holes.forEach((hole, i) => {
      moves[2 * i] = hole;
      moves[2 * i + 1] = tails[i] as number;
    });
    this.n = rest;
    return { picks, moves };
  }

  /** Empties the buffer (a resumed run refills it from its saved position). */
  clear(): void {
    this.n = 0;
  }

  getState(): number[] {
    return this.rng.getState();
  }

  setState(state: readonly number[]): void {
    this.rng.setState(state);
  }
}

/** [to, from] pairs for `rows` source rows written to consecutive slots from `first`. */
export function pushPairs(first: number, rows: ArrayLike<number>): Uint32Array {
  const pairs = new Uint32Array(rows.length * 2);
  for (let i = 0; i < rows.length; i++) {
    pairs[2 * i] = first + i;
    pairs[2 * i + 1] = rows[i] as number;
  }
  return pairs;
}

/** [to, from] pairs that copy `picks` to rows 0, 1, 2… of a batch. */
export function pickPairs(picks: ArrayLike<number>): Uint32Array {
  const pairs = new Uint32Array(picks.length * 2);
  for (let i = 0; i < picks.length; i++) {
    pairs[2 * i] = i;
    pairs[2 * i + 1] = picks[i] as number;
  }
  return pairs;
}
