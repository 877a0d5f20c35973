// Statistics of stored activations, accumulated row by row in float64 (Welford per dimension): how many
// rows, their mean L2 norm, and each dimension's mean and standard deviation. The state is small enough
// (two arrays of d_in) to go into a job checkpoint, so a resumed extraction continues the same sums.

export interface ActivationStats {
  count: number;
  meanNorm: number;
  mean: number[];
  /** population standard deviation per dimension */
  std: number[];
}

export interface ActivationStatsState {
  width: number;
  count: number;
  normSum: number;
  mean: number[];
  m2: number[];
}

export class ActivationStatsAccumulator {
  private count = 0;
  private normSum = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly width: number) {
    this.mean = new Float64Array(width);
    this.m2 = new Float64Array(width);
  }

  static fromState(state: ActivationStatsState): ActivationStatsAccumulator {
    const acc = new ActivationStatsAccumulator(state.width);
    if (state.mean.length !== state.width || state.m2.length !== state.width) throw new RangeError('Activation statistics state has the wrong width.');
    acc.count = state.count;
    acc.normSum = state.normSum;
    acc.mean.set(state.mean);
    acc.m2.set(state.m2);
    return acc;
  }

  /** Adds `rows` rows of `width` floats, starting at `offset` floats into `data`. */
  add(data: Float32Array, rows: number, offset = 0): void {
    const { width, mean, m2 } = this;
    for (let r = 0; r < rows; r++) {
      const base = offset + r * width;
      this.count++;
      const n = this.count;
      let sq = 0;
      for (let c = 0; c < width; c++) {
        const x = data[base + c] as number;
        sq += x * x;
        const delta = x - (mean[c] as number);
        mean[c] = (mean[c] as number) + delta / n;
        m2[c] = (m2[c] as number) + delta * (x - (mean[c] as number));
      }
      this.normSum += Math.sqrt(sq);
    }
  }

  result(): ActivationStats {
    const n = this.count;
    return {
      count: n,
      meanNorm: n > 0 ? this.normSum / n : 0,
      mean: Array.from(this.mean),
      std: Array.from(this.m2, (v) => (n > 0 ? Math.sqrt(v / n) : 0)),
    };
  }

  getState(): ActivationStatsState {
    return { width: this.width, count: this.count, normSum: this.normSum, mean: Array.from(this.mean), m2: Array.from(this.m2) };
  }
}
