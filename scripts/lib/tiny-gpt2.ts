// The tiny GPT-2 fixture: seeded weights and the ONNX graph in two export styles (decomposed LayerNorm at
// opset 14, fused LayerNormalization at opset 17). Inputs and outputs follow Optimum's GPT-2 export without a
// KV cache: input_ids and attention_mask [batch, seq] int64 → logits [batch, seq, vocab] float32.
import { DataType, type ModelProto } from '../../src/lm/graph/onnx-proto';
import { GPT2_NAMES, type Gpt2Dims, type Gpt2Weights, type LayerNormWeights } from '../../src/lm/reference/gpt2-weights';
import { MASKED_SCORE } from '../../src/lm/reference/gpt2-forward';
import { GraphBuilder } from './onnx-builder';
import { createPrng } from './prng';

export type TinyGpt2Style = 'decomposed' | 'fused';

/** Small weights with unit-scale activations, so logits spread over a few units and nothing saturates. */
export function initTinyGpt2Weights(dims: Gpt2Dims, seed: number): Gpt2Weights {
  const rng = createPrng(seed);
  const { nEmbd: d, nInner, vocabSize, nPositions } = dims;
  const normal = (n: number, std: number, mean = 0) => Float32Array.from({ length: n }, () => mean + std * rng.normal());
  const ln = (): LayerNormWeights => ({ weight: normal(d, 0.1, 1), bias: normal(d, 0.05) });
  const blocks = Array.from({ length: dims.nLayer }, () => ({
    ln1: ln(),
    attnQkvWeight: normal(d * 3 * d, 1 / Math.sqrt(d)),
    attnQkvBias: normal(3 * d, 0.02),
    attnProjWeight: normal(d * d, 0.5 / Math.sqrt(d)),
    attnProjBias: normal(d, 0.02),
    ln2: ln(),
    mlpFcWeight: normal(d * nInner, 1 / Math.sqrt(d)),
    mlpFcBias: normal(nInner, 0.02),
    mlpProjWeight: normal(nInner * d, 0.5 / Math.sqrt(nInner)),
    mlpProjBias: normal(d, 0.02),
  }));
  return { dims, wte: normal(vocabSize * d, 0.3), wpe: normal(nPositions * d, 0.1), blocks, lnF: ln() };
}

