// A plain summary of a model: what goes in and out, which opsets, how many parameters of which type.
import { toNumber, type ModelProto } from './onnx-proto';
import { dataTypeBits, dataTypeName } from './data-types';
import { declaredElemType, declaredShape } from './elem-types';
import { indexGraph } from './graph-index';
import { elementCount, isExternal, tensorDims } from './tensor-data';

export interface TensorSummary {
  name: string;
  dtype: string;
  /** Declared dims: numbers, symbolic names, or '?' for unknown; undefined when no shape is declared. */
  shape?: (number | string)[];
}

export interface NodeSummary {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
}

export interface ModelSummary {
  irVersion: number;
  producer: string;
  /** Opset per domain; '' is the default ONNX domain. */
  opsets: { domain: string; version: number }[];
  /** Version of the default ONNX opset (0 when the model imports none). */
  opset: number;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  initializerCount: number;
  parameterCount: number;
  parameterBytes: number;
  /** Parameter count per element type name. */
  parametersByType: Record<string, number>;
  /** The element type holding most parameters (e.g. 'float32', 'float16', 'uint8', 'uint4'). */
  weightType: string;
  /** Whether the graph dequantizes or multiplies quantized weights. */
  quantized: boolean;
  /** External data files the initializers point at (empty when all weights are embedded). */
  externalDataFiles: string[];
  opCounts: Record<string, number>;
  nodes: NodeSummary[];
}

const QUANTIZED_OPS = new Set([
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'MatMulInteger',
  'QLinearMatMul',
  'MatMulNBits',
  'MatMulBnb4',
  'QAttention',
  'DynamicQuantizeMatMul',
  'GatherBlockQuantized',
]);

export function inspectModel(model: ModelProto): ModelSummary {
  const graph = model.graph ?? {};
  const index = indexGraph(graph);
  const parametersByType: Record<string, number> = {};
  let parameterCount = 0;
  let parameterBytes = 0;
  const externalDataFiles = new Set<string>();
  for (const tensor of index.initializers.values()) {
    const count = elementCount(tensorDims(tensor));
    const type = dataTypeName(tensor.dataType ?? 0);
    parametersByType[type] = (parametersByType[type] ?? 0) + count;
    parameterCount += count;
    parameterBytes += Math.ceil((count * (dataTypeBits(tensor.dataType ?? 0) ?? 0)) / 8);
    if (isExternal(tensor)) {
      const location = (tensor.externalData ?? []).find((e) => e.key === 'location')?.value;
      if (location) externalDataFiles.add(location);
    }
  }
  const opCounts: Record<string, number> = {};
  for (const node of index.nodes) opCounts[node.opType ?? ''] = (opCounts[node.opType ?? ''] ?? 0) + 1;
  const opsets = (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) }));
  const summarize = (info: { name?: string | null; type?: Parameters<typeof declaredElemType>[0] }): TensorSummary => {
    const shape = declaredShape(info.type);
    return {
      name: info.name ?? '',
      dtype: dataTypeName(declaredElemType(info.type) ?? 0),
      ...(shape ? { shape } : {}),
    };
  };
  return {
    irVersion: toNumber(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets,
    opset: opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0,
    inputs: index.inputs.map(summarize),
    outputs: index.outputs.map(summarize),
    initializerCount: index.initializers.size,
    parameterCount,
    parameterBytes,
    parametersByType,
    weightType: dominantType(parametersByType),
    quantized: index.nodes.some((node) => QUANTIZED_OPS.has(node.opType ?? '')),
    externalDataFiles: [...externalDataFiles],
    opCounts,
    nodes: index.nodes.map((node) => ({
      name: node.name ?? '',
      opType: node.opType ?? '',
      domain: node.domain ?? '',
      inputs: [...(node.input ?? [])],
      outputs: [...(node.output ?? [])],
    })),
  };
}

function dominantType(counts: Record<string, number>): string {
  let best = 'none';
  let bestCount = -1;
  for (const [type, count] of Object.entries(counts)) {
    if (count > bestCount) [best, bestCount] = [type, count];
  }
  return best;
}
