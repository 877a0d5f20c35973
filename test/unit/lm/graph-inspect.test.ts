import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, OnnxGraphError } from '../../../src/lm/graph/onnx-proto';
import { inspectModel } from '../../../src/lm/graph/inspect';
import { findNormalizations } from '../../../src/lm/graph/normalization';
import { indexGraph } from '../../../src/lm/graph/graph-index';
import { hookShape, ModelConfigError, tensorShapesFromConfig } from '../../../src/lm/graph/shapes-from-config';
import { fixtureBytes, fixtureJson } from './ort-helpers';

const PARAMS = 300 * 32 + 64 * 32 + 2 * (4 * 32 + 32 * 96 + 96 + 32 * 32 + 32 + 32 * 64 + 64 + 64 * 32 + 32) + 2 * 32;

describe('inspectModel', () => {
  it('summarizes the decomposed-LayerNorm export', () => {
    const summary = inspectModel(decodeModel(fixtureBytes('model.onnx')));
    expect(summary.opset).toBe(14);
    expect(summary.inputs).toEqual([
      { name: 'input_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
    ]);
    expect(summary.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: ['batch_size', 'sequence_length', 300] }]);
    // Small constants are Constant nodes in this style, so initializers are exactly the parameters.
    expect(summary.parameterCount).toBe(PARAMS);
    expect(summary.parameterBytes).toBe(PARAMS * 4);
    expect(summary.weightType).toBe('float32');
    expect(summary.quantized).toBe(false);
    expect(summary.externalDataFiles).toEqual([]);
    expect(summary.opCounts.Softmax).toBe(2);
    expect(summary.opCounts.LayerNormalization).toBeUndefined();
    expect(summary.nodes.length).toBe(Object.values(summary.opCounts).reduce((a, b) => a + b, 0));
    expect(summary.nodes.find((n) => n.outputs.includes('logits'))?.opType).toBe('MatMul');
  });

  it('summarizes the fused-LayerNorm export (opset 17)', () => {
    const summary = inspectModel(decodeModel(fixtureBytes('model_fused_ln.onnx')));
    expect(summary.opset).toBe(17);
    expect(summary.opCounts.LayerNormalization).toBe(5);
    expect(summary.opCounts.ReduceMean).toBeUndefined();
    // Stored wteᵀ for the head, plus small constants kept as initializers.
    expect(summary.parameterCount).toBeGreaterThan(PARAMS + 300 * 32);
  });

  it('rejects bytes that are not an ONNX model with a typed error', () => {
    expect(() => decodeModel(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(OnnxGraphError);
    expect(() => decodeModel(encodeModel({ irVersion: 8, graph: { name: 'empty' } }))).toThrow(/no graph nodes/);
  });
});

describe('findNormalizations', () => {
  for (const file of ['model.onnx', 'model_fused_ln.onnx']) {
    it(`finds all five LayerNorms with their scale, bias and epsilon in ${file}`, () => {
      const norms = findNormalizations(indexGraph(decodeModel(fixtureBytes(file)).graph ?? {}));
      expect(norms.map((n) => n.scale)).toEqual([
        'transformer.h.0.ln_1.weight',
        'transformer.h.0.ln_2.weight',
        'transformer.h.1.ln_1.weight',
        'transformer.h.1.ln_2.weight',
        'transformer.ln_f.weight',
      ]);
      expect(norms.map((n) => n.bias)).toEqual(norms.map((n) => n.scale?.replace('.weight', '.bias')));
      for (const norm of norms) {
        expect(norm.kind).toBe('layernorm');
        expect(norm.epsilon).toBeCloseTo(1e-5, 10);
      }
    });
  }
});

describe('tensorShapesFromConfig', () => {
  it('reads GPT-2 names from the fixture config', () => {
    const shapes = tensorShapesFromConfig(fixtureJson('config.json'));
    expect(shapes).toEqual({ modelType: 'gpt2', dModel: 32, nLayers: 2, nHeads: 2, dHead: 16, dMlp: 64, vocabSize: 300, nCtx: 64 });
    expect(hookShape(shapes, 'hook_mlp_out')).toEqual(['batch', 'seq', 32]);
  });

  it('reads generic names and defaults the MLP width', () => {
    const shapes = tensorShapesFromConfig({
      model_type: 'llama',
      hidden_size: 64,
      num_hidden_layers: 3,
      num_attention_heads: 4,
      head_dim: 32,
      vocab_size: 1000,
      max_position_embeddings: 128,
    });
    expect(shapes).toMatchObject({ dModel: 64, nLayers: 3, nHeads: 4, dHead: 32, dMlp: 256, nCtx: 128 });
  });

  it('explains what is missing', () => {
    expect(() => tensorShapesFromConfig({ n_embd: 8 })).toThrow(ModelConfigError);
    expect(() => tensorShapesFromConfig({ n_embd: 8 })).toThrow(/number of attention heads/);
    expect(() => tensorShapesFromConfig([1, 2])).toThrow(/not a JSON object/);
  });
});
