// The shuffle buffer on the CPU: the same plan as the GPU one (shuffle-plan.ts) over a Float32Array, for
// sources read from storage (activation caches) and models run without WebGPU.
import { Prng } from '../../sae/prng';
import { pickPairs, pushPairs, ShufflePlan } from './shuffle-plan';
import { gatherRowsCpu, moveRowsCpu } from './shuffle-rows-cpu';

export class CpuShuffleBuffer {
  readonly plan: ShufflePlan;
  private readonly rows: Float32Array;

  constructor(
    readonly width: number,
    capacity: number,
    seed: number,
  ) {
    this.plan = new ShufflePlan(capacity, new Prng(seed));
    this.rows = new Float32Array(capacity * width);
  }

  get count(): number {
    return this.plan.count;
  }

  get free(): number {
    return this.plan.free;
  }

  /** Adds rows `rows` of `src` (rows of `width` floats starting `srcOffset` floats in). */
  push(src: Float32Array, rows: ArrayLike<number>, srcOffset = 0): void {
    if (rows.length === 0) return;
    gatherRowsCpu(this.rows, src, pushPairs(this.plan.push(rows.length), rows), this.width, { srcOffset });
  }

  /** B random rows, scaled by `scale`, removed from the buffer. */
  take(B: number, scale = 1): Float32Array {
    const { picks, moves } = this.plan.take(B);
    const out = new Float32Array(B * this.width);
    gatherRowsCpu(out, this.rows, pickPairs(picks), this.width, { scale });
    moveRowsCpu(this.rows, moves, this.width);
    return out;
  }

  clear(): void {
    this.plan.clear();
  }
}
