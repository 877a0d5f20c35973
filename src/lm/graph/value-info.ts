// Typed ValueInfo entries for tensors we turn into graph inputs or outputs: ORT needs each one's element type.
import { OnnxGraphError, type ValueInfoProto } from './onnx-proto';
import type { GraphIndex } from './graph-index';

/** The declared ValueInfo of a tensor if the model has one, else one with its propagated element type. */
export function valueInfoFor(index: GraphIndex, types: ReadonlyMap<string, number>, name: string): ValueInfoProto {
  const declared = index.valueInfo.get(name);
  if (declared?.type?.tensorType?.elemType) return { name, type: declared.type };
  const elemType = types.get(name);
  if (elemType === undefined) {
    throw new OnnxGraphError(`Cannot tell the element type of tensor "${name}", so it cannot be made a graph input or output.`);
  }
  return { name, type: { tensorType: { elemType } } };
}

/** Throws unless a node of the graph computes `name` (inputs and weights are not activations). */
export function assertComputed(index: GraphIndex, name: string): void {
  if (index.producer.has(name)) return;
  if (index.initializers.has(name)) throw new OnnxGraphError(`"${name}" is a weight, not an activation.`);
  if (index.inputs.some((input) => input.name === name)) throw new OnnxGraphError(`"${name}" is a graph input, not an activation.`);
  throw new OnnxGraphError(`This model has no tensor named "${name}".`);
}
