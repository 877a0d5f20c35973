import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/lm/graph/onnx-proto';
import { findHookPoints, type LayerHooks } from '../../../src/lm/graph/hook-points';
import { GraphBuilder } from '../../../scripts/lib/onnx-builder';
import { DataType } from '../../../src/lm/graph/onnx-proto';
import { fixtureBytes } from './ort-helpers';
import { scrambleNames } from './scramble';

// Tensor names as the fixture builder writes them (torch-exporter style).
const EXPECTED_DECOMPOSED: LayerHooks[] = [
  {
    layer: 0,
    residPre: '/transformer/Add_output_0',
    attnOut: '/transformer/h.0/attn/Add_2_output_0',
    residMid: '/transformer/h.0/Add_output_0',
    mlpOut: '/transformer/h.0/mlp/Add_3_output_0',
    residPost: '/transformer/h.0/Add_1_output_0',
  },
  {
    layer: 1,
    residPre: '/transformer/h.0/Add_1_output_0',
    attnOut: '/transformer/h.1/attn/Add_2_output_0',
    residMid: '/transformer/h.1/Add_output_0',
    mlpOut: '/transformer/h.1/mlp/Add_3_output_0',
    residPost: '/transformer/h.1/Add_1_output_0',
  },
];

describe('findHookPoints', () => {
  it('finds every block of the decomposed-LayerNorm export from structure', () => {
    const detection = findHookPoints(decodeModel(fixtureBytes('model.onnx')));
    if (!detection.ok) throw new Error(detection.reason);
    expect(detection.layers).toEqual(EXPECTED_DECOMPOSED);
    expect(detection.hookPoints.map((h) => h.name)).toEqual([
      'blocks.0.hook_resid_pre',
      'blocks.0.hook_attn_out',
      'blocks.0.hook_resid_mid',
      'blocks.0.hook_mlp_out',
      'blocks.0.hook_resid_post',
      'blocks.1.hook_resid_pre',
      'blocks.1.hook_attn_out',
      'blocks.1.hook_resid_mid',
      'blocks.1.hook_mlp_out',
      'blocks.1.hook_resid_post',
    ]);
    expect(detection.finalNorm.input).toBe('/transformer/h.1/Add_1_output_0');
    expect(detection.finalNorm.scale).toBe('transformer.ln_f.weight');
  });

  it('finds the same blocks in the fused LayerNormalization export', () => {
    const detection = findHookPoints(decodeModel(fixtureBytes('model_fused_ln.onnx')));
    if (!detection.ok) throw new Error(detection.reason);
    expect(detection.layers.length).toBe(2);
    expect(detection.layers[1]?.residPre).toBe(detection.layers[0]?.residPost);
    expect(detection.finalNorm.input).toBe(detection.layers[1]?.residPost);
    expect(detection.layers[0]?.residPre).toBe('/transformer/Add_output_0');
  });

  for (const file of ['model.onnx', 'model_fused_ln.onnx']) {
    it(`still works when every node and tensor of ${file} is renamed at random`, () => {
      const original = decodeModel(fixtureBytes(file));
      const plain = findHookPoints(original);
      const { model, rename } = scrambleNames(original, 99);
      const scrambled = findHookPoints(model);
      if (!plain.ok || !scrambled.ok) throw new Error('detection failed');
      expect(scrambled.layers).toEqual(
        plain.layers.map((l) => ({
          layer: l.layer,
          residPre: rename(l.residPre),
          attnOut: rename(l.attnOut),
          residMid: rename(l.residMid),
          mlpOut: rename(l.mlpOut),
          residPost: rename(l.residPost),
        })),
      );
      expect(scrambled.layers[0]?.residPre).not.toContain('transformer');
    });
  }

  it('says it could not understand a graph without residual blocks, and lists tensors to pick by hand', () => {
    const g = new GraphBuilder({ constantsAsNodes: false });
    const x = g.input('x', DataType.FLOAT, ['batch', 4]);
    const w = g.weight('w', Float32Array.from({ length: 16 }, (_, i) => i / 16), [4, 4]);
    const hidden = g.node('Relu', [g.node('MatMul', [x, w])]);
    g.node('MatMul', [hidden, w], {}, 'y');
    g.output('y', DataType.FLOAT, ['batch', 4]);
    const detection = findHookPoints(g.build('mlp', 17, 'test'));
    expect(detection.ok).toBe(false);
    if (detection.ok) return;
    expect(detection.reason).toMatch(/^Could not understand this graph: no LayerNorm or RMSNorm/);
    expect(detection.tensors.map((t) => [t.producer, t.dtype])).toEqual([
      ['MatMul', 'float32'],
      ['Relu', 'float32'],
      ['MatMul', 'float32'],
    ]);
  });

  it('lists the fixture tensors (floats only) alongside the detected hooks', () => {
    const detection = findHookPoints(decodeModel(fixtureBytes('model.onnx')));
    const names = detection.tensors.map((t) => t.name);
    expect(names).toContain('logits');
    expect(names).toContain('/transformer/h.0/Add_1_output_0');
    expect(detection.tensors.every((t) => t.dtype === 'float32')).toBe(true);
    // Shapes and positions are int64 and are left out.
    expect(names).not.toContain('/transformer/Range_output_0');
  });
});
