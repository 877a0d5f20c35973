// A streaming histogram of lengths (characters per document, tokens per document) with power-of-two
// buckets: it needs no bounds up front, stays tiny, and reads well on a log axis.

export interface LengthHistogram {
  /** bucket i counts lengths in [edges[i], edges[i + 1]); edges[0] is 0, then 1, 2, 4, 8, ... */
  edges: number[];
  counts: number[];
}

export class LengthHistogramBuilder {
  private counts: number[] = [];
  private total = 0;
  private sum = 0;
  private min = Infinity;
  private max = 0;

  add(length: number): void {
    // bucket 0 holds length 0; bucket b ≥ 1 holds [2^(b-1), 2^b)
    const bucket = length <= 0 ? 0 : 32 - Math.clz32(length);
    while (this.counts.length <= bucket) this.counts.push(0);
    this.counts[bucket]!++;
    this.total++;
    this.sum += length;
    if (length < this.min) this.min = length;
    if (length > this.max) this.max = length;
  }

  histogram(): LengthHistogram {
    const edges = [0];
    for (let b = 1; b <= this.counts.length; b++) edges.push(2 ** (b - 1));
    return { edges, counts: [...this.counts] };
  }

  summary(): { count: number; min: number; max: number; mean: number } {
    return {
      count: this.total,
      min: this.total === 0 ? 0 : this.min,
      max: this.max,
      mean: this.total === 0 ? 0 : this.sum / this.total,
    };
  }
}
