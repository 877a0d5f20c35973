// CPU float64 forward pass of GPT-2 (pre-LayerNorm blocks, gelu_new MLP, tied unembedding): the ground truth
// that tests hold ONNX Runtime's logits and hook activations to, and the place steering is checked later.
import type { HookKind } from '../graph/hook-points';
import type { Gpt2Weights, LayerNormWeights } from './gpt2-weights';

/** Additive bias for masked attention scores, the same value the fixture graphs use. */
export const MASKED_SCORE = -1e4;

export interface HookSite {
  layer: number;
  kind: HookKind;
}

export interface Gpt2ForwardOptions {
  /** 1 for real tokens, 0 for padding; defaults to all ones. */
  attentionMask?: readonly number[];
  /** Sees each hook activation ([seq, nEmbd], row-major); may return a replacement (for steering). */
  hook?: (site: HookSite, activation: Float64Array) => Float64Array | void;
}

/** Logits [seq, vocabSize] for one sequence of token ids. */
export function gpt2Forward(weights: Gpt2Weights, tokens: readonly number[], options: Gpt2ForwardOptions = {}): Float64Array {
  const { nEmbd: d, nHead, nInner, vocabSize, layerNormEpsilon: eps } = weights.dims;
  const seq = tokens.length;
  if (seq > weights.dims.nPositions) throw new RangeError(`sequence of ${seq} tokens exceeds n_positions ${weights.dims.nPositions}`);
  const mask = options.attentionMask ?? tokens.map(() => 1);
  const hook = (layer: number, kind: HookKind, x: Float64Array): Float64Array => options.hook?.({ layer, kind }, x) ?? x;

  let resid: Float64Array = new Float64Array(seq * d);
  tokens.forEach((token, t) => {
    if (token < 0 || token >= vocabSize) throw new RangeError(`token id ${token} is outside the vocabulary`);
    for (let j = 0; j < d; j++) resid[t * d + j] = (weights.wte[token * d + j] as number) + (weights.wpe[t * d + j] as number);
  });

  weights.blocks.forEach((block, layer) => {
    resid = hook(layer, 'hook_resid_pre', resid);
    const qkv = linear(layerNorm(resid, seq, d, block.ln1, eps), seq, d, 3 * d, block.attnQkvWeight, block.attnQkvBias);
    const context = attention(qkv, seq, d, nHead, mask);
    const attnOut = hook(layer, 'hook_attn_out', linear(context, seq, d, d, block.attnProjWeight, block.attnProjBias));
    resid = hook(layer, 'hook_resid_mid', add(resid, attnOut));
    const hidden = linear(layerNorm(resid, seq, d, block.ln2, eps), seq, d, nInner, block.mlpFcWeight, block.mlpFcBias);
    for (let i = 0; i < hidden.length; i++) hidden[i] = geluNew(hidden[i] as number);
    const mlpOut = hook(layer, 'hook_mlp_out', linear(hidden, seq, nInner, d, block.mlpProjWeight, block.mlpProjBias));
    resid = hook(layer, 'hook_resid_post', add(resid, mlpOut));
  });

  const final = layerNorm(resid, seq, d, weights.lnF, eps);
  const logits = new Float64Array(seq * vocabSize);
  for (let t = 0; t < seq; t++) {
    for (let v = 0; v < vocabSize; v++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += (final[t * d + j] as number) * (weights.wte[v * d + j] as number);
      logits[t * vocabSize + v] = sum;
    }
  }
  return logits;
}

/** GPT-2's tanh approximation of GELU ("gelu_new"). */
export function geluNew(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

export function layerNorm(x: Float64Array, rows: number, d: number, ln: LayerNormWeights, eps: number): Float64Array {
  const out = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j] as number;
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += ((x[r * d + j] as number) - mean) ** 2;
    variance /= d;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let j = 0; j < d; j++) {
      out[r * d + j] = ((x[r * d + j] as number) - mean) * inv * (ln.weight[j] as number) + (ln.bias[j] as number);
    }
  }
  return out;
}

/** x [rows, inDim] · w [inDim, outDim] + b */
function linear(x: Float64Array, rows: number, inDim: number, outDim: number, w: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let sum = b[o] as number;
      for (let i = 0; i < inDim; i++) sum += (x[r * inDim + i] as number) * (w[i * outDim + o] as number);
      out[r * outDim + o] = sum;
    }
  }
  return out;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => value + (b[i] as number));
}

/** Causal multi-head attention over qkv [seq, 3d]; returns the heads' outputs concatenated [seq, d]. */
function attention(qkv: Float64Array, seq: number, d: number, nHead: number, mask: readonly number[]): Float64Array {
  const dHead = d / nHead;
  const scale = 1 / Math.sqrt(dHead);
  const out = new Float64Array(seq * d);
  const scores = new Float64Array(seq);
  for (let h = 0; h < nHead; h++) {
    for (let i = 0; i < seq; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < seq; j++) {
        let dot = 0;
        for (let c = 0; c < dHead; c++) dot += (qkv[i * 3 * d + h * dHead + c] as number) * (qkv[j * 3 * d + d + h * dHead + c] as number);
        const causal = j > i ? MASKED_SCORE : 0;
        const padding = (1 - (mask[j] ?? 1)) * MASKED_SCORE;
        scores[j] = dot * scale + causal + padding;
        max = Math.max(max, scores[j] as number);
      }
      let total = 0;
      for (let j = 0; j < seq; j++) {
        scores[j] = Math.exp((scores[j] as number) - max);
        total += scores[j] as number;
      }
      for (let c = 0; c < dHead; c++) {
        let sum = 0;
        for (let j = 0; j < seq; j++) sum += ((scores[j] as number) / total) * (qkv[j * 3 * d + 2 * d + h * dHead + c] as number);
        out[i * d + h * dHead + c] = sum;
      }
    }
  }
  return out;
}
