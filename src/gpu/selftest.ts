// GPU self-test: a multi-pass sum reduction (shaders/selftest_reduce.wgsl) and its CPU twin, which adds in
// exactly the kernel's order with f32 rounding. The work is split into steps so a job can report progress,
// honour pause/cancel and checkpoint between them.
import shaderSource from '../../shaders/selftest_reduce.wgsl?raw';

export interface SelfTestParams {
  /** how many values to sum */
  elements: number;
  /** how many steps the values are split into (one progress report per step) */
  steps: number;
  /** seed of the value generator, so a resumed run sums the same values */
  seed: number;
}

export const SELF_TEST_DEFAULTS: SelfTestParams = { elements: 1 << 22, steps: 32, seed: 20240601 };

const WORKGROUP_SIZE = 256;
const ITEMS_PER_THREAD = 8;
/** values one workgroup folds into one partial */
export const GROUP_SPAN = WORKGROUP_SIZE * ITEMS_PER_THREAD;

export class SelfTestParamsError extends Error {
  override name = 'SelfTestParamsError';
}

export function parseSelfTestParams(value: unknown): SelfTestParams {
  const source = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const pick = (key: keyof SelfTestParams): number => {
    const v = source[key];
    return v === undefined ? SELF_TEST_DEFAULTS[key] : typeof v === 'number' ? v : Number.NaN;
  };
  const params: SelfTestParams = { elements: pick('elements'), steps: pick('steps'), seed: pick('seed') };
  if (!Number.isInteger(params.elements) || params.elements < 1 || params.elements > 1 << 26) {
    throw new SelfTestParamsError(`The self-test sums between 1 and ${1 << 26} values, not ${String(source.elements)}.`);
  }
  if (!Number.isInteger(params.steps) || params.steps < 1 || params.steps > params.elements) {
    throw new SelfTestParamsError(`The self-test needs between 1 and ${params.elements} steps, not ${String(source.steps)}.`);
  }
  if (!Number.isInteger(params.seed)) throw new SelfTestParamsError('The self-test seed must be an integer.');
  return params;
}

/** Values in [0, 1) from a 32-bit generator (mulberry32); every value is exactly representable in f32. */
export function selfTestData(elements: number, seed: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(elements);
  let state = seed >>> 0;
  for (let i = 0; i < elements; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 8) / 16777216;
  }
  return out;
}

export type ReduceBuffer = 'data' | 'scratchA' | 'scratchB' | 'steps' | 'total';

/** One dispatch of the kernel: fold input[offset, offset+count) into output[outOffset, outOffset+groups). */
export interface ReducePass {
  input: ReduceBuffer;
  output: ReduceBuffer;
  offset: number;
  count: number;
  outOffset: number;
  groups: number;
}

export interface ReductionPlan {
  elements: number;
  /** step s reduces its slice of the data to steps[s] */
  steps: ReducePass[][];
  /** reduces the per-step sums to total[0] */
  final: ReducePass[];
  /** largest partial count a scratch buffer must hold */
  scratchLength: number;
}

/** Passes that reduce `count` values of `input` to one value at output[outOffset], ping-ponging scratch buffers. */
function chain(input: ReduceBuffer, offset: number, count: number, output: ReduceBuffer, outOffset: number): ReducePass[] {
  const passes: ReducePass[] = [];
  let from = input;
  let fromOffset = offset;
  let remaining = count;
  for (;;) {
    const groups = Math.ceil(remaining / GROUP_SPAN);
    const last = groups === 1;
    const to: ReduceBuffer = last ? output : from === 'scratchA' ? 'scratchB' : 'scratchA';
    passes.push({ input: from, output: to, offset: fromOffset, count: remaining, outOffset: last ? outOffset : 0, groups });
    if (last) return passes;
    from = to;
    fromOffset = 0;
    remaining = groups;
  }
}

