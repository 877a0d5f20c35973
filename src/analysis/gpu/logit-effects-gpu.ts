// Logit effects on the GPU for large vocabularies: (W_dec[j] ⊙ γ) · W_U for a chunk of latents at a time
// (shaders/feature_encode.wgsl without activation), then the top-N largest and smallest logits per row
// (shaders/feature_rowselect.wgsl), so only 2·N values per latent come back. When W_U exceeds one storage
// binding, the vocabulary is processed in column blocks and the per-block winners merged exactly on the
// CPU. Same results as logitEffects (logit-effects.ts) up to float32 rounding of the logits.
import { createBuffer, readF32, readU32, uniformBuffer, uploadBuffer, writeData } from '../../gpu/buffers';
import { ceilDiv, dispatch1D } from '../../gpu/dispatch';
import { kernel } from '../../gpu/kernels';
import { UniformWriter } from '../../gpu/uniforms';
import { checkLogitEffectsInput, LogitEffectsError, type LogitEffects, type LogitEffectsInput, type TokenEffect } from '../logit-effects';

const TILE = 64;

export interface GpuLogitEffectsOptions {
  /** latents per GPU chunk (default 256) */
  rowsPerChunk?: number;
  /** vocabulary columns per GPU block (default: as many as one storage binding holds) */
  vocabPerChunk?: number;
  latents?: readonly number[];
}

function bestOf(candidates: TokenEffect[], n: number, sign: 1 | -1): TokenEffect[] {
  return candidates.sort((a, b) => sign * (b.value - a.value) || a.token - b.token).slice(0, n);
}

