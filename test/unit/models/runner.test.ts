// The runner's pieces on the tiny GPT-2 with ORT's WebAssembly backend: batching, the cut-down hook model
// (same activations as the full one), feeds, and the next-token readout of a prompt.
import { describe, expect, test } from 'vitest';
import { decodeModel, exposeOutputs, findHookPoints } from '../../../src/lm/graph';
import { hookModel } from '../../../src/lm/runner/hook-model';
import { buildLmBatch, LmBatchError, promptBatch } from '../../../src/lm/runner/lm-inputs';
import { LmSession } from '../../../src/lm/runner/lm-session';
import { topNextTokens } from '../../../src/lm/runner/top-tokens';
import { maxAbsDiff, ort } from '../lm/ort-helpers';
import { tinyFile } from './helpers';

describe('buildLmBatch', () => {
  test('ids, mask and positions for full and padded windows; kept positions skip padding', () => {
    const batch = buildLmBatch({ tokens: Uint16Array.from([5, 6, 7, 8, 9, 0]), lengths: Uint32Array.from([3, 2]), rows: 2, contextLength: 3 }, { padId: 299 });
    expect(batch.seq).toBe(3);
    expect([...batch.inputIds]).toEqual([5n, 6n, 7n, 8n, 9n, 299n]);
    expect([...batch.attentionMask]).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
    expect([...batch.positionIds]).toEqual([0n, 1n, 2n, 0n, 1n, 1n]);
    expect([...batch.keep]).toEqual([0, 1, 2, 3, 4]);
  });

  test('a prepended BOS shifts every window by one and its position is left out', () => {
    const batch = buildLmBatch({ tokens: Uint32Array.from([5, 6, 8, 9]), lengths: null, rows: 2, contextLength: 2 }, { prependBos: 299 });
    expect(batch.seq).toBe(3);
    expect([...batch.inputIds]).toEqual([299n, 5n, 6n, 299n, 8n, 9n]);
    expect([...batch.positionIds]).toEqual([0n, 1n, 2n, 0n, 1n, 2n]);
    expect([...batch.keep]).toEqual([1, 2, 4, 5]);
  });

  test('refuses mismatched sizes', () => {
    expect(() => buildLmBatch({ tokens: new Uint16Array(5), lengths: null, rows: 2, contextLength: 3 })).toThrow(LmBatchError);
    expect(() => buildLmBatch({ tokens: new Uint16Array(6), lengths: new Uint32Array(1), rows: 2, contextLength: 3 })).toThrow(LmBatchError);
  });
});

describe('topNextTokens', () => {
  test('softmax probabilities of the k best ids at a position, best first', () => {
    const logits = Float32Array.from([0, 0, 0, 0, /* position 1 */ 1, 3, 2, -1]);
    const top = topNextTokens(logits, 4, 1, 2);
    expect(top.map((t) => t.id)).toEqual([1, 2]);
    const z = Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(-1);
    expect(top[0]!.probability).toBeCloseTo(Math.exp(3) / z, 12);
    expect(top[1]!.probability).toBeCloseTo(Math.exp(2) / z, 12);
    expect(() => topNextTokens(logits, 4, 2, 1)).toThrow(RangeError);
  });
});

describe('hook model and session (ORT wasm)', { timeout: 30_000 }, () => {
  const bytes = tinyFile('model.onnx');
  const model = decodeModel(bytes);
  const detection = findHookPoints(model);
  if (!detection.ok) throw new Error(detection.reason);
  const hooks = [detection.layers[0]!.residPost, detection.layers[1]!.mlpOut];

  test('the cut-down model returns exactly the full model’s activations, and nothing else', async () => {
    const cut = hookModel(model, hooks);
    expect(cut.outputs).toEqual(hooks);
    expect(cut.bytes.length).toBeLessThan(bytes.length);
    const batch = buildLmBatch({ tokens: Uint16Array.from([10, 20, 30, 40, 50, 60, 70, 0]), lengths: Uint32Array.from([4, 3]), rows: 2, contextLength: 4 });

    const small = await LmSession.create(ort, cut.bytes);
    expect(small.backend).toBe('wasm');
    expect([...small.outputNames]).toEqual(hooks);
    const got = await small.run(batch);
    const full = await LmSession.create(ort, exposeOutputs(model, hooks));
    const want = await full.run(batch, hooks);
    for (const name of hooks) {
      expect(got[name]!.dims).toEqual([2, 4, 32]);
      expect(maxAbsDiff(got[name]!.data as Float32Array, want[name]!.data as Float32Array)).toBeLessThan(1e-5);
    }
    await small.release();
    await full.release();
  });

  test('a prompt’s logits give next-token probabilities that sum to at most 1', async () => {
    const session = await LmSession.create(ort, bytes);
    const out = await session.run(promptBatch([1, 2, 3]), ['logits']);
    const logits = out.logits!.data as Float32Array;
    expect(out.logits!.dims).toEqual([1, 3, 300]);
    const top = topNextTokens(logits, 300, 2, 5);
    expect(top).toHaveLength(5);
    const sum = top.reduce((s, t) => s + t.probability, 0);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThanOrEqual(1 + 1e-9);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.logit).toBeGreaterThanOrEqual(top[i]!.logit);
    await session.release();
  });

  test('an input the runner cannot fill is a clear error', async () => {
    const renamed = decodeModel(bytes);
    const input = renamed.graph!.input!.find((i) => i.name === 'attention_mask')!;
    input.name = 'pixel_values';
    for (const node of renamed.graph!.node!) node.input = node.input!.map((n) => (n === 'attention_mask' ? 'pixel_values' : n));
    const { encodeModel } = await import('../../../src/lm/graph');
    const session = await LmSession.create(ort, encodeModel(renamed));
    expect(() => session.feeds(promptBatch([1]))).toThrow(/"pixel_values"/);
    await session.release();
  });
});
