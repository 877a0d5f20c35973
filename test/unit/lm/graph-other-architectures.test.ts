// Hook detection on graphs shaped like other model families, built with the fixture graph builder.
import { describe, expect, it } from 'vitest';
import { DataType, decodeModel, type ModelProto } from '../../../src/lm/graph/onnx-proto';
import { findHookPoints } from '../../../src/lm/graph/hook-points';
import { exposeOutputs } from '../../../src/lm/graph/expose';
import { unembedding } from '../../../src/lm/graph/unembedding';
import { GraphBuilder } from '../../../scripts/lib/onnx-builder';
import { createPrng } from '../../../scripts/lib/prng';
import { createSession, maxAbsDiff, ort, runFloat } from './ort-helpers';

const D = 8;
const VOCAB = 11;

function builder() {
  const rng = createPrng(3);
  const g = new GraphBuilder({ constantsAsNodes: true });
  const matrix = (name: string, rows: number, cols: number) =>
    g.weight(name, Float32Array.from({ length: rows * cols }, () => rng.normal() / Math.sqrt(rows)), [rows, cols]);
  // Llama-style RMSNorm as exporters decompose it: x · 1/sqrt(mean(x²) + ε) · γ
  const rmsNorm = (x: string, name: string) => {
    const meanSquare = g.node('ReduceMean', [g.node('Pow', [x, g.constFloat([2])])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
    const inverse = g.node('Reciprocal', [g.node('Sqrt', [g.node('Add', [meanSquare, g.constFloat([1e-6])])])]);
    return g.node('Mul', [g.node('Mul', [x, inverse]), g.weight(name, Float32Array.from({ length: D }, () => 1 + 0.1 * rng.normal()), [D])]);
  };
  const attention = (x: string, layer: number) => {
    const q = g.node('MatMul', [x, matrix(`l${layer}.q`, D, D)]);
    const scores = g.node('MatMul', [q, g.node('Transpose', [x], { perm: { ints: [0, 2, 1] } })]);
    const probs = g.node('Softmax', [scores], { axis: { int: -1 } });
    return g.node('MatMul', [g.node('MatMul', [probs, x]), matrix(`l${layer}.o`, D, D)]);
  };
  const swiGlu = (x: string, layer: number) => {
    const gate = g.node('MatMul', [x, matrix(`l${layer}.gate`, D, 2 * D)]);
    const up = g.node('MatMul', [x, matrix(`l${layer}.up`, D, 2 * D)]);
    const silu = g.node('Mul', [gate, g.node('Sigmoid', [gate])]);
    return g.node('MatMul', [g.node('Mul', [silu, up]), matrix(`l${layer}.down`, 2 * D, D)]);
  };
  const head = (x: string) => {
    g.node('MatMul', [rmsNorm(x, 'norm.weight'), matrix('lm_head', D, VOCAB)], {}, 'logits');
    g.output('logits', DataType.FLOAT, ['batch', 'seq', VOCAB]);
  };
  return { g, rmsNorm, attention, swiGlu, head };
}

function llamaLike(layers: number): ModelProto {
  const { g, rmsNorm, attention, swiGlu, head } = builder();
  let resid = g.input('inputs_embeds', DataType.FLOAT, ['batch', 'seq', D]);
  for (let layer = 0; layer < layers; layer++) {
    const mid = g.node('Add', [resid, attention(rmsNorm(resid, `l${layer}.input_norm`), layer)]);
    resid = g.node('Add', [mid, swiGlu(rmsNorm(mid, `l${layer}.post_norm`), layer)]);
  }
  head(resid);
  return g.build('llama_like', 17, 'test');
}

/** GPT-J / NeoX style: attention and MLP read the same normalized stream and are added together. */
function parallelBlocks(layers: number): ModelProto {
  const { g, rmsNorm, attention, swiGlu, head } = builder();
  let resid = g.input('inputs_embeds', DataType.FLOAT, ['batch', 'seq', D]);
  for (let layer = 0; layer < layers; layer++) {
    const normed = rmsNorm(resid, `l${layer}.norm`);
    resid = g.node('Add', [g.node('Add', [attention(normed, layer), swiGlu(normed, layer)]), resid]);
  }
  head(resid);
  return g.build('parallel', 17, 'test');
}

describe('hook detection beyond GPT-2', () => {
  it('finds RMSNorm + SwiGLU blocks (Llama-style), and the hooks add up as a residual stream should', async () => {
    const model = llamaLike(3);
    const detection = findHookPoints(model);
    if (!detection.ok) throw new Error(detection.reason);
    expect(detection.layers.length).toBe(3);
    expect(detection.layers[0]?.residPre).toBe('inputs_embeds');
    expect(detection.finalNorm.kind).toBe('rmsnorm');
    expect(detection.finalNorm.epsilon).toBeCloseTo(1e-6, 12);

    const tensors = detection.hookPoints.map((h) => h.tensor).filter((t) => t !== 'inputs_embeds');
    const session = await createSession(exposeOutputs(model, tensors));
    const x = Float32Array.from({ length: 2 * 5 * D }, (_, i) => Math.sin(i));
    const out = await runFloat(session, { inputs_embeds: new ort.Tensor('float32', x, [2, 5, D]) });
    const value = (name: string) => (name === 'inputs_embeds' ? x : (out[name]?.data ?? new Float32Array()));
    for (const l of detection.layers) {
      const mid = value(l.residPre).map((v, i) => v + (value(l.attnOut)[i] as number));
      expect(maxAbsDiff(mid, value(l.residMid))).toBe(0);
      const post = value(l.residMid).map((v, i) => v + (value(l.mlpOut)[i] as number));
      expect(maxAbsDiff(post, value(l.residPost))).toBe(0);
    }

    const head = unembedding(decodeModel(exposeOutputs(model, [])));
    expect([head.dModel, head.vocabSize]).toEqual([D, VOCAB]);
    expect(head.finalNorm.kind).toBe('rmsnorm');
    expect(head.finalNorm.bias).toBeUndefined();
    expect(head.finalNorm.scale?.length).toBe(D);
  });

  it('declines parallel attention/MLP blocks instead of mislabelling them', () => {
    const detection = findHookPoints(parallelBlocks(2));
    expect(detection.ok).toBe(false);
    if (detection.ok) return;
    expect(detection.reason).toMatch(/^Could not understand this graph: .*parallel blocks/);
    expect(detection.tensors.length).toBeGreaterThan(10);
  });

  it('declines ORT-optimized graphs that fuse the residual add into SkipLayerNormalization', () => {
    const g = new GraphBuilder({ constantsAsNodes: false });
    const x = g.input('x', DataType.FLOAT, ['b', D]);
    const gamma = g.weight('gamma', new Float32Array(D).fill(1), [D]);
    g.node('SkipLayerNormalization', [x, x, gamma], {}, 'y');
    g.output('y', DataType.FLOAT, ['b', D]);
    const detection = findHookPoints(g.build('fused', 17, 'test'));
    expect(detection.ok).toBe(false);
    if (!detection.ok) expect(detection.reason).toMatch(/SkipLayerNormalization/);
  });
});
