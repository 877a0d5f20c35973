// Renames every node and tensor (inputs, outputs, weights included) to random strings, keeping the structure.
import type { GraphProto, ModelProto } from '../../../src/lm/graph/onnx-proto';
import { createPrng } from '../../../scripts/lib/prng';

export function scrambleNames(model: ModelProto, seed: number): { model: ModelProto; rename: (name: string) => string } {
  const rng = createPrng(seed);
  const names = new Map<string, string>();
  const rename = (name: string): string => {
    if (name === '') return name;
    let renamed = names.get(name);
    if (!renamed) {
      renamed = `t${names.size}_${Math.floor(rng.next() * 1e9).toString(36)}`;
      names.set(name, renamed);
    }
    return renamed;
  };
  const graph = model.graph ?? {};
  const scrambled: GraphProto = {
    ...graph,
    name: 'g',
    node: (graph.node ?? []).map((node, i) => ({
      ...node,
      name: `n${i}_${Math.floor(rng.next() * 1e9).toString(36)}`,
      input: (node.input ?? []).map(rename),
      output: (node.output ?? []).map(rename),
    })),
    initializer: (graph.initializer ?? []).map((t) => ({ ...t, name: rename(t.name ?? '') })),
    input: (graph.input ?? []).map((v) => ({ ...v, name: rename(v.name ?? '') })),
    output: (graph.output ?? []).map((v) => ({ ...v, name: rename(v.name ?? '') })),
    valueInfo: (graph.valueInfo ?? []).map((v) => ({ ...v, name: rename(v.name ?? '') })),
  };
  return { model: { ...model, graph: scrambled }, rename };
}