export function planReduction(elements: number, steps: number): ReductionPlan {
  const chunk = Math.ceil(elements / steps);
  const stepPasses: ReducePass[][] = [];
  for (let offset = 0; offset < elements; offset += chunk) {
    stepPasses.push(chain('data', offset, Math.min(chunk, elements - offset), 'steps', stepPasses.length));
  }
  const final = chain('steps', 0, stepPasses.length, 'total', 0);
  const scratchLength = Math.max(1, ...[...stepPasses.flat(), ...final].filter((p) => p.output.startsWith('scratch')).map((p) => p.groups));
  return { elements, steps: stepPasses, final, scratchLength };
}

/** The kernel's arithmetic on the CPU: same grouping, same order, f32 rounding after every addition. */
export function cpuReducePass(input: Float32Array, pass: ReducePass, output: Float32Array): void {
  const f = Math.fround;
  const scratch = new Float32Array(WORKGROUP_SIZE);
  for (let group = 0; group < pass.groups; group++) {
    const base = group * GROUP_SPAN;
    for (let lid = 0; lid < WORKGROUP_SIZE; lid++) {
      let acc = 0;
      for (let i = 0; i < ITEMS_PER_THREAD; i++) {
        const idx = base + i * WORKGROUP_SIZE + lid;
        if (idx < pass.count) acc = f(acc + input[pass.offset + idx]!);
      }
      scratch[lid] = acc;
    }
    for (let stride = WORKGROUP_SIZE / 2; stride > 0; stride >>= 1) {
      for (let lid = 0; lid < stride; lid++) scratch[lid] = f(scratch[lid]! + scratch[lid + stride]!);
    }
    output[pass.outOffset + group] = scratch[0]!;
  }
}

export interface ReductionResult {
  stepSums: number[];
  total: number;
}

/** CPU twin of the whole plan. */
export function cpuReduceSum(data: Float32Array, plan: ReductionPlan): ReductionResult {
  const buffers: Record<ReduceBuffer, Float32Array> = {
    data,
    scratchA: new Float32Array(plan.scratchLength),
    scratchB: new Float32Array(plan.scratchLength),
    steps: new Float32Array(plan.steps.length),
    total: new Float32Array(1),
  };
  for (const pass of [...plan.steps.flat(), ...plan.final]) cpuReducePass(buffers[pass.input], pass, buffers[pass.output]);
  return { stepSums: [...buffers.steps], total: buffers.total[0]! };
}

export interface SelfTestVerdict {
  passed: boolean;
  gpu: number;
  cpu: number;
  /** float64 sum of the same values, for scale */
  exact: number;
  difference: number;
  tolerance: number;
}

/**
 * The twin adds in the kernel's order, so a conforming GPU matches it exactly; the tolerance only allows for
 * implementations that flush or fuse differently, and is far below what a wrong reduction produces.
 */
export function compareWithTwin(gpu: number, cpu: number, data: Float32Array): SelfTestVerdict {
  let exact = 0;
  let magnitude = 0;
  for (const v of data) {
    exact += v;
    magnitude += Math.abs(v);
  }
  const tolerance = 1e-6 * Math.max(1, magnitude);
  const difference = Math.abs(gpu - cpu);
  return { passed: Number.isFinite(gpu) && difference <= tolerance, gpu, cpu, exact, difference, tolerance };
}

export class SelfTestGpuError extends Error {
  override name = 'SelfTestGpuError';
}

