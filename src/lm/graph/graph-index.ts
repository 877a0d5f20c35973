// Lookup tables over a graph: who produces and who consumes each tensor, and which names are constants.
import type { GraphProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-proto';

export interface GraphIndex {
  readonly graph: GraphProto;
  readonly nodes: readonly NodeProto[];
  /** Tensor name → index in `nodes` of the node that writes it. */
  readonly producer: ReadonlyMap<string, number>;
  /** Tensor name → indices in `nodes` of the nodes that read it (subgraph references included). */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
  readonly initializers: ReadonlyMap<string, TensorProto>;
  /** Graph inputs that are real inputs (not initializers listed as inputs, as IR < 4 models do). */
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly valueInfo: ReadonlyMap<string, ValueInfoProto>;
}

/** Names a node reads: its inputs, plus outer-scope names used inside If/Loop/Scan bodies. */
export function nodeInputs(node: NodeProto): string[] {
  const names = (node.input ?? []).filter((name) => name !== '');
  for (const attribute of node.attribute ?? []) {
    const subgraphs = [...(attribute.g ? [attribute.g] : []), ...(attribute.graphs ?? [])];
    for (const subgraph of subgraphs) names.push(...outerScopeNames(subgraph));
  }
  return names;
}

export function nodeOutputs(node: NodeProto): string[] {
  return (node.output ?? []).filter((name) => name !== '');
}

function outerScopeNames(graph: GraphProto): string[] {
  const defined = new Set<string>();
  for (const input of graph.input ?? []) defined.add(input.name ?? '');
  for (const init of graph.initializer ?? []) defined.add(init.name ?? '');
  for (const node of graph.node ?? []) for (const out of nodeOutputs(node)) defined.add(out);
  const used = new Set<string>();
  for (const node of graph.node ?? []) for (const name of nodeInputs(node)) if (!defined.has(name)) used.add(name);
  return [...used];
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    for (const out of nodeOutputs(node)) producer.set(out, i);
    for (const name of new Set(nodeInputs(node))) {
      const list = consumers.get(name);
      if (list) list.push(i);
      else consumers.set(name, [i]);
    }
  });
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const inputs = (graph.input ?? []).filter((input) => !initializers.has(input.name ?? ''));
  const valueInfo = new Map<string, ValueInfoProto>();
  for (const info of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    if (info.name) valueInfo.set(info.name, info);
  }
  return { graph, nodes, producer, consumers, initializers, inputs, outputs: graph.output ?? [], valueInfo };
}

/** Whether a name is a constant: an initializer or the output of a Constant node. */
export function isConstant(index: GraphIndex, name: string): boolean {
  if (index.initializers.has(name)) return true;
  const p = index.producer.get(name);
  return p !== undefined && index.nodes[p]?.opType === 'Constant';
}

/** An integer attribute of a node, or the fallback when absent. */
export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = (node.attribute ?? []).find((a) => a.name === name);
  if (!attribute || attribute.i === undefined || attribute.i === null) return fallback;
  return typeof attribute.i === 'number' ? attribute.i : attribute.i.toNumber();
}

export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = (node.attribute ?? []).find((a) => a.name === name);
  return attribute?.f ?? fallback;
}
