// Values of constant tensors (initializers and Constant nodes), for epsilons, scales and shapes.
import { DataType, type NodeProto } from './onnx-proto';
import { isConstant, type GraphIndex } from './graph-index';
import { readFloatTensor, readIntTensor, type ExternalDataFiles } from './tensor-data';

function constantNode(index: GraphIndex, name: string): NodeProto | undefined {
  const p = index.producer.get(name);
  const node = p === undefined ? undefined : index.nodes[p];
  return node?.opType === 'Constant' ? node : undefined;
}

/** Float values of a constant tensor, or undefined when the name is not a float constant. */
export function constantFloats(index: GraphIndex, name: string, external?: ExternalDataFiles): Float32Array | undefined {
  if (!isConstant(index, name)) return undefined;
  const init = index.initializers.get(name);
  if (init) return floatsOrUndefined(() => readFloatTensor(init, external));
  const node = constantNode(index, name);
  for (const attribute of node?.attribute ?? []) {
    if (attribute.name === 'value' && attribute.t) {
      const tensor = attribute.t;
      return floatsOrUndefined(() => readFloatTensor(tensor, external));
    }
    if (attribute.name === 'value_float') return Float32Array.of(attribute.f ?? 0);
    if (attribute.name === 'value_floats') return Float32Array.from(attribute.floats ?? []);
  }
  return undefined;
}

/** Integer values of a constant tensor (int32/int64), or undefined. */
export function constantInts(index: GraphIndex, name: string): number[] | undefined {
  const init = index.initializers.get(name);
  const tensor = init ?? constantNode(index, name)?.attribute?.find((a) => a.name === 'value')?.t ?? undefined;
  if (!tensor || (tensor.dataType !== DataType.INT64 && tensor.dataType !== DataType.INT32)) return undefined;
  return readIntTensor(tensor);
}

function floatsOrUndefined(read: () => Float32Array): Float32Array | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
