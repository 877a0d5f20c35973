// Shared by the steering tests: the tiny model, its reference weights, the tiny SAE fixture and sessions.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeModel } from '../../../src/lm/graph/onnx-proto';
import { findHookPoints } from '../../../src/lm/graph/hook-points';
import { gpt2WeightsFromModel } from '../../../src/lm/reference/gpt2-weights';
import { sessionFactory } from '../../../src/lm/steering/ort-sessions';
import type { SpliceSae } from '../../../src/lm/steering/sae-graph';
import { loadTokenizer } from '../../../src/lm/tokenizer/load-tokenizer';
import { readSaeLensFolder } from '../../../src/sae/formats/saelens';
import { Prng } from '../../../src/sae/prng';
import { fixtureBytes, ort } from '../lm/ort-helpers';

export { ort };
export const SAE_DIR = resolve(import.meta.dirname, '../../fixtures/sae-tiny');
export const D = 32;
export const VOCAB = 300;

export const modelBytes = () => fixtureBytes('model.onnx');
export const model = () => decodeModel(modelBytes());
export const referenceWeights = () => gpt2WeightsFromModel(model(), { nHead: 2, layerNormEpsilon: 1e-5 });
export const factory = () => sessionFactory(ort, { optimization: 'disabled' });
export const tokenizer = () => loadTokenizer(JSON.parse(new TextDecoder().decode(fixtureBytes('tokenizer.json'))));

export function hookTensor(name: string): string {
  const detection = findHookPoints(model());
  if (!detection.ok) throw new Error(detection.reason);
  const hook = detection.hookPoints.find((h) => h.name === name);
  if (!hook) throw new Error(`no hook ${name}`);
  return hook.tensor;
}

/** The committed tiny SAE (ReLU, d_in 32, d_sae 32, at blocks.0.hook_resid_post). */
export function fixtureSae(): SpliceSae {
  const imported = readSaeLensFolder(readFileSync(resolve(SAE_DIR, 'cfg.json'), 'utf8'), new Uint8Array(readFileSync(resolve(SAE_DIR, 'sae_weights.safetensors'))));
  return { architecture: imported.architecture, dIn: imported.d_in, dSae: imported.d_sae, applyBDecToInput: imported.apply_b_dec_to_input, params: imported.params };
}

/** ReLU latents +e_i and −e_i: relu(x) − relu(−x) = x exactly, so the "reconstruction" is the activation itself. */
export function identitySae(d: number): SpliceSae {
  const dSae = 2 * d;
  const wEnc = new Float32Array(d * dSae);
  const wDec = new Float32Array(dSae * d);
  for (let i = 0; i < d; i++) {
    wEnc[i * dSae + 2 * i] = 1;
    wEnc[i * dSae + 2 * i + 1] = -1;
    wDec[2 * i * d + i] = 1;
    wDec[(2 * i + 1) * d + i] = -1;
  }
  return { architecture: 'relu', dIn: d, dSae, applyBDecToInput: false, params: { W_enc: wEnc, b_enc: new Float32Array(dSae), W_dec: wDec, b_dec: new Float32Array(d) } };
}

export function randomSae(architecture: SpliceSae['architecture'], dIn: number, dSae: number, seed: number): SpliceSae {
  const prng = new Prng(seed);
  const normal = (n: number, std: number) => Float32Array.from({ length: n }, () => std * prng.normal());
  const sae: SpliceSae = {
    architecture,
    dIn,
    dSae,
    applyBDecToInput: true,
    params: { W_enc: normal(dIn * dSae, 1 / Math.sqrt(dIn)), b_enc: normal(dSae, 0.1), W_dec: normal(dSae * dIn, 1 / Math.sqrt(dIn)), b_dec: normal(dIn, 0.1) },
  };
  if (architecture === 'topk') sae.k = 5;
  if (architecture === 'jumprelu') sae.params.log_threshold = Float32Array.from({ length: dSae }, () => Math.log(0.2 + 0.3 * prng.uniform()));
  return sae;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
