// Splits a model at an activation: the prefix computes it, the suffix continues from it. Running the
// prefix once and the suffix with an edited activation is how steering and ablations reuse the model.
import { encodeModel, type GraphProto, type ModelProto, type NodeProto, type ValueInfoProto } from './onnx-proto';
import { inferElemTypes } from './elem-types';
import { indexGraph, nodeInputs, nodeOutputs, type GraphIndex } from './graph-index';
import { assertComputed, valueInfoFor } from './value-info';

export interface SplitModel {
  /** Computes the hook tensor (and `carried`, and any original output that does not depend on the hook). */
  prefix: Uint8Array;
  /** Reads the hook tensor, `carried` and `suffixInputs`; produces the original outputs that depend on the hook. */
  suffix: Uint8Array;
  hookTensor: string;
  /**
   * Tensors computed before the hook that the suffix still needs (attention bias, positions, shapes).
   * The prefix outputs them and the suffix takes them as inputs under the same names.
   */
  carried: string[];
  /** Original graph inputs each part reads (feed only these). */
  prefixInputs: string[];
  suffixInputs: string[];
  /** Original graph outputs, by which part produces them. */
  prefixOutputs: string[];
  suffixOutputs: string[];
}

export function splitAtHook(model: ModelProto, hookTensor: string): SplitModel {
  const graph = model.graph ?? {};
  const index = indexGraph(graph);
  assertComputed(index, hookTensor);
  const types = inferElemTypes(index);
  const graphOutputs = index.outputs.map((o) => o.name ?? '');

  const afterHook = descendants(index, hookTensor);
  const dependentOutputs = graphOutputs.filter((name) => name === hookTensor || afterHook.has(index.producer.get(name) ?? -1));
  const suffixOutputs = dependentOutputs.filter((name) => name !== hookTensor);
  const neededBySuffix = ancestors(index, suffixOutputs, new Set([hookTensor]));
  const suffixNodes = new Set([...neededBySuffix].filter((i) => afterHook.has(i)));

  // Nodes computed from weights alone (Constant, a transposed tied embedding) are duplicated into the
  // suffix: carrying them across would only add inputs.
  const weightOnly = weightOnlyNodes(index);
  const pending = [...suffixNodes];
  while (pending.length > 0) {
    for (const name of nodeInputs(index.nodes[pending.pop() as number] as NodeProto)) {
      const p = index.producer.get(name);
      if (p !== undefined && weightOnly.has(p) && !suffixNodes.has(p)) {
        suffixNodes.add(p);
        pending.push(p);
      }
    }
  }
  const suffixProduced = new Set([...suffixNodes].flatMap((i) => nodeOutputs(index.nodes[i] as NodeProto)));
  const graphInputNames = new Set(index.inputs.map((input) => input.name ?? ''));
  const carried: string[] = [];
  const suffixInputs: string[] = [];
  for (const i of sorted(suffixNodes)) {
    for (const name of nodeInputs(index.nodes[i] as NodeProto)) {
      if (suffixProduced.has(name) || name === hookTensor || index.initializers.has(name)) continue;
      const list = graphInputNames.has(name) ? suffixInputs : carried;
      if (!list.includes(name)) list.push(name);
    }
  }

  const prefixOutputs = graphOutputs.filter((name) => !dependentOutputs.includes(name) || name === hookTensor);
  const prefixTargets = [hookTensor, ...carried, ...prefixOutputs.filter((name) => name !== hookTensor)];
  const prefixNodes = ancestors(index, prefixTargets, new Set());

  const prefixGraph = subgraph(index, graph, prefixNodes, {
    inputs: index.inputs,
    outputs: prefixTargets.map((name) => valueInfoFor(index, types, name)),
    name: `${graph.name ?? 'graph'}_prefix`,
  });
  const suffixGraph = subgraph(index, graph, suffixNodes, {
    inputs: [
      valueInfoFor(index, types, hookTensor),
      ...carried.map((name) => valueInfoFor(index, types, name)),
      ...index.inputs.filter((input) => suffixInputs.includes(input.name ?? '')),
    ],
    outputs: index.outputs.filter((o) => suffixOutputs.includes(o.name ?? '')),
    name: `${graph.name ?? 'graph'}_suffix`,
  });
  return {
    prefix: encodeModel({ ...model, graph: prefixGraph }),
    suffix: encodeModel({ ...model, graph: suffixGraph }),
    hookTensor,
    carried,
    prefixInputs: (prefixGraph.input ?? []).map((input) => input.name ?? ''),
    suffixInputs,
    prefixOutputs: prefixOutputs.filter((name) => name !== hookTensor),
    suffixOutputs,
  };
}

/** Indices of nodes whose inputs are all weights or outputs of such nodes (Constant nodes included). */
function weightOnlyNodes(index: GraphIndex): Set<number> {
  const found = new Set<number>();
  const fromWeights = (name: string): boolean => {
    if (index.initializers.has(name)) return true;
    const p = index.producer.get(name);
    return p !== undefined && found.has(p);
  };
  index.nodes.forEach((node, i) => {
    if (nodeInputs(node).every(fromWeights)) found.add(i);
  });
  return found;
}

/** Indices of nodes that (transitively) read `tensor`. */
function descendants(index: GraphIndex, tensor: string): Set<number> {
  const found = new Set<number>();
  const stack = [tensor];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    for (const i of index.consumers.get(name) ?? []) {
      if (found.has(i)) continue;
      found.add(i);
      stack.push(...nodeOutputs(index.nodes[i] as NodeProto));
    }
  }
  return found;
}

/** Indices of nodes needed to compute `targets`, not looking past the `stops` tensors. */
function ancestors(index: GraphIndex, targets: readonly string[], stops: ReadonlySet<string>): Set<number> {
  const found = new Set<number>();
  const stack = targets.filter((name) => !stops.has(name));
  while (stack.length > 0) {
    const p = index.producer.get(stack.pop() as string);
    if (p === undefined || found.has(p)) continue;
    found.add(p);
    for (const name of nodeInputs(index.nodes[p] as NodeProto)) if (!stops.has(name)) stack.push(name);
  }
  return found;
}

function sorted(nodes: ReadonlySet<number>): number[] {
  return [...nodes].sort((a, b) => a - b);
}

/** A graph of the chosen nodes (in original order), with the initializers and graph inputs they read. */
function subgraph(
  index: GraphIndex,
  graph: GraphProto,
  nodes: ReadonlySet<number>,
  io: { inputs: readonly ValueInfoProto[]; outputs: ValueInfoProto[]; name: string },
): GraphProto {
  const chosen = sorted(nodes).map((i) => index.nodes[i] as NodeProto);
  const read = new Set(chosen.flatMap(nodeInputs));
  const produced = new Set(chosen.flatMap(nodeOutputs));
  const inputs = io.inputs.filter((input) => read.has(input.name ?? '') || !index.inputs.includes(input));
  return {
    ...graph,
    name: io.name,
    node: chosen,
    initializer: (graph.initializer ?? []).filter((t) => read.has(t.name ?? '')),
    input: inputs,
    output: io.outputs,
    valueInfo: (graph.valueInfo ?? []).filter((v) => produced.has(v.name ?? '')),
  };
}
