// Per-latent statistics and top-k examples accumulated on the GPU across batches (shaders/
// feature_accumulate.wgsl, entry `accumulate`), read back at the end (or for a checkpoint) as the same
// FeatureStatsState the CPU reference produces. Nothing is read back per batch.
import { createBuffer, readU32, uniformBuffer, uploadBuffer, writeData } from '../../gpu/buffers';
import { ceilDiv, dispatch1D } from '../../gpu/dispatch';
import { kernel, type Kernel } from '../../gpu/kernels';
import { UniformWriter } from '../../gpu/uniforms';
import { FeatureStatsError, type FeatureStatsOptions, type FeatureStatsState } from '../feature-accumulator';
import { DEFAULT_HISTOGRAM, histogramBins, type HistogramBins } from '../histogram';
import type { TokenBatch } from '../token-batch';
import { checkBindingSize, checkRows, checkRowsBuffer } from './feature-gpu-error';
import { HeapBuffers } from './heap-buffers';
import { TokenRowsBuffer } from './token-rows';

const WG = 64;

const f32Bits = (v: number): number => new Uint32Array(Float32Array.of(v).buffer)[0]!;

export interface GpuFeatureStatsOptions extends FeatureStatsOptions {
  dSae: number;
  /** largest batch that will be added */
  maxRows: number;
}

export class GpuFeatureStats {
  private readonly tokensBuf: TokenRowsBuffer;
  private readonly uniforms: GPUBuffer;
  private readonly histEdges: GPUBuffer;
  /** per latent (fired count, bits of max, bits of sum, bits of the sum's compensation) */
  private readonly stat: GPUBuffer;
  private readonly hist: GPUBuffer;
  private readonly heaps: HeapBuffers;
  private readonly kernel: Kernel;
  private readonly groups = new WeakMap<GPUBuffer, GPUBindGroup>();
  /** tokens added so far */
  private tokens = 0;

  private constructor(
    private readonly device: GPUDevice,
    readonly dSae: number,
    readonly maxRows: number,
    private readonly bins: HistogramBins,
    k: number,
  ) {
    this.tokensBuf = new TokenRowsBuffer(device, maxRows);
    this.uniforms = uniformBuffer(device, 'feature stats params', new ArrayBuffer(32));
    this.histEdges = uploadBuffer(device, 'feature histogram edges', bins.edges);
    this.stat = createBuffer(device, 'feature statistics', dSae * 16);
    this.hist = createBuffer(device, 'feature histogram', dSae * bins.bins * 4);
    this.heaps = new HeapBuffers(device, 'feature top', dSae, k);
    this.kernel = kernel(device, { shader: 'feature_accumulate.wgsl', entry: 'accumulate' });
  }

  static create(device: GPUDevice, opts: GpuFeatureStatsOptions, initial?: FeatureStatsState): GpuFeatureStats {
    const { dSae, k, maxRows } = opts;
    if (!Number.isInteger(dSae) || dSae < 1) throw new FeatureStatsError(`d_sae must be a positive whole number (got ${dSae}).`);
    if (!Number.isInteger(k) || k < 0) throw new FeatureStatsError(`The number of top examples must be a whole number ≥ 0 (got ${k}).`);
    const bins = histogramBins(opts.histogram ?? DEFAULT_HISTOGRAM);
    checkBindingSize(device, dSae * bins.bins * 4, 'The activation histograms', 'Use fewer histogram bins.');
    checkBindingSize(device, dSae * k * 8, 'The top-example lists', 'Keep fewer top examples per feature.');
    checkBindingSize(device, maxRows * 16, 'The token references of a batch', 'Use a smaller batch.');
    const stats = new GpuFeatureStats(device, dSae, maxRows, bins, k);
    if (initial) stats.load(initial);
    return stats;
  }

