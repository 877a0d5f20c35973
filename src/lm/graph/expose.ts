// Makes intermediate activations visible: adds them to the graph outputs so a session returns them.
import { encodeModel, type ModelProto } from './onnx-proto';
import { inferElemTypes } from './elem-types';
import { indexGraph } from './graph-index';
import { assertComputed, valueInfoFor } from './value-info';

/** New model bytes whose outputs are the original ones followed by `tensorNames` (not already outputs). */
export function exposeOutputs(model: ModelProto, tensorNames: readonly string[]): Uint8Array {
  const graph = model.graph ?? {};
  const index = indexGraph(graph);
  const types = inferElemTypes(index);
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const added = [...new Set(tensorNames)].filter((name) => !existing.has(name));
  for (const name of added) assertComputed(index, name);
  const output = [...(graph.output ?? []), ...added.map((name) => valueInfoFor(index, types, name))];
  return encodeModel({ ...model, graph: { ...graph, output } });
}
