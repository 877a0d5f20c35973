// The unembedding W_U (and the final normalization before it), read from the graph for logit effects:
// a feature's direction d maps to logit changes LN-free as d · W_U.
import { OnnxGraphError, toNumber, type ModelProto, type NodeProto } from './onnx-proto';
import { intAttribute, indexGraph, isConstant, type GraphIndex } from './graph-index';
import { constantFloats } from './constants';
import { findNormalizations } from './normalization';
import { readFloatTensor, tensorDims, type ExternalDataFiles } from './tensor-data';

export interface Unembedding {
  dModel: number;
  vocabSize: number;
  /** W_U as [dModel, vocabSize], row-major. */
  weight: Float32Array;
  /** Logit bias [vocabSize], when the head has one. */
  bias?: Float32Array;
  finalNorm: {
    kind: 'layernorm' | 'rmsnorm';
    /** The stream tensor the final norm reads (the last hook_resid_post). */
    input: string;
    scale?: Float32Array;
    bias?: Float32Array;
    epsilon: number;
  };
}

function producerOf(index: GraphIndex, name: string): NodeProto | undefined {
  const p = index.producer.get(name);
  return p === undefined ? undefined : index.nodes[p];
}

export function unembedding(model: ModelProto, external?: ExternalDataFiles): Unembedding {
  const index = indexGraph(model.graph ?? {});
  const fail = (why: string): never => {
    throw new OnnxGraphError(`Could not find the unembedding: ${why}`);
  };
  const logitsName = (index.outputs.find((o) => o.name === 'logits') ?? index.outputs[0])?.name ?? fail('the model has no outputs.');
  const readConstant = (name: string): Float32Array => {
    const tensor = index.initializers.get(name);
    if (tensor) return readFloatTensor(tensor, external);
    return constantFloats(index, name) ?? fail(`"${name}" is not a stored weight.`);
  };

  let head = producerOf(index, logitsName);
  let bias: Float32Array | undefined;
  if (head?.opType === 'Add') {
    const [a = '', b = ''] = head.input ?? [];
    const constant = isConstant(index, a) ? a : isConstant(index, b) ? b : undefined;
    if (constant !== undefined) {
      bias = readConstant(constant);
      head = producerOf(index, constant === a ? b : a);
    }
  }
  if (!head || (head.opType !== 'MatMul' && head.opType !== 'Gemm')) {
    return fail(`the logits come from ${head?.opType ?? 'no node'}, not a MatMul.`);
  }
  const [stream = '', weightName = '', gemmBias] = head.input ?? [];
  // W_U may be stored [d, V], stored [V, d] and transposed in the graph, or used by Gemm with transB.
  let transposed = head.opType === 'Gemm' && intAttribute(head, 'transB', 0) === 1;
  let storedName = weightName;
  const transpose = producerOf(index, weightName);
  if (transpose?.opType === 'Transpose') {
    const perm = (transpose.attribute ?? []).find((a) => a.name === 'perm')?.ints?.map(toNumber) ?? [1, 0];
    if (perm.length !== 2 || perm[0] !== 1) fail('the unembedding is transposed in an unexpected way.');
    transposed = !transposed;
    storedName = transpose.input?.[0] ?? '';
  }
  if (!index.initializers.has(storedName)) {
    return fail('its weights are computed in the graph (quantized or otherwise), not stored as a float matrix.');
  }
  const stored = index.initializers.get(storedName);
  const [rows = 0, cols = 0] = tensorDims(stored ?? {});
  const values = readConstant(storedName);
  const dModel = transposed ? cols : rows;
  const vocabSize = transposed ? rows : cols;
  const weight = transposed ? transpose2d(values, rows, cols) : values;
  if (head.opType === 'Gemm' && gemmBias) bias = readConstant(gemmBias);

  const norm = findNormalizations(index).find((n) => n.output === stream) ?? fail('no normalization feeds the unembedding.');
  return {
    dModel,
    vocabSize,
    weight,
    ...(bias ? { bias } : {}),
    finalNorm: {
      kind: norm.kind,
      input: norm.input,
      ...(norm.scale ? { scale: readConstant(norm.scale) } : {}),
      ...(norm.bias ? { bias: readConstant(norm.bias) } : {}),
      epsilon: norm.epsilon,
    },
  };
}

function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}
