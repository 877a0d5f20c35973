// The SAE encoder on the GPU for extraction: z [rows, d_sae] = act(x · W_enc + b_enc) from activations
// x [rows, d_in] (shaders/feature_encode.wgsl, then feature_rowselect.wgsl for TopK). Inference form of
// SAE_SPEC "Forward": BatchTopK uses z = pre · [pre > θ_batch]. CPU twin: referenceLatents.
import { createBuffer, uniformBuffer, uploadBuffer, writeData } from '../../gpu/buffers';
import { ceilDiv, dispatch1D } from '../../gpu/dispatch';
import { kernel, type Kernel } from '../../gpu/kernels';
import { UniformWriter } from '../../gpu/uniforms';
import type { SaeParams } from '../../sae/config';
import type { EncodeConfig } from '../reference-encode';
import { checkBindingSize, checkRows, checkRowsBuffer, FeatureGpuError } from './feature-gpu-error';

const TILE = 64;

export interface GpuEncoderOptions {
  /** largest batch that will be encoded */
  maxRows: number;
  /** BatchTopK's learned θ_batch (required for batchtopk) */
  thresholdBatch?: number | null;
}

/** ACT define of feature_encode.wgsl */
function activationMode(cfg: EncodeConfig): 0 | 1 | 2 {
  switch (cfg.architecture) {
    case 'relu':
      return 0;
    case 'jumprelu':
    case 'batchtopk':
      return 1;
    case 'topk':
      return 2;
  }
}

export class GpuFeatureEncoder {
  /** [maxRows, d_sae]: the latest batch's activations */
  readonly z: GPUBuffer;
  /** [maxRows, d_in]: where encodeArray uploads activations */
  readonly x: GPUBuffer;
  private readonly weights: GPUBuffer[];
  private readonly uniforms: GPUBuffer;
  private readonly selectUniforms: GPUBuffer | null;
  private readonly encodeKernel: Kernel;
  private readonly selectKernel: Kernel | null;
  private readonly encodeGroup: (x: GPUBuffer) => GPUBindGroup;
  private readonly selectGroup: GPUBindGroup | null;
  private readonly bound = new WeakMap<GPUBuffer, GPUBindGroup>();

  private constructor(
    private readonly device: GPUDevice,
    readonly cfg: EncodeConfig,
    params: SaeParams,
    readonly maxRows: number,
    thresholdBatch: number | null,
  ) {
    const { d_in: dIn, d_sae: dSae } = cfg;
    const act = activationMode(cfg);
    const theta = new Float32Array(dSae);
    if (cfg.architecture === 'jumprelu') {
      if (!params.log_threshold || params.log_threshold.length !== dSae) {
        throw new FeatureGpuError('This JumpReLU SAE has no per-latent thresholds (log_threshold).', 'Re-import the SAE with its threshold tensor.');
      }
      for (let j = 0; j < dSae; j++) theta[j] = Math.exp(params.log_threshold[j]!);
    } else if (cfg.architecture === 'batchtopk') {
      if (thresholdBatch === null || !Number.isFinite(thresholdBatch)) {
        throw new FeatureGpuError('A BatchTopK SAE needs its learned threshold θ_batch to encode at inference.', 'Use an SAE exported with its threshold.');
      }
      theta.fill(thresholdBatch);
    }
    const wEnc = uploadBuffer(device, 'feature W_enc', params.W_enc);
    const bEnc = uploadBuffer(device, 'feature b_enc', params.b_enc);
    const bDec = uploadBuffer(device, 'feature b_dec', params.b_dec);
    const thetaBuf = uploadBuffer(device, 'feature theta', theta);
    this.z = createBuffer(device, 'feature z', maxRows * dSae * 4);
    this.x = createBuffer(device, 'feature x', maxRows * dIn * 4);
    this.uniforms = uniformBuffer(device, 'feature encode dims', new ArrayBuffer(16));
    this.weights = [wEnc, bEnc, bDec, thetaBuf];
    this.encodeKernel = kernel(device, { shader: 'feature_encode.wgsl', defines: { ACT: act } });
    this.encodeGroup = (x) =>
      this.encodeKernel.bind({ dims: this.uniforms, x, w: wEnc, shift: bDec, bias: bEnc, theta: thetaBuf, out: this.z }, 'feature encode');
    if (cfg.architecture === 'topk') {
      if (!Number.isInteger(cfg.k) || cfg.k! < 1) throw new FeatureGpuError(`A TopK SAE needs k ≥ 1 (got ${cfg.k}).`, 'Check the SAE config.');
      this.selectKernel = kernel(device, { shader: 'feature_rowselect.wgsl', defines: { KEY: 0, OUT: 0 } });
      this.selectUniforms = uniformBuffer(device, 'feature topk params', new ArrayBuffer(16));
      // list outputs are unused in the in-place mode; separate buffers, as writable bindings must not alias
      const unusedIdx = createBuffer(device, 'feature topk unused indices', 16);
      const unusedVal = createBuffer(device, 'feature topk unused values', 16);
      this.weights.push(unusedIdx, unusedVal);
      this.selectGroup = this.selectKernel.bind({ params: this.selectUniforms, vals: this.z, out_idx: unusedIdx, out_val: unusedVal }, 'feature topk');
    } else {
      this.selectKernel = null;
      this.selectUniforms = null;
      this.selectGroup = null;
    }
  }

