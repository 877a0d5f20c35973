// A model cut down to the activations an extraction reads: only the nodes the hook tensors depend on, with
// those tensors as the outputs. Running it skips the rest of the network (the later layers and the
// vocabulary projection, often the largest matmul), and nothing unneeded is returned.
import { encodeModel, type ModelProto, type NodeProto } from '../graph/onnx-proto';
import { inferElemTypes } from '../graph/elem-types';
import { indexGraph, nodeInputs, nodeOutputs } from '../graph/graph-index';
import { assertComputed, valueInfoFor } from '../graph/value-info';

export interface HookModel {
  bytes: Uint8Array;
  /** the graph inputs the cut-down model still reads */
  inputs: string[];
  /** the outputs, in the order asked for */
  outputs: string[];
}

export function hookModel(model: ModelProto, tensors: readonly string[]): HookModel {
  const graph = model.graph ?? {};
  const index = indexGraph(graph);
  const outputs = [...new Set(tensors)];
  if (outputs.length === 0) throw new RangeError('Name at least one tensor to extract.');
  for (const name of outputs) assertComputed(index, name);
  const types = inferElemTypes(index);

  const needed = new Set<number>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const p = index.producer.get(stack.pop() as string);
    if (p === undefined || needed.has(p)) continue;
    needed.add(p);
    stack.push(...nodeInputs(index.nodes[p] as NodeProto));
  }
  const nodes = [...needed].sort((a, b) => a - b).map((i) => index.nodes[i] as NodeProto);
  const read = new Set(nodes.flatMap(nodeInputs));
  const produced = new Set(nodes.flatMap(nodeOutputs));
  const input = index.inputs.filter((i) => read.has(i.name ?? ''));
  const bytes = encodeModel({
    ...model,
    graph: {
      ...graph,
      node: nodes,
      initializer: (graph.initializer ?? []).filter((t) => read.has(t.name ?? '')),
      input,
      output: outputs.map((name) => valueInfoFor(index, types, name)),
      valueInfo: (graph.valueInfo ?? []).filter((v) => produced.has(v.name ?? '') && !outputs.includes(v.name ?? '')),
    },
  });
  return { bytes, inputs: input.map((i) => i.name ?? ''), outputs };
}
