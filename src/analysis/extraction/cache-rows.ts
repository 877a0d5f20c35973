// Where a window's activation rows are in a stored activation cache. The cache job
// (src/jobs/handlers/extractActivationsRun.ts) runs windows 0, 1, 2… in order and stores one row per real
// token, window after window, cut off at its row budget — so window w's rows start after the real tokens
// of all windows before it, and only the windows whose rows are all stored can be used.
import type { WindowRange } from './plan';

export interface ShardSegment {
  shard: number;
  /** rows [from, to) within the shard */
  from: number;
  to: number;
}

export class CacheRowIndex {
  /** first cache row of each window, and one past the last covered window */
  private readonly starts: Float64Array;
  private readonly shardStarts: number[] = [];
  readonly rows: number;

  /**
   * `windowLengths(w)` gives the real tokens of window w (for windows 0…; called in order until the cache's
   * rows run out, at most `windowCount` windows).
   */
  constructor(shards: readonly { rows: number }[], windowCount: number, windowLengths: (window: number) => number) {
    let rows = 0;
    for (const s of shards) {
      this.shardStarts.push(rows);
      rows += s.rows;
    }
    this.rows = rows;
    const starts = [0];
    let at = 0;
    for (let w = 0; w < windowCount; w++) {
      const next = at + windowLengths(w);
      if (next > rows) break;
      starts.push(next);
      at = next;
    }
    this.starts = Float64Array.from(starts);
  }

  /** windows whose every row is stored: 0 … coveredWindows − 1 */
  get coveredWindows(): number {
    return this.starts.length - 1;
  }

  /** Rows [start, end) of windows [first, last). */
  windowRows(windows: WindowRange): { start: number; end: number } {
    if (windows.start < 0 || windows.end > this.coveredWindows || windows.start > windows.end) {
      throw new RangeError(`Windows ${windows.start}–${windows.end} are not all in the activation cache (it covers ${this.coveredWindows}).`);
    }
    return { start: this.starts[windows.start]!, end: this.starts[windows.end]! };
  }

  /** The shard pieces holding rows [start, end), in order. */
  segments(start: number, end: number): ShardSegment[] {
    const out: ShardSegment[] = [];
    for (let s = 0; s < this.shardStarts.length && start < end; s++) {
      const first = this.shardStarts[s]!;
      const last = s + 1 < this.shardStarts.length ? this.shardStarts[s + 1]! : this.rows;
      if (start >= last) continue;
      const to = Math.min(end, last);
      out.push({ shard: s, from: start - first, to: to - first });
      start = to;
    }
    if (start < end) throw new RangeError(`Rows up to ${end} are past the cache's ${this.rows}.`);
    return out;
  }
}
