// Finds TransformerLens-style hook points in a pre-norm decoder from the graph's structure alone.
//
// The residual stream is a chain of Add nodes: each adds a branch (attention or MLP) to the stream, and the
// branch is computed from a normalization of that same stream. Node and tensor names are never read, so
// renamed or obfuscated exports work the same.
import type { ModelProto, NodeProto } from './onnx-proto';
import { dataTypeName, isFloatType } from './data-types';
import { inferElemTypes } from './elem-types';
import { isConstant, nodeInputs, indexGraph, type GraphIndex } from './graph-index';
import { FUSED_RESIDUAL_NORMS, findNormalizations, type Normalization } from './normalization';

export type HookKind = 'hook_resid_pre' | 'hook_attn_out' | 'hook_resid_mid' | 'hook_mlp_out' | 'hook_resid_post';

export interface HookPoint {
  /** TransformerLens name, e.g. `blocks.3.hook_resid_post`. */
  name: string;
  layer: number;
  kind: HookKind;
  /** The graph tensor holding this activation. */
  tensor: string;
}

export interface LayerHooks {
  layer: number;
  residPre: string;
  attnOut: string;
  residMid: string;
  mlpOut: string;
  residPost: string;
}

/** A tensor a person can pick by hand when detection fails (or to override it). */
export interface TensorCandidate {
  name: string;
  /** Op type of the node that computes it. */
  producer: string;
  dtype: string;
}

export type HookDetection =
  | {
      ok: true;
      layers: LayerHooks[];
      hookPoints: HookPoint[];
      /** The normalization before the unembedding (ln_f). */
      finalNorm: Normalization;
      tensors: TensorCandidate[];
    }
  | { ok: false; reason: string; tensors: TensorCandidate[] };

const ATTENTION_OPS = new Set([
  'Softmax',
  'Attention',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'SparseAttention',
]);

/** Bound on nodes visited while tracing one branch: keeps detection linear-ish on very large graphs. */
const MAX_BRANCH_NODES = 20_000;

interface ResidualAdd {
  node: number;
  /** The stream before the add. */
  stream: string;
  /** What the add contributes (attention or MLP output). */
  branch: string;
  /** The stream after the add. */
  output: string;
  /** Whether the branch contains attention (a Softmax or a fused attention op). */
  attention: boolean;
}

export function findHookPoints(model: ModelProto): HookDetection {
  const index = indexGraph(model.graph ?? {});
  const tensors = listTensors(index);
  const fail = (reason: string): HookDetection => ({ ok: false, reason: `Could not understand this graph: ${reason}`, tensors });

  const fused = index.nodes.find((node) => FUSED_RESIDUAL_NORMS.has(node.opType ?? ''));
  if (fused) {
    return fail(
      `it fuses residual adds into ${fused.opType} nodes (an ORT-optimized export). Use an unoptimized export, or pick tensors by hand.`,
    );
  }
  const norms = findNormalizations(index);
  if (norms.length === 0) return fail('no LayerNorm or RMSNorm was found.');
  const normBySource = new Map<string, Normalization>();
  for (const norm of norms) for (const source of norm.sources) normBySource.set(source, norm);

  const adds = residualAdds(index, normBySource);
  if (adds.length === 0) {
    return fail('no residual connections (an Add of a stream and a branch computed from its normalization) were found.');
  }
  const byStream = new Map<string, ResidualAdd>();
  for (const add of adds) {
    if (byStream.has(add.stream)) {
      return fail('a residual stream feeds two residual adds (parallel attention and MLP blocks are not supported yet).');
    }
    byStream.set(add.stream, add);
  }
  const outputs = new Set(adds.map((add) => add.output));
  const starts = adds.filter((add) => !outputs.has(add.stream));
  if (starts.length !== 1) return fail(`found ${starts.length} separate residual chains; expected one.`);
  const chain: ResidualAdd[] = [];
  for (let add: ResidualAdd | undefined = starts[0]; add && chain.length <= adds.length; add = byStream.get(add.output)) {
    chain.push(add);
  }
  if (chain.length !== adds.length) return fail('some residual adds are not on the main residual chain.');
  if (chain.every((add) => add.attention)) {
    return fail('each block adds attention and MLP in one step (parallel blocks, as in GPT-J or NeoX), which is not supported yet.');
  }
  if (chain.length % 2 !== 0) return fail(`the residual chain has ${chain.length} adds; expected two per block.`);

  const layers: LayerHooks[] = [];
  for (let layer = 0; layer < chain.length / 2; layer++) {
    const attn = chain[2 * layer] as ResidualAdd;
    const mlp = chain[2 * layer + 1] as ResidualAdd;
    if (!attn.attention || mlp.attention) {
      return fail(`block ${layer} does not look like attention followed by an MLP.`);
    }
    layers.push({
      layer,
      residPre: attn.stream,
      attnOut: attn.branch,
      residMid: attn.output,
      mlpOut: mlp.branch,
      residPost: mlp.output,
    });
  }
  const last = chain[chain.length - 1] as ResidualAdd;
  const finalNorm = normBySource.get(last.output);
  if (!finalNorm) return fail('the last residual stream is not normalized before the output.');
  return { ok: true, layers, hookPoints: layers.flatMap(hookPointsOf), finalNorm, tensors };
}

