// Streaming "keep the best `capacity` entries" for many groups at once (one group per latent, or per latent
// and activation band), in flat typed arrays: memory is groups · capacity whatever the number of entries
// offered. Entries are ordered by score (higher is better), then by earlier token (window, then position),
// a total order, so the kept set is the best `capacity` of everything offered, in any order and over any
// split: merging two partial heaps is exact, and associative.
//
// Each group is a binary min-heap whose root is its worst kept entry; the GPU kernel keeps its heaps in the
// same layout, so its state reads back into this class.

export interface ActivationExample {
  act: number;
  window: number;
  pos: number;
}

export interface ScoredExample extends ActivationExample {
  score: number;
}

export class ExampleHeapError extends Error {
  override name = 'ExampleHeapError';
}

export class ExampleHeaps {
  readonly scores: Float64Array;
  readonly acts: Float32Array;
  readonly windows: Uint32Array;
  readonly positions: Uint32Array;
  /** entries kept per group (≤ capacity) */
  readonly sizes: Uint32Array;

  constructor(
    readonly groups: number,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(groups) || groups < 0 || !Number.isInteger(capacity) || capacity < 0) {
      throw new ExampleHeapError(`Example lists need whole, non-negative sizes (got ${groups} groups of ${capacity}).`);
    }
    const n = groups * capacity;
    this.scores = new Float64Array(n);
    this.acts = new Float32Array(n);
    this.windows = new Uint32Array(n);
    this.positions = new Uint32Array(n);
    this.sizes = new Uint32Array(groups);
  }

  /** true when slot a holds a better entry than slot b */
  private better(a: number, b: number): boolean {
    return betterEntry(this.scores[a]!, this.windows[a]!, this.positions[a]!, this.scores[b]!, this.windows[b]!, this.positions[b]!);
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
    const v = this.acts[a]!;
    this.acts[a] = this.acts[b]!;
    this.acts[b] = v;
    const w = this.windows[a]!;
    this.windows[a] = this.windows[b]!;
    this.windows[b] = w;
    const p = this.positions[a]!;
    this.positions[a] = this.positions[b]!;
    this.positions[b] = p;
  }

  private put(slot: number, score: number, act: number, window: number, pos: number): void {
    this.scores[slot] = score;
    this.acts[slot] = act;
    this.windows[slot] = window;
    this.positions[slot] = pos;
  }

  /** Offers one entry to a group; returns whether it was kept. */
  offer(group: number, score: number, act: number, window: number, pos: number): boolean {
    if (this.capacity === 0 || Number.isNaN(score)) return false;
    const base = group * this.capacity;
    const size = this.sizes[group]!;
    if (size < this.capacity) {
      let i = size;
      this.put(base + i, score, act, window, pos);
      this.sizes[group] = size + 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.better(base + parent, base + i)) break;
        this.swap(base + parent, base + i);
        i = parent;
      }
      return true;
    }
    if (!betterEntry(score, window, pos, this.scores[base]!, this.windows[base]!, this.positions[base]!)) return false;
    this.put(base, score, act, window, pos);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < size && this.better(base + worst, base + l)) worst = l;
      if (r < size && this.better(base + worst, base + r)) worst = r;
      if (worst === i) break;
      this.swap(base + i, base + worst);
      i = worst;
    }
    return true;
  }

  /** Adds every entry of `other` (same groups and capacity): afterwards this holds the best of both. */
  merge(other: ExampleHeaps): this {
    if (other.groups !== this.groups || other.capacity !== this.capacity) {
      throw new ExampleHeapError(`Cannot merge example lists of ${other.groups}×${other.capacity} into ${this.groups}×${this.capacity}.`);
    }
    for (let g = 0; g < this.groups; g++) {
      const base = g * other.capacity;
      for (let i = 0; i < other.sizes[g]!; i++) {
        const s = base + i;
        this.offer(g, other.scores[s]!, other.acts[s]!, other.windows[s]!, other.positions[s]!);
      }
    }
    return this;
  }

  /** A group's entries, best first. */
  sorted(group: number): ScoredExample[] {
    const base = group * this.capacity;
    const out: ScoredExample[] = [];
    for (let i = 0; i < this.sizes[group]!; i++) {
      const s = base + i;
      out.push({ score: this.scores[s]!, act: this.acts[s]!, window: this.windows[s]!, pos: this.positions[s]! });
    }
    return out.sort(compareExamples);
  }

  clone(): ExampleHeaps {
    const c = new ExampleHeaps(this.groups, this.capacity);
    c.scores.set(this.scores);
    c.acts.set(this.acts);
    c.windows.set(this.windows);
    c.positions.set(this.positions);
    c.sizes.set(this.sizes);
    return c;
  }
}

export function betterEntry(scoreA: number, windowA: number, posA: number, scoreB: number, windowB: number, posB: number): boolean {
  if (scoreA !== scoreB) return scoreA > scoreB;
  if (windowA !== windowB) return windowA < windowB;
  return posA < posB;
}

/** Sort comparator: best first. */
export function compareExamples(a: ScoredExample, b: ScoredExample): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.window !== b.window) return a.window - b.window;
  return a.pos - b.pos;
}