export function tinyGpt2Model(weights: Gpt2Weights, style: TinyGpt2Style): ModelProto {
  const { nEmbd: d, nHead, nInner, vocabSize, nPositions, layerNormEpsilon } = weights.dims;
  const dHead = d / nHead;
  const g = new GraphBuilder({ constantsAsNodes: style === 'decomposed' });
  const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);

  const layerNorm = (x: string, prefix: string, w: LayerNormWeights): string => {
    const scale = g.weight(`${prefix}.weight`, w.weight, [d]);
    const bias = g.weight(`${prefix}.bias`, w.bias, [d]);
    if (style === 'fused') return g.node('LayerNormalization', [x, scale, bias], { axis: { int: -1 }, epsilon: layerNormEpsilon });
    const mean = g.node('ReduceMean', [x], { axes: { ints: [-1] }, keepdims: { int: 1 } });
    const centred = g.node('Sub', [x, mean]);
    const squared = g.node('Pow', [centred, g.constFloat([2])]);
    const variance = g.node('ReduceMean', [squared], { axes: { ints: [-1] }, keepdims: { int: 1 } });
    const std = g.node('Sqrt', [g.node('Add', [variance, g.constFloat([layerNormEpsilon])])]);
    return g.node('Add', [g.node('Mul', [g.node('Div', [centred, std]), scale]), bias]);
  };
  const linear = (x: string, prefix: string, w: Float32Array, b: Float32Array, inDim: number, outDim: number): string =>
    g.node('Add', [g.node('MatMul', [x, g.weight(`${prefix}.weight`, w, [inDim, outDim])]), g.weight(`${prefix}.bias`, b, [outDim])]);

  // Embeddings and the attention bias shared by all blocks: causal (future keys) plus padding (mask = 0).
  const { hidden, maskBias } = g.within('transformer', () => {
    const seqLen = g.node('Gather', [g.node('Shape', [inputIds]), g.constInt64([1], [])], { axis: { int: 0 } });
    const positions = g.node('Range', [g.constInt64([0], []), seqLen, g.constInt64([1], [])]);
    const wte = g.weight(GPT2_NAMES.wte, weights.wte, [vocabSize, d]);
    const wpe = g.weight(GPT2_NAMES.wpe, weights.wpe, [nPositions, d]);
    const tokens = g.within('wte', () => g.node('Gather', [wte, inputIds]));
    const places = g.within('wpe', () => g.node('Gather', [wpe, positions]));
    const hidden = g.node('Add', [tokens, places]);
    const rows = g.node('Unsqueeze', [positions, g.constInt64([1])]);
    const cols = g.node('Unsqueeze', [positions, g.constInt64([0])]);
    const future = g.node('Cast', [g.node('Greater', [cols, rows])], { to: { int: DataType.FLOAT } });
    const causal = g.node('Mul', [future, g.constFloat([MASKED_SCORE])]);
    const keep = g.node('Cast', [attentionMask], { to: { int: DataType.FLOAT } });
    const padding = g.node('Mul', [g.node('Sub', [g.constFloat([1]), keep]), g.constFloat([MASKED_SCORE])]);
    const padding4d = g.node('Unsqueeze', [padding, g.constInt64([1, 2])]);
    return { hidden, maskBias: g.node('Add', [padding4d, causal]) };
  });

  let resid = hidden;
  weights.blocks.forEach((block, layer) => {
    const names = GPT2_NAMES.block(layer);
    g.within(`transformer/h.${layer}`, () => {
      const normed = g.within('ln_1', () => layerNorm(resid, names.ln1, block.ln1));
      const attnOut = g.within('attn', () => {
        const qkv = linear(normed, names.attnQkv, block.attnQkvWeight, block.attnQkvBias, d, 3 * d);
        const [q, k, v] = g.nodeOutputs('Split', [qkv, g.constInt64([d, d, d])], 3, { axis: { int: 2 } }) as [string, string, string];
        const heads = (x: string, perm: number[]) =>
          g.node('Transpose', [g.node('Reshape', [x, g.constInt64([0, 0, nHead, dHead])])], { perm: { ints: perm } });
        const dots = g.node('MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]);
        const scores = g.node('Mul', [dots, g.constFloat([1 / Math.sqrt(dHead)])]);
        const probs = g.node('Softmax', [g.node('Add', [scores, maskBias])], { axis: { int: -1 } });
        const context = g.node('Transpose', [g.node('MatMul', [probs, heads(v, [0, 2, 1, 3])])], { perm: { ints: [0, 2, 1, 3] } });
        const merged = g.node('Reshape', [context, g.constInt64([0, 0, d])]);
        return linear(merged, names.attnProj, block.attnProjWeight, block.attnProjBias, d, d);
      });
      // Operand order as in Hugging Face's GPT2Block: attn_output + residual, then residual + mlp output.
      const mid = g.node('Add', [attnOut, resid]);
      const normed2 = g.within('ln_2', () => layerNorm(mid, names.ln2, block.ln2));
      const mlpOut = g.within('mlp', () => {
        const x = linear(normed2, names.mlpFc, block.mlpFcWeight, block.mlpFcBias, d, nInner);
        const cubic = g.node('Mul', [g.node('Pow', [x, g.constFloat([3])]), g.constFloat([0.044715])]);
        const inner = g.node('Mul', [g.node('Add', [x, cubic]), g.constFloat([Math.sqrt(2 / Math.PI)])]);
        const gate = g.node('Add', [g.constFloat([1]), g.node('Tanh', [inner])]);
        const gelu = g.node('Mul', [g.node('Mul', [x, gate]), g.constFloat([0.5])]);
        return linear(gelu, names.mlpProj, block.mlpProjWeight, block.mlpProjBias, nInner, d);
      });
      resid = g.node('Add', [mid, mlpOut]);
    });
  });

  const final = g.within('transformer/ln_f', () => layerNorm(resid, GPT2_NAMES.lnF, weights.lnF));
  // Tied unembedding: the decomposed export transposes wte in the graph, the fused one stores wteᵀ.
  const unembed =
    style === 'decomposed'
      ? g.within('lm_head', () => g.node('Transpose', [GPT2_NAMES.wte], { perm: { ints: [1, 0] } }))
      : g.weight('lm_head.weight_transposed', transpose(weights.wte, vocabSize, d), [d, vocabSize]);
  g.within('lm_head', () => g.node('MatMul', [final, unembed], {}, 'logits'));
  g.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', vocabSize]);
  return g.build('tiny_gpt2', style === 'fused' ? 17 : 14, 'mistudio-fixtures');
}

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}
