// Models whose weights live in a separate .onnx_data file, as large Hub exports do.
import { describe, expect, it } from 'vitest';
import { decodeModel, OnnxGraphError, type ModelProto } from '../../../src/lm/graph/onnx-proto';
import { inspectModel } from '../../../src/lm/graph/inspect';
import { exposeOutputs } from '../../../src/lm/graph/expose';
import { findHookPoints } from '../../../src/lm/graph/hook-points';
import { unembedding } from '../../../src/lm/graph/unembedding';
import { fixtureBytes, int64Tensor, maxAbsDiff, ort, runFloat } from './ort-helpers';

const LOCATION = 'model.onnx_data';

/** Moves every initializer of at least `minBytes` into one external buffer, like onnx.save(…, save_as_external_data=True). */
function withExternalData(model: ModelProto, minBytes: number): { model: ModelProto; data: Uint8Array } {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const initializer = (model.graph?.initializer ?? []).map((tensor) => {
    const raw = tensor.rawData;
    if (!raw || raw.byteLength < minBytes) return tensor;
    const entry = { ...tensor, rawData: new Uint8Array(0), dataLocation: 1, externalData: [
      { key: 'location', value: LOCATION },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.byteLength) },
    ] };
    chunks.push(raw);
    offset += raw.byteLength;
    return entry;
  });
  const data = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.byteLength;
  }
  return { model: { ...model, graph: { ...model.graph, initializer } }, data };
}

describe('external data', () => {
  const original = decodeModel(fixtureBytes('model.onnx'));
  const { model, data } = withExternalData(original, 1024);

  it('inspectModel counts external weights and names their file', () => {
    const summary = inspectModel(model);
    expect(summary.externalDataFiles).toEqual([LOCATION]);
    expect(summary.parameterCount).toBe(inspectModel(original).parameterCount);
  });

  it('unembedding reads W_U from the external file, and says so when it is missing', () => {
    const embedded = unembedding(original);
    const external = unembedding(model, new Map([[LOCATION, data]]));
    expect(external.weight).toEqual(embedded.weight);
    expect(() => unembedding(model)).toThrow(OnnxGraphError);
    expect(() => unembedding(model)).toThrow(/external file "model.onnx_data"/);
  });

  it('hook detection needs no weights, and exposed models still load their weights from the file', async () => {
    const detection = findHookPoints(model);
    if (!detection.ok) throw new Error(detection.reason);
    const exposed = exposeOutputs(model, [detection.finalNorm.input]);
    const session = await ort.InferenceSession.create(exposed, {
      executionProviders: ['wasm'],
      externalData: [{ path: LOCATION, data }],
    });
    const tokens = [[3, 14, 159, 26, 5]];
    const feeds = { input_ids: int64Tensor(tokens), attention_mask: int64Tensor([[1, 1, 1, 1, 1]]) };
    const fromExternal = await runFloat(session, feeds);
    const plain = await runFloat(await ort.InferenceSession.create(exposeOutputs(original, [detection.finalNorm.input])), feeds);
    expect(maxAbsDiff(fromExternal.logits?.data ?? [], plain.logits?.data ?? [])).toBe(0);
    expect(fromExternal[detection.finalNorm.input]?.dims).toEqual([1, 5, 32]);
  });
});
