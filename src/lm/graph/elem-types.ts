// Element types of every tensor in a graph: declared where the model says, propagated through nodes otherwise.
// ORT needs a type on each graph input/output we add, and exporters rarely write value_info for every tensor.
import { DataType, toNumber, type NodeProto, type TypeProto } from './onnx-proto';
import { intAttribute, type GraphIndex } from './graph-index';

const BOOL_OPS = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);

export function declaredElemType(type: TypeProto | null | undefined): number | undefined {
  const elem = type?.tensorType?.elemType;
  return elem ? elem : undefined;
}

function constantType(node: NodeProto): number | undefined {
  for (const attribute of node.attribute ?? []) {
    if (attribute.name === 'value' && attribute.t) return attribute.t.dataType ?? undefined;
    if (attribute.name === 'value_float' || attribute.name === 'value_floats') return DataType.FLOAT;
    if (attribute.name === 'value_int' || attribute.name === 'value_ints') return DataType.INT64;
  }
  return undefined;
}

function outputTypes(node: NodeProto, typeOf: (name: string) => number | undefined): (number | undefined)[] {
  const op = node.opType ?? '';
  const inputs = node.input ?? [];
  const first = inputs.find((name) => name !== '' && typeOf(name) !== undefined);
  const same = first === undefined ? undefined : typeOf(first);
  if (op === 'Cast') return [intAttribute(node, 'to', 0) || undefined];
  if (op === 'CastLike') return [typeOf(inputs[1] ?? '')];
  if (op === 'Constant') return [constantType(node)];
  if (op === 'ConstantOfShape') {
    const value = (node.attribute ?? []).find((a) => a.name === 'value');
    return [value?.t?.dataType ?? DataType.FLOAT];
  }
  if (BOOL_OPS.has(op)) return [DataType.BOOL];
  if (INT64_OPS.has(op)) return [DataType.INT64];
  if (op === 'TopK') return [same, DataType.INT64];
  if (op === 'Where') return [typeOf(inputs[1] ?? '') ?? typeOf(inputs[2] ?? '')];
  if (op === 'DequantizeLinear') return [typeOf(inputs[1] ?? '') ?? DataType.FLOAT];
  if (op === 'QuantizeLinear') return [typeOf(inputs[2] ?? '') ?? DataType.UINT8];
  if (op === 'DynamicQuantizeLinear') return [DataType.UINT8, DataType.FLOAT, DataType.UINT8];
  if (op === 'MatMulInteger' || op === 'ConvInteger') return [DataType.INT32];
  if (op === 'LayerNormalization') {
    const stash = intAttribute(node, 'stash_type', DataType.FLOAT);
    return [same, stash, stash];
  }
  return (node.output ?? []).map(() => same);
}

/** Tensor name → ONNX element type code, for every tensor whose type is known or can be propagated. */
export function inferElemTypes(index: GraphIndex): Map<string, number> {
  const types = new Map<string, number>();
  for (const [name, tensor] of index.initializers) if (tensor.dataType) types.set(name, tensor.dataType);
  for (const [name, info] of index.valueInfo) {
    const elem = declaredElemType(info.type);
    if (elem !== undefined) types.set(name, elem);
  }
  const typeOf = (name: string) => types.get(name);
  for (const node of index.nodes) {
    const inferred = outputTypes(node, typeOf);
    (node.output ?? []).forEach((name, i) => {
      const type = inferred[i];
      if (name !== '' && !types.has(name) && type !== undefined) types.set(name, type);
    });
  }
  return types;
}

/** Declared shape of a tensor as numbers (known dims) and strings (symbolic dims); undefined if not declared. */
export function declaredShape(type: TypeProto | null | undefined): (number | string)[] | undefined {
  const shape = type?.tensorType?.shape;
  if (!shape) return undefined;
  // A dim with neither a value nor a name is unknown; protobuf cannot tell an absent dim_value from 0.
  return (shape.dim ?? []).map((dim) => dim.dimParam || toNumber(dim.dimValue) || '?');
}
