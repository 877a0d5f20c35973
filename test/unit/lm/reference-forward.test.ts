import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/lm/graph/onnx-proto';
import { gpt2Forward } from '../../../src/lm/reference/gpt2-forward';
import { gpt2WeightsFromModel } from '../../../src/lm/reference/gpt2-weights';
import { createSession, fixtureBytes, int64Tensor, maxAbsDiff, runFloat } from './ort-helpers';

const TOKENS = [
  [5, 17, 260, 88, 3, 299, 42, 120, 7, 1, 250, 64],
  [44, 2, 9, 281, 13, 77, 150, 0, 31, 200, 199, 6],
];

describe('CPU float64 reference forward', () => {
  for (const file of ['model.onnx', 'model_fused_ln.onnx']) {
    it(`matches ONNX Runtime (wasm) logits within 1e-4 on ${file}`, async () => {
      const bytes = fixtureBytes(file);
      const weights = gpt2WeightsFromModel(decodeModel(bytes), { nHead: 2, layerNormEpsilon: 1e-5 });
      const session = await createSession(bytes);
      const mask = TOKENS.map((row) => row.map(() => 1));
      const { logits } = await runFloat(session, { input_ids: int64Tensor(TOKENS), attention_mask: int64Tensor(mask) });
      expect(logits?.dims).toEqual([2, 12, 300]);
      const expected = TOKENS.flatMap((row) => Array.from(gpt2Forward(weights, row)));
      const diff = maxAbsDiff(logits?.data ?? [], expected);
      console.log(file, diff, Math.max(...expected.map(Math.abs)));
      expect(diff).toBeLessThan(1e-4);
    });
  }
});