export async function gpuLogitEffects(device: GPUDevice, input: LogitEffectsInput, topN: number, opts: GpuLogitEffectsOptions = {}): Promise<LogitEffects[]> {
  checkLogitEffectsInput(input);
  const { dIn, vocab, dSae } = input;
  const latents = opts.latents ?? Array.from({ length: dSae }, (_, j) => j);
  for (const j of latents) if (!Number.isInteger(j) || j < 0 || j >= dSae) throw new LogitEffectsError(`Latent ${j} does not exist (d_sae = ${dSae}).`);
  if (!Number.isInteger(topN) || topN < 1) throw new LogitEffectsError(`The number of tokens to show must be at least 1 (got ${topN}).`);
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const rowsPerChunk = Math.max(1, Math.min(opts.rowsPerChunk ?? 256, latents.length || 1));
  const vocabChunk = Math.min(vocab, opts.vocabPerChunk ?? vocab, Math.floor(limit / (4 * dIn)), Math.floor(limit / (4 * rowsPerChunk)));
  if (vocabChunk < 1) throw new LogitEffectsError('The unembedding is too large for this GPU even one token at a time.');
  const want = Math.min(topN, vocabChunk);

  const matmul = kernel(device, { shader: 'feature_encode.wgsl', defines: { ACT: 2 } });
  const top = kernel(device, { shader: 'feature_rowselect.wgsl', defines: { KEY: 1, OUT: 1 } });
  const bottom = kernel(device, { shader: 'feature_rowselect.wgsl', defines: { KEY: 2, OUT: 1 } });
  const made: GPUBuffer[] = [];
  const buf = (b: GPUBuffer) => (made.push(b), b);
  const dims = buf(uniformBuffer(device, 'logit dims', new ArrayBuffer(16)));
  const selParams = buf(uniformBuffer(device, 'logit select params', new ArrayBuffer(16)));
  const x = buf(createBuffer(device, 'logit directions', rowsPerChunk * dIn * 4));
  const zerosK = buf(createBuffer(device, 'logit zero shift', dIn * 4));
  const zerosN = buf(createBuffer(device, 'logit zero bias', vocabChunk * 4));
  const theta = buf(createBuffer(device, 'logit unused theta', 16));
  const logits = buf(createBuffer(device, 'logits', rowsPerChunk * vocabChunk * 4));
  const outs = [0, 1, 2, 3].map((i) => buf(createBuffer(device, `logit select out ${i}`, rowsPerChunk * want * 4)));
  // a row with NaN logits has fewer candidates than slots: NaN marks the slots it leaves unwritten
  const unwritten = new Float32Array(rowsPerChunk * want).fill(Number.NaN);
  const promoted = latents.map((): TokenEffect[] => []);
  const suppressed = latents.map((): TokenEffect[] => []);
  try {
    for (let v0 = 0; v0 < vocab; v0 += vocabChunk) {
      const vc = Math.min(vocabChunk, vocab - v0);
      const block = new Float32Array(dIn * vc);
      for (let i = 0; i < dIn; i++) for (let t = 0; t < vc; t++) block[i * vc + t] = input.W_U[i * vocab + v0 + t]!;
      const wU = uploadBuffer(device, 'logit W_U block', block);
      try {
        const wantHere = Math.min(want, vc);
        for (let r0 = 0; r0 < latents.length; r0 += rowsPerChunk) {
          const rows = Math.min(rowsPerChunk, latents.length - r0);
          const dirs = new Float32Array(rows * dIn);
          for (let r = 0; r < rows; r++) {
            const j = latents[r0 + r]!;
            for (let i = 0; i < dIn; i++) dirs[r * dIn + i] = input.W_dec[j * dIn + i]! * (input.gamma ? input.gamma[i]! : 1);
          }
          writeData(device, x, dirs);
          writeData(device, outs[1]!, unwritten);
          writeData(device, outs[3]!, unwritten);
          device.queue.writeBuffer(dims, 0, new UniformWriter().u32(rows).u32(vc).u32(dIn).u32(0).finish());
          device.queue.writeBuffer(selParams, 0, new UniformWriter().u32(rows).u32(vc).u32(wantHere).u32(0).finish());
          const encoder = device.createCommandEncoder({ label: 'logit effects' });
          const pass = encoder.beginComputePass({ label: 'logit effects' });
          pass.setPipeline(matmul.pipeline);
          pass.setBindGroup(0, matmul.bind({ dims, x, w: wU, shift: zerosK, bias: zerosN, theta, out: logits }));
          pass.dispatchWorkgroups(ceilDiv(vc, TILE), ceilDiv(rows, TILE));
          pass.setPipeline(top.pipeline);
          pass.setBindGroup(0, top.bind({ params: selParams, vals: logits, out_idx: outs[0]!, out_val: outs[1]! }));
          dispatch1D(pass, device, rows);
          pass.setPipeline(bottom.pipeline);
          pass.setBindGroup(0, bottom.bind({ params: selParams, vals: logits, out_idx: outs[2]!, out_val: outs[3]! }));
          dispatch1D(pass, device, rows);
          pass.end();
          device.queue.submit([encoder.finish()]);
          const n = rows * wantHere;
          const [topIdx, topVal, botIdx, botVal] = [await readU32(device, outs[0]!, n), await readF32(device, outs[1]!, n), await readU32(device, outs[2]!, n), await readF32(device, outs[3]!, n)];
          for (let r = 0; r < rows; r++) {
            for (let s = 0; s < wantHere; s++) {
              const slot = r * wantHere + s;
              if (!Number.isNaN(topVal[slot]!)) promoted[r0 + r]!.push({ token: v0 + topIdx[slot]!, value: topVal[slot]! });
              if (!Number.isNaN(botVal[slot]!)) suppressed[r0 + r]!.push({ token: v0 + botIdx[slot]!, value: botVal[slot]! });
            }
          }
        }
      } finally {
        wU.destroy();
      }
    }
  } finally {
    for (const b of made) b.destroy();
  }
  return latents.map((latent, i) => ({
    latent,
    promoted: bestOf(promoted[i]!, topN, 1),
    suppressed: bestOf(suppressed[i]!, topN, -1),
  }));
}