  /** Adds a batch: z holds rows × d_sae activations (e.g. GpuFeatureEncoder.z); submits its own work. */
  add(z: GPUBuffer, rows: number, batch: TokenBatch): void {
    checkRows(rows, this.maxRows);
    checkRowsBuffer(z, rows, this.dSae, 'The latent activation buffer');
    this.tokensBuf.write(batch, rows);
    this.device.queue.writeBuffer(
      this.uniforms,
      0,
      new UniformWriter().u32(this.dSae).u32(rows).u32(this.heaps.capacity).u32(this.bins.bins).u32(1).u32(0).u32(0).u32(0).finish(),
    );
    let group = this.groups.get(z);
    if (!group) {
      group = this.kernel.bind(
        {
          params: this.uniforms,
          z,
          tokens: this.tokensBuf.buffer,
          hist_edges: this.histEdges,
          stat: this.stat,
          hist: this.hist,
          ...this.heaps.bindings(),
        },
        'feature accumulate',
      );
      this.groups.set(z, group);
    }
    const encoder = this.device.createCommandEncoder({ label: 'feature accumulate' });
    const pass = encoder.beginComputePass({ label: 'feature accumulate' });
    pass.setPipeline(this.kernel.pipeline);
    pass.setBindGroup(0, group);
    dispatch1D(pass, this.device, ceilDiv(this.dSae, WG));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.tokens += rows;
  }

  /** Everything accumulated so far (waits for the GPU). */
  async read(): Promise<FeatureStatsState> {
    const { dSae, device } = this;
    const bins = this.bins.bins;
    const stat = await readU32(device, this.stat, 4 * dSae);
    const bits = new Float32Array(stat.buffer, stat.byteOffset, 4 * dSae);
    const hist = await readU32(device, this.hist, dSae * bins);
    const state: FeatureStatsState = {
      dSae,
      tokens: this.tokens,
      fired: Float64Array.from({ length: dSae }, (_, j) => stat[4 * j]!),
      max: Float32Array.from({ length: dSae }, (_, j) => bits[4 * j + 1]!),
      // Kahan: the compensation holds minus the lost low part
      sum: Float64Array.from({ length: dSae }, (_, j) => bits[4 * j + 2]! - bits[4 * j + 3]!),
      histogram: Float64Array.from(hist),
      histogramBins: this.bins,
      // the heap key is the activation's bit pattern; the CPU heaps score by the activation itself
      top: await this.heaps.read((_key, act) => act),
    };
    return state;
  }

  /** Replaces the GPU state (resuming from a checkpoint). */
  load(state: FeatureStatsState): void {
    if (state.dSae !== this.dSae || state.top.capacity !== this.heaps.capacity || state.histogramBins.bins !== this.bins.bins) {
      throw new FeatureStatsError('Saved feature statistics do not match this extraction (d_sae, k or histogram bins differ).');
    }
    for (let i = 0; i < state.histogramBins.edges.length; i++) {
      if (state.histogramBins.edges[i] !== this.bins.edges[i]) throw new FeatureStatsError('Saved feature statistics use different histogram bins.');
    }
    const { device, dSae } = this;
    const stat = new Uint32Array(4 * dSae);
    const bits = new Float32Array(stat.buffer);
    for (let j = 0; j < dSae; j++) {
      const hi = Math.fround(state.sum[j]!);
      stat[4 * j] = state.fired[j]!;
      bits[4 * j + 1] = state.max[j]!;
      bits[4 * j + 2] = hi;
      bits[4 * j + 3] = hi - state.sum[j]!;
    }
    writeData(device, this.stat, stat);
    writeData(device, this.hist, Uint32Array.from(state.histogram));
    this.heaps.write(state.top, f32Bits);
    this.tokens = state.tokens;
  }

  destroy(): void {
    this.tokensBuf.destroy();
    for (const b of [this.uniforms, this.histEdges, this.stat, this.hist]) b.destroy();
    this.heaps.destroy();
  }
}