function hookPointsOf(hooks: LayerHooks): HookPoint[] {
  const entries: [HookKind, string][] = [
    ['hook_resid_pre', hooks.residPre],
    ['hook_attn_out', hooks.attnOut],
    ['hook_resid_mid', hooks.residMid],
    ['hook_mlp_out', hooks.mlpOut],
    ['hook_resid_post', hooks.residPost],
  ];
  return entries.map(([kind, tensor]) => ({ name: `blocks.${hooks.layer}.${kind}`, layer: hooks.layer, kind, tensor }));
}

function residualAdds(index: GraphIndex, normBySource: ReadonlyMap<string, Normalization>): ResidualAdd[] {
  const adds: ResidualAdd[] = [];
  index.nodes.forEach((node, i) => {
    if (node.opType !== 'Add' || (node.input ?? []).length !== 2) return;
    const output = node.output?.[0] ?? '';
    // In a pre-norm model every stream after a residual add is normalized again (next block or ln_f).
    if (!normBySource.has(output)) return;
    const [a = '', b = ''] = node.input ?? [];
    for (const [stream, branch] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!normBySource.has(stream)) continue;
      const trace = traceBranch(index, branch, normBySource);
      if (trace.reachesStreams.has(stream)) {
        adds.push({ node: i, stream, branch, output, attention: trace.attention });
        return;
      }
    }
  });
  return adds;
}

/**
 * Walks back from a branch output to the streams it reads. Stops at normalized streams, graph inputs and
 * constants, so one trace covers one block's branch, not the whole model above it.
 */
function traceBranch(
  index: GraphIndex,
  branch: string,
  normBySource: ReadonlyMap<string, Normalization>,
): { reachesStreams: Set<string>; attention: boolean } {
  const reachesStreams = new Set<string>();
  let attention = false;
  const seen = new Set<string>([branch]);
  const stack = [branch];
  let visited = 0;
  while (stack.length > 0 && visited < MAX_BRANCH_NODES) {
    const name = stack.pop() as string;
    if (normBySource.has(name) && name !== branch) {
      reachesStreams.add(name);
      continue;
    }
    if (isConstant(index, name)) continue;
    const p = index.producer.get(name);
    if (p === undefined) continue;
    visited++;
    const node = index.nodes[p] as NodeProto;
    if (ATTENTION_OPS.has(node.opType ?? '')) attention = true;
    for (const input of nodeInputs(node)) {
      if (!seen.has(input)) {
        seen.add(input);
        stack.push(input);
      }
    }
  }
  return { reachesStreams, attention };
}

/** Every computed floating-point tensor, in graph order, for picking hook points by hand. */
function listTensors(index: GraphIndex): TensorCandidate[] {
  const types = inferElemTypes(index);
  const list: TensorCandidate[] = [];
  for (const node of index.nodes) {
    if (node.opType === 'Constant') continue;
    for (const name of node.output ?? []) {
      if (name === '') continue;
      const type = types.get(name);
      if (type !== undefined && !isFloatType(type)) continue;
      list.push({ name, producer: node.opType ?? '', dtype: type === undefined ? 'unknown' : dataTypeName(type) });
    }
  }
  return list;
}
