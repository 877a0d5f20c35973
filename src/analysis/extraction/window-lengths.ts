// Real-token lengths of the windows an extraction runs, recorded during its first pass so the context
// passes can clip example contexts to each window without reading it first. Two bytes per window used
// (four for contexts over 65 535 tokens); nothing at all for tokenizations without padding.
import type { WindowRange } from './plan';

export class WindowLengths {
  private readonly lengths: Uint16Array | Uint32Array;
  /** first slot of each batch in `lengths` */
  private readonly offsets: number[];

  constructor(
    private readonly batches: readonly WindowRange[],
    readonly contextLength: number,
  ) {
    this.offsets = [];
    let n = 0;
    for (const b of batches) {
      this.offsets.push(n);
      n += b.end - b.start;
    }
    this.lengths = contextLength <= 0xffff ? new Uint16Array(n).fill(contextLength) : new Uint32Array(n).fill(contextLength);
  }

  private slot(window: number): number {
    // batches are sorted and disjoint: binary search for the last batch starting at or before `window`
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.batches[mid]!.start <= window) lo = mid;
      else hi = mid - 1;
    }
    const b = this.batches[lo];
    if (!b || window < b.start || window >= b.end) throw new RangeError(`Window ${window} is not one this extraction runs.`);
    return this.offsets[lo]! + window - b.start;
  }

  /** Records the lengths of windows [start, start + lengths.length). */
  record(start: number, lengths: ArrayLike<number>): void {
    for (let i = 0; i < lengths.length; i++) this.lengths[this.slot(start + i)] = Math.min(this.contextLength, lengths[i]!);
  }

  get(window: number): number {
    return this.lengths[this.slot(window)]!;
  }
}
