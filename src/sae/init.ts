// Parameter initialisation (SAE_SPEC.md "Initialisation").
import type { SaeConfig, SaeParams } from './config';
import { geometricMedian } from './geometric-median';
import { Prng } from './prng';

export type DecoderBiasInit = 'zeros' | 'mean' | 'geometric_median';

export interface InitOptions {
  seed: number;
  /** how to start b_dec; 'mean' and 'geometric_median' need `sample` */
  bDec?: DecoderBiasInit;
  /** activations [sampleRows, d_in], already multiplied by the input scale if one is used */
  sample?: ArrayLike<number>;
  sampleRows?: number;
}

export class InitError extends Error {
  override name = 'InitError';
}

/**
 * W_dec rows: random unit directions (norm 0.1 when the decoder is not normalised); W_enc = W_decᵀ;
 * b_enc = 0; b_dec per `bDec`; JumpReLU log_threshold = log(initial_threshold).
 */
export function initSaeParams(config: SaeConfig, opts: InitOptions): SaeParams {
  const { d_in: dIn, d_sae: dSae } = config;
  const rng = new Prng(opts.seed);
  const rowNorm = config.normalize_decoder ? 1 : 0.1;
  const W_dec = new Float32Array(dSae * dIn);
  const W_enc = new Float32Array(dIn * dSae);
  const row = new Float64Array(dIn);
  for (let j = 0; j < dSae; j++) {
    let n2 = 0;
    do {
      n2 = 0;
      for (let i = 0; i < dIn; i++) {
        row[i] = rng.normal();
        n2 += row[i]! ** 2;
      }
    } while (n2 === 0);
    const f = rowNorm / Math.sqrt(n2);
    for (let i = 0; i < dIn; i++) {
      W_dec[j * dIn + i] = row[i]! * f;
      W_enc[i * dSae + j] = row[i]! * f;
    }
  }
  const params: SaeParams = { W_enc, W_dec, b_enc: new Float32Array(dSae), b_dec: decoderBias(dIn, opts) };
  if (config.architecture === 'jumprelu') {
    const theta = config.initial_threshold;
    if (!(theta !== undefined && theta > 0)) throw new InitError('JumpReLU needs a positive initial_threshold.');
    params.log_threshold = new Float32Array(dSae).fill(Math.log(theta));
  }
  return params;
}

function decoderBias(dIn: number, opts: InitOptions): Float32Array {
  const mode = opts.bDec ?? 'zeros';
  if (mode === 'zeros') return new Float32Array(dIn);
  const { sample, sampleRows } = opts;
  if (!sample || !sampleRows || sample.length !== sampleRows * dIn) {
    throw new InitError(`b_dec = ${mode} needs a sample of activations [rows, d_in=${dIn}].`);
  }
  if (mode === 'geometric_median') return Float32Array.from(geometricMedian(sample, sampleRows, dIn));
  const mean = new Float64Array(dIn);
  for (let r = 0; r < sampleRows; r++) for (let i = 0; i < dIn; i++) mean[i] += sample[r * dIn + i]!;
  return Float32Array.from(mean, (v) => v / sampleRows);
}
