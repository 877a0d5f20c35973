// Adds a steering input at an activation: everything that read the tensor reads `tensor + steer_<name>`.
import { encodeModel, type GraphProto, type ModelProto, type NodeProto } from './onnx-proto';
import { inferElemTypes } from './elem-types';
import { indexGraph } from './graph-index';
import { assertComputed, valueInfoFor } from './value-info';

export interface InjectedModel {
  model: Uint8Array;
  /** The new graph input; feed zeros for no change. It broadcasts against the activation ([d_model] works). */
  inputName: string;
}

export function injectAdd(model: ModelProto, tensorName: string): InjectedModel {
  const graph = model.graph ?? {};
  const index = indexGraph(graph);
  assertComputed(index, tensorName);
  const types = inferElemTypes(index);
  const taken = new Set<string>([...index.producer.keys(), ...index.initializers.keys(), ...index.valueInfo.keys()]);
  const unique = (base: string): string => {
    let name = base;
    for (let n = 1; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  };
  const inputName = unique(`steer_${tensorName.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+/, '')}`);
  const steered = unique(`${tensorName}_steered`);
  const elemType = valueInfoFor(index, types, tensorName).type?.tensorType?.elemType ?? 0;

  const addNode: NodeProto = { name: unique(`${tensorName}_steer_add`), opType: 'Add', input: [tensorName, inputName], output: [steered] };
  const nodes: NodeProto[] = [];
  for (const node of index.nodes) {
    const produces = (node.output ?? []).includes(tensorName);
    nodes.push(produces ? node : renameInput(node, tensorName, steered));
    if (produces) nodes.push(addNode);
  }
  const injected: GraphProto = {
    ...graph,
    node: nodes,
    input: [...(graph.input ?? []), { name: inputName, type: { tensorType: { elemType } } }],
  };
  return { model: encodeModel({ ...model, graph: injected }), inputName };
}

/** A copy of the node reading `to` wherever it read `from`, including inside If/Loop/Scan bodies. */
function renameInput(node: NodeProto, from: string, to: string): NodeProto {
  const input = (node.input ?? []).map((name) => (name === from ? to : name));
  const attribute = (node.attribute ?? []).map((a) => {
    if (!a.g && !a.graphs?.length) return a;
    const renamed = { ...a };
    if (a.g) renamed.g = renameInGraph(a.g, from, to);
    if (a.graphs?.length) renamed.graphs = a.graphs.map((g) => renameInGraph(g, from, to));
    return renamed;
  });
  return { ...node, input, attribute };
}

function renameInGraph(graph: GraphProto, from: string, to: string): GraphProto {
  // A body that defines its own `from` shadows the outer tensor.
  const shadows =
    (graph.input ?? []).some((i) => i.name === from) ||
    (graph.initializer ?? []).some((t) => t.name === from) ||
    (graph.node ?? []).some((n) => (n.output ?? []).includes(from));
  return shadows ? graph : { ...graph, node: (graph.node ?? []).map((n) => renameInput(n, from, to)) };
}
