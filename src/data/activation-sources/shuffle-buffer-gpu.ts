// The GPU shuffle buffer: activations from the model (rows of a GPUBuffer on the same device, e.g. an ORT
// output) go into a large buffer; each batch is B random rows of it, so consecutive batches mix tokens from
// many windows instead of neighbouring positions of one. Everything stays on the GPU; only the row indices
// (B or a few thousand u32) are written from the CPU per batch. The slot bookkeeping is ShufflePlan.
import { paddedSize } from '../../gpu/buffers';
import { kernel, type Kernel } from '../../gpu/kernels';
import { UniformWriter } from '../../gpu/uniforms';
import { Prng } from '../../sae/prng';
import { pickPairs, pushPairs, ShufflePlan } from './shuffle-plan';

const SHADER = 'shuffle_rows.wgsl';
const WORKGROUP_SIZE = 64;

export interface GpuShuffleBufferOptions {
  /** floats per row (d_in) */
  width: number;
  /** rows the buffer holds */
  capacity: number;
  /** rows per batch */
  batch: number;
  /** most rows one push adds */
  maxPush: number;
  seed: number;
}

export class GpuShuffleBuffer {
  readonly plan: ShufflePlan;
  /** the latest batch, [batch, width] f32; overwritten by the next take() (queue order keeps readers safe) */
  readonly output: GPUBuffer;
  private readonly rows: GPUBuffer;
  private readonly pairs: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly gather: Kernel;
  private readonly move: Kernel;

  constructor(
    private readonly device: GPUDevice,
    readonly options: GpuShuffleBufferOptions,
  ) {
    const { width, capacity, batch, maxPush } = options;
    if (batch > capacity) throw new RangeError(`A batch of ${batch} rows does not fit a shuffle buffer of ${capacity}.`);
    this.plan = new ShufflePlan(capacity, new Prng(options.seed));
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.rows = device.createBuffer({ label: 'shuffle buffer rows', size: paddedSize(capacity * width * 4), usage });
    this.output = device.createBuffer({ label: 'shuffle buffer batch', size: paddedSize(batch * width * 4), usage });
    this.pairs = device.createBuffer({ label: 'shuffle buffer pairs', size: paddedSize(Math.max(maxPush, batch) * 8), usage });
    this.params = device.createBuffer({ label: 'shuffle buffer params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.gather = kernel(device, { shader: SHADER, entry: 'gather_rows' });
    this.move = kernel(device, { shader: SHADER, entry: 'move_rows' });
  }

  get count(): number {
    return this.plan.count;
  }

  get free(): number {
    return this.plan.free;
  }

  /** Adds rows `rows` of `src` (rows of `width` floats starting `srcOffset` floats in). */
  push(src: GPUBuffer, rows: Uint32Array, srcOffset = 0): void {
    if (rows.length === 0) return;
    if (rows.length > this.options.maxPush) throw new RangeError(`At most ${this.options.maxPush} rows can be added at once, not ${rows.length}.`);
    const first = this.plan.push(rows.length);
    this.run(this.gather, { src, dst: this.rows }, pushPairs(first, rows), srcOffset, 0, 1);
  }

  /** B random rows into `output`, scaled by `scale`, removed from the buffer. */
  take(B: number, scale = 1): GPUBuffer {
    if (B > this.options.batch) throw new RangeError(`A batch holds at most ${this.options.batch} rows, not ${B}.`);
    const { picks, moves } = this.plan.take(B);
    this.run(this.gather, { src: this.rows, dst: this.output }, pickPairs(picks), 0, 0, scale);
    if (moves.length > 0) this.run(this.move, { dst: this.rows }, moves, 0, 0, 1);
    return this.output;
  }

  /** Forgets the rows held (a resumed run refills from its saved position). */
  clear(): void {
    this.plan.clear();
  }

  destroy(): void {
    for (const b of [this.rows, this.output, this.pairs, this.params]) b.destroy();
  }

  /** One dispatch, submitted on its own so the pairs and params written for it are the ones it reads. */
  private run(k: Kernel, buffers: { src?: GPUBuffer; dst: GPUBuffer }, pairs: Uint32Array, srcOffset: number, dstOffset: number, scale: number): void {
    const count = pairs.length / 2;
    if (count === 0) return;
    const { device } = this;
    device.queue.writeBuffer(this.pairs, 0, pairs.buffer, pairs.byteOffset, pairs.byteLength);
    const uniforms = new UniformWriter().u32(count).u32(this.options.width).u32(srcOffset).u32(dstOffset).f32(scale).u32(0).u32(0).u32(0).finish();
    device.queue.writeBuffer(this.params, 0, uniforms);
    const maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
    const y = Math.min(count, maxPerDim);
    const z = Math.ceil(count / y);
    const encoder = device.createCommandEncoder({ label: k.label });
    const pass = encoder.beginComputePass({ label: k.label });
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, k.bind({ ...buffers, pairs: this.pairs, params: this.params }));
    pass.dispatchWorkgroups(Math.ceil(this.options.width / WORKGROUP_SIZE), y, z);
    pass.end();
    device.queue.submit([encoder.finish()]);
  }
}