/** The reduction on a GPUDevice: upload once, then run step by step; per-step sums stay on the GPU. */
export class GpuSumReduction {
  private readonly buffers: Record<ReduceBuffer, GPUBuffer>;
  private readonly readback: GPUBuffer;
  private readonly uniforms: GPUBuffer;
  private readonly bindGroups = new Map<ReducePass, GPUBindGroup>();

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly plan: ReductionPlan,
    data: Float32Array<ArrayBuffer>,
  ) {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (label: string, length: number) => device.createBuffer({ label, size: Math.max(4, length * 4), usage });
    this.buffers = {
      data: make('selftest data', data.length),
      scratchA: make('selftest scratch A', plan.scratchLength),
      scratchB: make('selftest scratch B', plan.scratchLength),
      steps: make('selftest step sums', plan.steps.length),
      total: make('selftest total', 1),
    };
    device.queue.writeBuffer(this.buffers.data, 0, data);
    this.readback = device.createBuffer({ label: 'selftest readback', size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

    // One uniform slot per pass, written once; slots are aligned as bind group offsets require.
    const passes = [...plan.steps.flat(), ...plan.final];
    const slot = Math.max(16, device.limits.minUniformBufferOffsetAlignment);
    this.uniforms = device.createBuffer({ label: 'selftest params', size: slot * passes.length, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
    const layout = pipeline.getBindGroupLayout(0);
    passes.forEach((pass, i) => {
      const groupsX = Math.min(pass.groups, maxPerDim);
      device.queue.writeBuffer(this.uniforms, i * slot, new Uint32Array([pass.offset, pass.count, pass.outOffset, groupsX]));
      this.bindGroups.set(
        pass,
        device.createBindGroup({
          layout,
          entries: [
            { binding: 0, resource: { buffer: this.buffers[pass.input] } },
            { binding: 1, resource: { buffer: this.buffers[pass.output] } },
            { binding: 2, resource: { buffer: this.uniforms, offset: i * slot, size: 16 } },
          ],
        }),
      );
    });
  }

  static async create(device: GPUDevice, data: Float32Array<ArrayBuffer>, plan: ReductionPlan): Promise<GpuSumReduction> {
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: 'selftest_reduce.wgsl', code: shaderSource });
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await device.createComputePipelineAsync({
        label: 'selftest reduce_sum',
        layout: 'auto',
        compute: { module, entryPoint: 'reduce_sum', constants: { items_per_thread: ITEMS_PER_THREAD } },
      });
    } catch (err) {
      await device.popErrorScope();
      throw new SelfTestGpuError(`The GPU could not compile the self-test shader: ${err instanceof Error ? err.message : String(err)}`);
    }
    const reduction = new GpuSumReduction(device, pipeline, plan, data);
    const error = await device.popErrorScope();
    if (error) {
      reduction.destroy();
      throw new SelfTestGpuError(`The GPU rejected the self-test set-up: ${error.message}`);
    }
    return reduction;
  }

  get stepCount(): number {
    return this.plan.steps.length;
  }

  /** Puts per-step sums from a checkpoint back, so a resumed run skips those steps. */
  restoreStepSums(stepSums: readonly number[]): void {
    if (stepSums.length > 0) this.device.queue.writeBuffer(this.buffers.steps, 0, new Float32Array(stepSums));
  }

  /** Reduces step `index`'s slice and returns its sum. */
  runStep(index: number): Promise<number> {
    const passes = this.plan.steps[index];
    if (!passes) throw new RangeError(`The self-test has ${this.plan.steps.length} steps; there is no step ${index}.`);
    return this.runAndRead(passes, 'steps', index);
  }

  /** Reduces the per-step sums to the total. */
  total(): Promise<number> {
    return this.runAndRead(this.plan.final, 'total', 0);
  }

  destroy(): void {
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
    this.readback.destroy();
    this.uniforms.destroy();
  }

  private async runAndRead(passes: readonly ReducePass[], result: ReduceBuffer, index: number): Promise<number> {
    const encoder = this.device.createCommandEncoder({ label: 'selftest step' });
    const maxPerDim = this.device.limits.maxComputeWorkgroupsPerDimension;
    for (const pass of passes) {
      const compute = encoder.beginComputePass();
      compute.setPipeline(this.pipeline);
      compute.setBindGroup(0, this.bindGroups.get(pass)!);
      const x = Math.min(pass.groups, maxPerDim);
      compute.dispatchWorkgroups(x, Math.ceil(pass.groups / x));
      compute.end();
    }
    encoder.copyBufferToBuffer(this.buffers[result], index * 4, this.readback, 0, 4);
    this.device.queue.submit([encoder.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ);
    const value = new Float32Array(this.readback.getMappedRange())[0]!;
    this.readback.unmap();
    return value;
  }
}
