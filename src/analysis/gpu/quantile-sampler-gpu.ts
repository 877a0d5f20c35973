// Quantile-band example sampling on the GPU (shaders/feature_accumulate.wgsl, entry `sample`): the second
// pass of an extraction. Samples stay on the GPU across batches and read back as the QuantileSamplerState
// the CPU reference produces.
import { createBuffer, uniformBuffer, uploadBuffer } from '../../gpu/buffers';
import { ceilDiv, dispatch1D } from '../../gpu/dispatch';
import { kernel, type Kernel } from '../../gpu/kernels';
import { UniformWriter } from '../../gpu/uniforms';
import { checkSamplerSpec, QuantileSamplerError, type BandEdges, type QuantileSamplerState } from '../quantile-sampler';
import type { TokenBatch } from '../token-batch';
import { checkBindingSize, checkRows, checkRowsBuffer } from './feature-gpu-error';
import { HeapBuffers } from './heap-buffers';
import { TokenRowsBuffer } from './token-rows';

const WG = 64;

export interface GpuQuantileSamplerOptions {
  edges: BandEdges;
  perBand: number;
  seed: number;
  /** largest batch that will be added */
  maxRows: number;
}

export class GpuQuantileSampler {
  private readonly tokensBuf: TokenRowsBuffer;
  private readonly uniforms: GPUBuffer;
  private readonly bandEdges: GPUBuffer;
  private readonly heaps: HeapBuffers;
  private readonly kernel: Kernel;
  private readonly groups = new WeakMap<GPUBuffer, GPUBindGroup>();
  private readonly edges: BandEdges;
  private readonly perBand: number;
  private readonly seed: number;

  private constructor(
    private readonly device: GPUDevice,
    readonly maxRows: number,
    opts: GpuQuantileSamplerOptions,
  ) {
    this.edges = opts.edges;
    this.perBand = opts.perBand;
    this.seed = opts.seed >>> 0;
    const { dSae, bands, interior } = opts.edges;
    this.tokensBuf = new TokenRowsBuffer(device, maxRows);
    this.uniforms = uniformBuffer(device, 'feature sample params', new ArrayBuffer(32));
    this.bandEdges = interior.length > 0 ? uploadBuffer(device, 'feature band edges', interior) : createBuffer(device, 'feature band edges', 16);
    this.heaps = new HeapBuffers(device, 'feature samples', dSae * bands, opts.perBand);
    this.kernel = kernel(device, { shader: 'feature_accumulate.wgsl', entry: 'sample' });
  }

  static create(device: GPUDevice, opts: GpuQuantileSamplerOptions, initial?: QuantileSamplerState): GpuQuantileSampler {
    checkSamplerSpec(opts.edges, opts.perBand);
    checkBindingSize(device, opts.maxRows * 16, 'The token references of a batch', 'Use a smaller batch.');
    checkBindingSize(device, opts.edges.dSae * opts.edges.bands * opts.perBand * 8, 'The quantile example lists', 'Use fewer bands or fewer examples per band.');
    const sampler = new GpuQuantileSampler(device, opts.maxRows, opts);
    if (initial) sampler.load(initial);
    return sampler;
  }

  /** Adds a batch of z [rows, d_sae] (e.g. GpuFeatureEncoder.z); submits its own work. */
  add(z: GPUBuffer, rows: number, batch: TokenBatch): void {
    const { dSae, bands } = this.edges;
    checkRows(rows, this.maxRows);
    checkRowsBuffer(z, rows, dSae, 'The latent activation buffer');
    this.tokensBuf.write(batch, rows);
    this.device.queue.writeBuffer(
      this.uniforms,
      0,
      new UniformWriter().u32(dSae).u32(rows).u32(this.perBand).u32(1).u32(bands).u32(this.seed).u32(0).u32(0).finish(),
    );
    let group = this.groups.get(z);
    if (!group) {
      group = this.kernel.bind(
        {
          params: this.uniforms,
          z,
          tokens: this.tokensBuf.buffer,
          band_edges: this.bandEdges,
          ...this.heaps.bindings(),
        },
        'feature sample',
      );
      this.groups.set(z, group);
    }
    const encoder = this.device.createCommandEncoder({ label: 'feature sample' });
    const pass = encoder.beginComputePass({ label: 'feature sample' });
    pass.setPipeline(this.kernel.pipeline);
    pass.setBindGroup(0, group);
    dispatch1D(pass, this.device, ceilDiv(dSae, WG));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  async read(): Promise<QuantileSamplerState> {
    // the heap key is the sample priority, which is also the CPU score
    return { edges: this.edges, perBand: this.perBand, seed: this.seed, samples: await this.heaps.read((key) => key) };
  }

  load(state: QuantileSamplerState): void {
    if (state.seed !== this.seed || state.perBand !== this.perBand || state.edges.bands !== this.edges.bands || state.edges.dSae !== this.edges.dSae) {
      throw new QuantileSamplerError('Saved quantile samples do not match this extraction (seed, bands or sample size differ).');
    }
    this.heaps.write(state.samples, (score) => score);
  }

  destroy(): void {
    this.tokensBuf.destroy();
    for (const b of [this.uniforms, this.bandEdges]) b.destroy();
    this.heaps.destroy();
  }
}
