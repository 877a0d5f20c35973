// The tiny GPT-2 exported the way Optimum exports decoders with a KV cache ("with past"): inputs input_ids,
// attention_mask [batch, past + seq], position_ids and past_key_values.{i}.key/value [batch, heads, past,
// head_dim]; outputs logits and present.{i}.key/value. Same weights as the fixture, for the cache path.
import { DataType, type ModelProto } from '../../../src/lm/graph/onnx-proto';
import { MASKED_SCORE } from '../../../src/lm/reference/gpt2-forward';
import { GPT2_NAMES, type Gpt2Weights, type LayerNormWeights } from '../../../src/lm/reference/gpt2-weights';
import { GraphBuilder } from '../../../scripts/lib/onnx-builder';

export function tinyGpt2WithPast(weights: Gpt2Weights): ModelProto {
  const { nEmbd: d, nHead, nInner, vocabSize, nPositions, layerNormEpsilon } = weights.dims;
  const dHead = d / nHead;
  const g = new GraphBuilder({ constantsAsNodes: true });
  const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'past_sequence_length + sequence_length']);
  const positionIds = g.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const past = weights.blocks.map((_, layer) => ({
    key: g.input(`past_key_values.${layer}.key`, DataType.FLOAT, ['batch_size', nHead, 'past_sequence_length', dHead]),
    value: g.input(`past_key_values.${layer}.value`, DataType.FLOAT, ['batch_size', nHead, 'past_sequence_length', dHead]),
  }));

  const layerNorm = (x: string, prefix: string, w: LayerNormWeights): string => {
    const mean = g.node('ReduceMean', [x], { axes: { ints: [-1] }, keepdims: { int: 1 } });
    const centred = g.node('Sub', [x, mean]);
    const variance = g.node('ReduceMean', [g.node('Pow', [centred, g.constFloat([2])])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
    const std = g.node('Sqrt', [g.node('Add', [variance, g.constFloat([layerNormEpsilon])])]);
    return g.node('Add', [g.node('Mul', [g.node('Div', [centred, std]), g.weight(`${prefix}.weight`, w.weight, [d])]), g.weight(`${prefix}.bias`, w.bias, [d])]);
  };
  const linear = (x: string, prefix: string, w: Float32Array, b: Float32Array, inDim: number, outDim: number): string =>
    g.node('Add', [g.node('MatMul', [x, g.weight(`${prefix}.weight`, w, [inDim, outDim])]), g.weight(`${prefix}.bias`, b, [outDim])]);
  const dim = (x: string, axis: number) => g.node('Gather', [g.node('Shape', [x]), g.constInt64([axis], [])], { axis: { int: 0 } });

  const wte = g.weight(GPT2_NAMES.wte, weights.wte, [vocabSize, d]);
  const wpe = g.weight(GPT2_NAMES.wpe, weights.wpe, [nPositions, d]);
  const hidden = g.node('Add', [g.node('Gather', [wte, inputIds]), g.node('Gather', [wpe, positionIds])]);
  // causal bias over [seq, past + seq]: query i sits at absolute position past + i
  const pastLength = dim(past[0]?.key ?? '', 2);
  const seqLength = dim(inputIds, 1);
  const total = dim(attentionMask, 1);
  const rows = g.node('Unsqueeze', [g.node('Range', [pastLength, g.node('Add', [pastLength, seqLength]), g.constInt64([1], [])]), g.constInt64([1])]);
  const cols = g.node('Unsqueeze', [g.node('Range', [g.constInt64([0], []), total, g.constInt64([1], [])]), g.constInt64([0])]);
  const causal = g.node('Mul', [g.node('Cast', [g.node('Greater', [cols, rows])], { to: { int: DataType.FLOAT } }), g.constFloat([MASKED_SCORE])]);
  const keep = g.node('Cast', [attentionMask], { to: { int: DataType.FLOAT } });
  const padding = g.node('Unsqueeze', [g.node('Mul', [g.node('Sub', [g.constFloat([1]), keep]), g.constFloat([MASKED_SCORE])]), g.constInt64([1, 2])]);
  const maskBias = g.node('Add', [padding, causal]);

  let resid = hidden;
  weights.blocks.forEach((block, layer) => {
    const names = GPT2_NAMES.block(layer);
    const cache = past[layer] ?? { key: '', value: '' };
    const normed = layerNorm(resid, names.ln1, block.ln1);
    const qkv = linear(normed, names.attnQkv, block.attnQkvWeight, block.attnQkvBias, d, 3 * d);
    const [q, k, v] = g.nodeOutputs('Split', [qkv, g.constInt64([d, d, d])], 3, { axis: { int: 2 } }) as [string, string, string];
    const heads = (x: string) => g.node('Transpose', [g.node('Reshape', [x, g.constInt64([0, 0, nHead, dHead])])], { perm: { ints: [0, 2, 1, 3] } });
    const keys = g.node('Concat', [cache.key, heads(k)], { axis: { int: 2 } }, `present.${layer}.key`);
    const values = g.node('Concat', [cache.value, heads(v)], { axis: { int: 2 } }, `present.${layer}.value`);
    g.output(keys, DataType.FLOAT, ['batch_size', nHead, 'total', dHead]);
    g.output(values, DataType.FLOAT, ['batch_size', nHead, 'total', dHead]);
    const dots = g.node('MatMul', [heads(q), g.node('Transpose', [keys], { perm: { ints: [0, 1, 3, 2] } })]);
    const probs = g.node('Softmax', [g.node('Add', [g.node('Mul', [dots, g.constFloat([1 / Math.sqrt(dHead)])]), maskBias])], { axis: { int: -1 } });
    const context = g.node('Transpose', [g.node('MatMul', [probs, values])], { perm: { ints: [0, 2, 1, 3] } });
    const attnOut = linear(g.node('Reshape', [context, g.constInt64([0, 0, d])]), names.attnProj, block.attnProjWeight, block.attnProjBias, d, d);
    const mid = g.node('Add', [attnOut, resid]);
    const x = linear(layerNorm(mid, names.ln2, block.ln2), names.mlpFc, block.mlpFcWeight, block.mlpFcBias, d, nInner);
    const inner = g.node('Mul', [g.node('Add', [x, g.node('Mul', [g.node('Pow', [x, g.constFloat([3])]), g.constFloat([0.044715])])]), g.constFloat([Math.sqrt(2 / Math.PI)])]);
    const gelu = g.node('Mul', [g.node('Mul', [x, g.node('Add', [g.constFloat([1]), g.node('Tanh', [inner])])]), g.constFloat([0.5])]);
    resid = g.node('Add', [mid, linear(gelu, names.mlpProj, block.mlpProjWeight, block.mlpProjBias, nInner, d)]);
  });
  const final = layerNorm(resid, GPT2_NAMES.lnF, weights.lnF);
  g.node('MatMul', [final, g.node('Transpose', [GPT2_NAMES.wte], { perm: { ints: [1, 0] } })], {}, 'logits');
  g.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', vocabSize]);
  // logits first, as Optimum orders them
  g.outputs.unshift(g.outputs.pop() as (typeof g.outputs)[number]);
  return g.build('tiny_gpt2_with_past', 14, 'mistudio-tests');
}
