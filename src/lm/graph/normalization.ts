// Finds normalization layers (LayerNorm, RMSNorm) by structure: fused ops, or the decomposed arithmetic that
// exporters emit for older opsets. Hook detection anchors on them, and the unembedding needs the final one.
import type { NodeProto } from './onnx-proto';
import { floatAttribute, isConstant, type GraphIndex } from './graph-index';
import { constantFloats } from './constants';

export interface Normalization {
  kind: 'layernorm' | 'rmsnorm';
  /** The tensor being normalized, as the first normalization node reads it. */
  input: string;
  /** `input` and the tensors it was cast from: any of these is the un-normalized stream. */
  sources: string[];
  /** The normalized, scaled and shifted result. */
  output: string;
  /** Constant names of the scale (gamma) and shift (beta), when present. */
  scale?: string;
  bias?: string;
  epsilon: number;
  /** Indices of the nodes that make up this normalization. */
  nodes: number[];
}

const FUSED_LAYERNORM = new Set(['LayerNormalization']);
const FUSED_RMSNORM = new Set(['SimplifiedLayerNormalization', 'RMSNormalization']);
/** Ops that fuse the residual add into the normalization: hook detection cannot split them apart. */
export const FUSED_RESIDUAL_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

const DEFAULT_EPSILON = 1e-5;

export function findNormalizations(index: GraphIndex): Normalization[] {
  const found: Normalization[] = [];
  const claimed = new Set<number>();
  index.nodes.forEach((node, i) => {
    const op = node.opType ?? '';
    if (!FUSED_LAYERNORM.has(op) && !FUSED_RMSNORM.has(op)) return;
    const [input = '', scale, bias] = node.input ?? [];
    found.push({
      kind: FUSED_LAYERNORM.has(op) ? 'layernorm' : 'rmsnorm',
      input,
      sources: castSources(index, input),
      output: node.output?.[0] ?? '',
      ...(scale ? { scale } : {}),
      ...(bias ? { bias } : {}),
      epsilon: floatAttribute(node, 'epsilon', DEFAULT_EPSILON),
      nodes: [i],
    });
    claimed.add(i);
  });
  index.nodes.forEach((node, i) => {
    if (node.opType !== 'ReduceMean' || claimed.has(i)) return;
    const norm = decomposedLayerNorm(index, i, claimed);
    if (norm) found.push(norm);
  });
  index.nodes.forEach((node, i) => {
    if (node.opType !== 'ReduceMean' || claimed.has(i)) return;
    const norm = decomposedRmsNorm(index, i, claimed);
    if (norm) found.push(norm);
  });
  return found.sort((a, b) => Math.min(...a.nodes) - Math.min(...b.nodes));
}

function consumersOf(index: GraphIndex, name: string): { node: NodeProto; i: number }[] {
  return (index.consumers.get(name) ?? []).map((i) => ({ node: index.nodes[i] as NodeProto, i }));
}

function output(node: NodeProto): string {
  return node.output?.[0] ?? '';
}

function inputs(node: NodeProto): string[] {
  return [...(node.input ?? [])];
}

/** `name` and, walking up through Cast nodes, the tensors it was converted from. */
function castSources(index: GraphIndex, name: string): string[] {
  const sources = [name];
  let current = name;
  for (;;) {
    const p = index.producer.get(current);
    const node = p === undefined ? undefined : index.nodes[p];
    if (node?.opType !== 'Cast') return sources;
    current = node.input?.[0] ?? '';
    sources.push(current);
  }
}

/**
 * Follows the variance branch from a ReduceMean output: Add(ε) → Sqrt → Reciprocal, with Casts anywhere.
 * Returns the tensors on the way (any may divide or multiply the centred input) and the ε found.
 */
function varianceChain(index: GraphIndex, start: string, nodes: number[]): { tensors: Set<string>; epsilon: number } {
  const tensors = new Set([start]);
  let epsilon = DEFAULT_EPSILON;
  let current = start;
  for (let step = 0; step < 6; step++) {
    const next = consumersOf(index, current).find(({ node }) => {
      const op = node.opType;
      if (op === 'Sqrt' || op === 'Reciprocal' || op === 'Cast') return true;
      return op === 'Add' && inputs(node).some((name) => name !== current && isConstant(index, name));
    });
    if (!next) break;
    if (next.node.opType === 'Add') {
      const epsName = inputs(next.node).find((name) => name !== current) ?? '';
      epsilon = constantFloats(index, epsName)?.[0] ?? epsilon;
    }
    nodes.push(next.i);
    current = output(next.node);
    tensors.add(current);
  }
  return { tensors, epsilon };
}