  static create(device: GPUDevice, cfg: EncodeConfig, params: SaeParams, opts: GpuEncoderOptions): GpuFeatureEncoder {
    const { d_in: dIn, d_sae: dSae } = cfg;
    if (params.W_enc.length !== dIn * dSae || params.b_enc.length !== dSae || params.b_dec.length !== dIn) {
      throw new FeatureGpuError(`The SAE's tensors do not match d_in = ${dIn}, d_sae = ${dSae}.`, 'Check that the weights belong to this config.');
    }
    if (!Number.isInteger(opts.maxRows) || opts.maxRows < 1) throw new FeatureGpuError(`The maximum batch must be at least 1 row (got ${opts.maxRows}).`, 'Choose a batch size.');
    const tooBig = 'Use a smaller batch, or a GPU/browser with larger storage buffers.';
    checkBindingSize(device, dIn * dSae * 4, 'The encoder matrix W_enc', 'This SAE is too large for this GPU.');
    checkBindingSize(device, opts.maxRows * dSae * 4, `A batch of ${opts.maxRows} latent rows`, tooBig);
    checkBindingSize(device, opts.maxRows * dIn * 4, `A batch of ${opts.maxRows} activation rows`, tooBig);
    return new GpuFeatureEncoder(device, cfg, params, opts.maxRows, opts.thresholdBatch ?? null);
  }

  /** Encodes rows of x (a GPU buffer [≥ rows, d_in], e.g. the LM's output) into this.z; submits its own work. */
  encode(x: GPUBuffer, rows: number): void {
    checkRows(rows, this.maxRows);
    const { d_in: dIn, d_sae: dSae } = this.cfg;
    checkRowsBuffer(x, rows, dIn, 'The activation buffer');
    this.device.queue.writeBuffer(this.uniforms, 0, new UniformWriter().u32(rows).u32(dSae).u32(dIn).bool(this.cfg.apply_b_dec_to_input).finish());
    let group = this.bound.get(x);
    if (!group) {
      group = this.encodeGroup(x);
      this.bound.set(x, group);
    }
    const encoder = this.device.createCommandEncoder({ label: 'feature encode' });
    const pass = encoder.beginComputePass({ label: 'feature encode' });
    pass.setPipeline(this.encodeKernel.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(ceilDiv(dSae, TILE), ceilDiv(rows, TILE));
    if (this.selectKernel && this.selectGroup && this.selectUniforms) {
      this.device.queue.writeBuffer(this.selectUniforms, 0, new UniformWriter().u32(rows).u32(dSae).u32(this.cfg.k!).u32(0).finish());
      pass.setPipeline(this.selectKernel.pipeline);
      pass.setBindGroup(0, this.selectGroup);
      dispatch1D(pass, this.device, rows);
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Uploads x [rows, d_in] from the CPU and encodes it. */
  encodeArray(x: Float32Array, rows = x.length / this.cfg.d_in): void {
    if (!Number.isInteger(rows) || x.length < rows * this.cfg.d_in) {
      throw new FeatureGpuError(`Activations of length ${x.length} are not ${rows} rows of d_in = ${this.cfg.d_in}.`, 'Check the activation source.');
    }
    checkRows(rows, this.maxRows);
    writeData(this.device, this.x, x.subarray(0, rows * this.cfg.d_in));
    this.encode(this.x, rows);
  }

  destroy(): void {
    for (const b of this.weights) b.destroy();
    this.z.destroy();
    this.x.destroy();
    this.uniforms.destroy();
    this.selectUniforms?.destroy();
  }
}
