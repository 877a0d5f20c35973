// The tiny SAE fixture (scripts/build-sae-fixture.ts writes it to test/fixtures/sae-tiny/): a SAELens folder
// for the tiny GPT-2's blocks.0.hook_resid_post that steering and evaluation tests (and e2e) import.
//
// Hand-made features, so the SAE behaves like a real one without training: the activations of the tiny
// corpus at the hook are collected with the float64 reference, and the top 12 principal directions each
// become a pair of ReLU latents (+u and −u), so the reconstruction is the projection onto those directions
// around the mean (b_dec). Eight more latents point in seeded random directions with a large negative bias:
// they never fire (dead). Evaluation then sees a partial reconstruction: CE loss recovered between 0 and 1.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeModel } from '../../src/lm/graph/onnx-proto';
import { gpt2Forward } from '../../src/lm/reference/gpt2-forward';
import { gpt2WeightsFromModel } from '../../src/lm/reference/gpt2-weights';
import { loadTokenizer } from '../../src/lm/tokenizer/load-tokenizer';
import { saeLensFiles, toSaeLens } from '../../src/sae/formats/saelens';
import { Prng } from '../../src/sae/prng';

export const SAE_FIXTURE_DIR = 'test/fixtures/sae-tiny';
/** The same folder in a Hub model repository of SAEs, as SAELens releases lay them out (one folder per hook). */
export const HUB_SAE_FIXTURE_DIR = 'test/fixtures/hub/models/mistudio/tiny-saes';
export const SAE_FIXTURE_HOOK = { name: 'blocks.0.hook_resid_post', layer: 0, kind: 'hook_resid_post' } as const;
const COMPONENTS = 12;
const DEAD = 8;
const SEED = 2024;

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(root, path));

/** Activations [rows, d] at the hook for every line of the tiny dataset. */
function hookActivations(): { rows: number; d: number; values: Float64Array } {
  const model = decodeModel(new Uint8Array(read('test/fixtures/lm/tiny-gpt2/model.onnx')));
  const weights = gpt2WeightsFromModel(model, { nHead: 2, layerNormEpsilon: 1e-5 });
  const tokenizer = loadTokenizer(JSON.parse(read('test/fixtures/lm/tiny-gpt2/tokenizer.json').toString('utf8')));
  const lines = read('test/fixtures/datasets/tiny.txt').toString('utf8').split('\n').filter((l) => l.length > 0);
  const chunks: Float64Array[] = [];
  for (const line of lines) {
    gpt2Forward(weights, tokenizer.encode(line).slice(0, 64), {
      hook: (site, activation) => {
        if (site.layer === SAE_FIXTURE_HOOK.layer && site.kind === SAE_FIXTURE_HOOK.kind) chunks.push(activation.slice());
      },
    });
  }
  const d = weights.dims.nEmbd;
  const values = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    values.set(c, at);
    at += c.length;
  }
  return { rows: values.length / d, d, values };
}

/** Eigenvectors (columns of the returned [d, d] matrix) and eigenvalues of a symmetric matrix, by Jacobi rotations. */
function symmetricEigen(a: Float64Array, d: number): { vectors: Float64Array; values: number[] } {
  const m = a.slice();
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += m[p * d + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * d + q] - m[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p];
          const mkq = m[k * d + q];
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k];
          const mqk = m[q * d + k];
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { vectors: v, values: Array.from({ length: d }, (_, i) => m[i * d + i]) };
}

export function buildSaeFixtureFiles(): Map<string, Uint8Array> {
  const { rows, d, values } = hookActivations();
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j] += values[r * d + j] / rows;
  const cov = new Float64Array(d * d);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) {
      const xi = values[r * d + i] - mean[i];
      for (let j = 0; j < d; j++) cov[i * d + j] += (xi * (values[r * d + j] - mean[j])) / rows;
    }
  }
  const { vectors, values: variances } = symmetricEigen(cov, d);
  const order = Array.from(variances.keys()).sort((a, b) => variances[b] - variances[a]);

  const dSae = 2 * COMPONENTS + DEAD;
  const wDec = new Float32Array(dSae * d);
  const bEnc = new Float32Array(dSae);
  order.slice(0, COMPONENTS).forEach((col, c) => {
    const u = Float64Array.from({ length: d }, (_, k) => vectors[k * d + col]);
    // a fixed sign: the largest entry positive
    const big = u.reduce((best, x, k) => (Math.abs(x) > Math.abs(u[best]) ? k : best), 0);
    const sign = u[big] < 0 ? -1 : 1;
    for (let k = 0; k < d; k++) {
      wDec[2 * c * d + k] = sign * u[k];
      wDec[(2 * c + 1) * d + k] = -sign * u[k];
    }
  });
  const prng = new Prng(SEED);
  for (let f = 2 * COMPONENTS; f < dSae; f++) {
    const dir = Array.from({ length: d }, () => prng.normal());
    const norm = Math.hypot(...dir);
    dir.forEach((x, k) => (wDec[f * d + k] = x / norm));
    bEnc[f] = -50;
  }
  // tied encoder: W_enc = W_decᵀ
  const wEnc = new Float32Array(d * dSae);
  for (let f = 0; f < dSae; f++) for (let k = 0; k < d; k++) wEnc[k * dSae + f] = wDec[f * d + k];

  const exported = toSaeLens(
    { W_enc: wEnc, b_enc: bEnc, W_dec: wDec, b_dec: Float32Array.from(mean) },
    { architecture: 'relu', d_in: d, d_sae: dSae, apply_b_dec_to_input: true },
    {
      model_name: 'mistudio/tiny-gpt2',
      hook_name: SAE_FIXTURE_HOOK.name,
      hook_layer: SAE_FIXTURE_HOOK.layer,
      context_size: 64,
      prepend_bos: false,
      dataset_path: 'mistudio/tiny-text',
    },
  );
  const files = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(saeLensFiles(exported))) {
    files.set(`${SAE_FIXTURE_DIR}/${name}`, bytes);
    files.set(`${HUB_SAE_FIXTURE_DIR}/${SAE_FIXTURE_HOOK.name}/${name}`, bytes);
  }
  files.set(`${HUB_SAE_FIXTURE_DIR}/README.md`, new TextEncoder().encode(`# tiny-saes\n\nSAELens folders for mistudio/tiny-gpt2, one per hook; written by scripts/build-sae-fixture.ts for tests.\n`));
  return files;
}