/** After the normalizing Div/Mul: an optional Mul by a constant scale, then an optional Add of a constant bias. */
function affine(index: GraphIndex, normalized: string, nodes: number[]): { output: string; scale?: string; bias?: string } {
  let current = normalized;
  const result: { output: string; scale?: string; bias?: string } = { output: normalized };
  for (const op of ['Mul', 'Add'] as const) {
    const uses = consumersOf(index, current);
    if (uses.length !== 1) break;
    const use = uses[0];
    if (!use || use.node.opType !== op) continue;
    const other = inputs(use.node).find((name) => name !== current) ?? '';
    if (!isConstant(index, other)) break;
    nodes.push(use.i);
    current = output(use.node);
    if (op === 'Mul') result.scale = other;
    else result.bias = other;
    result.output = current;
  }
  return result;
}

// mean = ReduceMean(x); d = x − mean; var = ReduceMean(d²); y = d / sqrt(var + ε) [· γ + β]
function decomposedLayerNorm(index: GraphIndex, meanIndex: number, claimed: Set<number>): Normalization | undefined {
  const meanNode = index.nodes[meanIndex] as NodeProto;
  const x = meanNode.input?.[0] ?? '';
  const mean = output(meanNode);
  const centre = consumersOf(index, mean).find(
    ({ node }) => node.opType === 'Sub' && node.input?.[0] === x && node.input?.[1] === mean,
  );
  if (!centre) return undefined;
  const d = output(centre.node);
  const square = consumersOf(index, d).find(
    ({ node }) =>
      (node.opType === 'Pow' && node.input?.[0] === d) || (node.opType === 'Mul' && inputs(node).every((n) => n === d)),
  );
  const varianceMean = square && consumersOf(index, output(square.node)).find(({ node }) => node.opType === 'ReduceMean');
  if (!square || !varianceMean) return undefined;
  const nodes = [meanIndex, centre.i, square.i, varianceMean.i];
  const chain = varianceChain(index, output(varianceMean.node), nodes);
  // d / σ, d · (1/σ) or (1/σ) · d
  const divide = consumersOf(index, d).find(({ node }) => {
    const [a = '', b = ''] = node.input ?? [];
    if (node.opType === 'Div') return a === d && chain.tensors.has(b);
    return node.opType === 'Mul' && ((a === d && chain.tensors.has(b)) || (b === d && chain.tensors.has(a)));
  });
  if (!divide) return undefined;
  nodes.push(divide.i);
  const tail = affine(index, output(divide.node), nodes);
  for (const i of nodes) claimed.add(i);
  return { kind: 'layernorm', input: x, sources: castSources(index, x), epsilon: chain.epsilon, nodes, ...tail };
}

// ms = ReduceMean(x²); y = x / sqrt(ms + ε) or x · (1 / sqrt(ms + ε)) [· γ]
function decomposedRmsNorm(index: GraphIndex, meanIndex: number, claimed: Set<number>): Normalization | undefined {
  const meanNode = index.nodes[meanIndex] as NodeProto;
  const squared = meanNode.input?.[0] ?? '';
  const p = index.producer.get(squared);
  const square = p === undefined ? undefined : index.nodes[p];
  if (!square || p === undefined) return undefined;
  const x = square.input?.[0] ?? '';
  const isSquare =
    (square.opType === 'Pow' && constantFloats(index, square.input?.[1] ?? '')?.[0] === 2) ||
    (square.opType === 'Mul' && inputs(square).every((n) => n === x));
  if (!isSquare) return undefined;
  const nodes = [p, meanIndex];
  const chain = varianceChain(index, output(meanNode), nodes);
  const scaleUse = consumersOf(index, x).find(({ node }) => {
    if (node.opType !== 'Div' && node.opType !== 'Mul') return false;
    const other = inputs(node).find((n) => n !== x) ?? '';
    return chain.tensors.has(other) && (node.opType === 'Mul' || node.input?.[0] === x);
  });
  if (!scaleUse) return undefined;
  nodes.push(scaleUse.i);
  const tail = affine(index, output(scaleUse.node), nodes);
  for (const i of nodes) claimed.add(i);
  return { kind: 'rmsnorm', input: x, sources: castSources(index, x), epsilon: chain.epsilon, nodes, ...tail };
}
