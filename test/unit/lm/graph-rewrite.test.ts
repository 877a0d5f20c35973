import { describe, expect, it } from 'vitest';
import { decodeModel, OnnxGraphError, type ModelProto } from '../../../src/lm/graph/onnx-proto';
import { findHookPoints, type HookKind } from '../../../src/lm/graph/hook-points';
import { exposeOutputs } from '../../../src/lm/graph/expose';
import { splitAtHook } from '../../../src/lm/graph/split';
import { injectAdd } from '../../../src/lm/graph/inject';
import { unembedding } from '../../../src/lm/graph/unembedding';
import { gpt2Forward } from '../../../src/lm/reference/gpt2-forward';
import { gpt2WeightsFromModel } from '../../../src/lm/reference/gpt2-weights';
import { createSession, fixtureBytes, int64Tensor, maxAbsDiff, ort, runFloat } from './ort-helpers';
import { scrambleNames } from './scramble';

const TOKENS = [
  [12, 140, 7, 299, 33, 258, 90, 4],
  [0, 0, 61, 17, 280, 5, 101, 76],
];
// The second row is left-padded: its first two positions are padding.
const MASK = [
  [1, 1, 1, 1, 1, 1, 1, 1],
  [0, 0, 1, 1, 1, 1, 1, 1],
];
const feeds = () => ({ input_ids: int64Tensor(TOKENS), attention_mask: int64Tensor(MASK) });
const D = 32;

function hooks(model: ModelProto) {
  const detection = findHookPoints(model);
  if (!detection.ok) throw new Error(detection.reason);
  return detection;
}

/** Reference activations [batch·seq·d] at a hook, real (unpadded) positions only compared by callers. */
function referenceActivation(model: ModelProto, layer: number, kind: HookKind): Float64Array {
  const weights = gpt2WeightsFromModel(model, { nHead: 2, layerNormEpsilon: 1e-5 });
  const rows = TOKENS.map((row, b) => {
    let captured = new Float64Array(0);
    gpt2Forward(weights, row, {
      attentionMask: MASK[b] ?? [],
      hook: (site, activation) => {
        if (site.layer === layer && site.kind === kind) captured = activation.slice();
      },
    });
    return captured;
  });
  return Float64Array.from(rows.flatMap((r) => Array.from(r)));
}

/** Zeroes the padded positions so comparisons skip them (padding rows attend to nothing real). */
function realPositions(values: ArrayLike<number>, width: number): number[] {
  const seq = TOKENS[0]?.length ?? 0;
  return Array.from(values, (v, i) => (MASK[Math.floor(i / (seq * width))]?.[Math.floor(i / width) % seq] ? v : 0));
}

describe.each(['model.onnx', 'model_fused_ln.onnx'])('graph rewrites on %s', (file) => {
  const bytes = fixtureBytes(file);
  const model = decodeModel(bytes);

  it('exposeOutputs makes ORT return every hook tensor, matching the float64 reference', async () => {
    const detection = hooks(model);
    const exposed = exposeOutputs(model, detection.hookPoints.map((h) => h.tensor));
    const outputs = await runFloat(await createSession(exposed), feeds());
    for (const hook of detection.hookPoints) {
      const got = outputs[hook.tensor];
      expect(got?.dims, hook.name).toEqual([2, 8, D]);
      const expected = referenceActivation(model, hook.layer, hook.kind);
      expect(maxAbsDiff(realPositions(got?.data ?? [], D), realPositions(expected, D)), hook.name).toBeLessThan(1e-4);
    }
    // The last resid_post is exactly what the final LayerNorm reads.
    const last = detection.layers[detection.layers.length - 1];
    expect(detection.finalNorm.input).toBe(last?.residPost);
    const withNormInput = await runFloat(await createSession(exposeOutputs(model, [detection.finalNorm.input])), feeds());
    expect(maxAbsDiff(withNormInput[detection.finalNorm.input]?.data ?? [], outputs[last?.residPost ?? '']?.data ?? [])).toBe(0);
  });

  it('exposeOutputs rejects names that are not activations', () => {
    expect(() => exposeOutputs(model, ['no-such-tensor'])).toThrow(OnnxGraphError);
    expect(() => exposeOutputs(model, ['transformer.wte.weight'])).toThrow(/weight, not an activation/);
  });

  it.each([
    ['blocks.0.hook_resid_pre'],
    ['blocks.0.hook_attn_out'],
    ['blocks.1.hook_resid_mid'],
    ['blocks.1.hook_resid_post'],
  ])('splitAtHook at %s: prefix then suffix reproduces the full logits within 1e-5', async (hookName) => {
    const hook = hooks(model).hookPoints.find((h) => h.name === hookName);
    if (!hook) throw new Error(`no ${hookName}`);
    const split = splitAtHook(model, hook.tensor);
    const full = await runFloat(await createSession(bytes), feeds());
    const prefixSession = await createSession(split.prefix);
    const all = feeds();
    const prefixFeeds = Object.fromEntries(split.prefixInputs.map((name) => [name, all[name as keyof typeof all]]));
    const prefixOut = await prefixSession.run(prefixFeeds);
    const suffixFeeds: Record<string, ort.Tensor> = {};
    for (const name of [split.hookTensor, ...split.carried]) suffixFeeds[name] = prefixOut[name] as ort.Tensor;
    for (const name of split.suffixInputs) suffixFeeds[name] = all[name as keyof typeof all];
    const suffixOut = await runFloat(await createSession(split.suffix), suffixFeeds);
    expect(split.suffixOutputs).toEqual(['logits']);
    expect(maxAbsDiff(suffixOut.logits?.data ?? [], full.logits?.data ?? [])).toBeLessThan(1e-5);
  });

  it('splitAtHook carries only what the suffix cannot compute from its own inputs', () => {
    const detection = hooks(model);
    const at = (name: string) => splitAtHook(model, detection.hookPoints.find((h) => h.name === name)?.tensor ?? '');
    // Before an attention block the suffix needs the attention bias built from the mask: it is carried over.
    const early = at('blocks.0.hook_resid_pre');
    expect(early.carried).toEqual(['/transformer/Add_1_output_0']);
    expect(early.prefixInputs).toEqual(['input_ids', 'attention_mask']);
    expect(early.suffixInputs).toEqual([]);
    // At mlp_out the residual add also needs the stream before the MLP.
    expect(at('blocks.1.hook_mlp_out').carried).toEqual([detection.layers[1]?.residMid]);
    // After the last attention nothing is carried; the tied unembedding is rebuilt from weights in the suffix.
    expect(at('blocks.1.hook_resid_post').carried).toEqual([]);
  });

  it('injectAdd adds a steering vector at resid_post like the reference forward does', async () => {
    const detection = hooks(model);
    const hook = detection.hookPoints.find((h) => h.name === 'blocks.0.hook_resid_post');
    if (!hook) throw new Error('no hook');
    const { model: steeredBytes, inputName } = injectAdd(model, hook.tensor);
    expect(inputName).toMatch(/^steer_/);
    const session = await createSession(steeredBytes);
    const zero = await runFloat(session, { ...feeds(), [inputName]: new ort.Tensor('float32', new Float32Array(D), [D]) });
    const full = await runFloat(await createSession(bytes), feeds());
    expect(maxAbsDiff(zero.logits?.data ?? [], full.logits?.data ?? [])).toBe(0);

    const vector = Float32Array.from({ length: D }, (_, i) => Math.sin(i) * 2);
    const steered = await runFloat(session, { ...feeds(), [inputName]: new ort.Tensor('float32', vector, [D]) });
    const weights = gpt2WeightsFromModel(model, { nHead: 2, layerNormEpsilon: 1e-5 });
    const expected = TOKENS.flatMap((row, b) =>
      Array.from(
        gpt2Forward(weights, row, {
          attentionMask: MASK[b] ?? [],
          hook: (site, activation) =>
            site.layer === 0 && site.kind === 'hook_resid_post' ? activation.map((v, i) => v + (vector[i % D] as number)) : undefined,
        }),
      ),
    );
    const diff = maxAbsDiff(realPositions(steered.logits?.data ?? [], 300), realPositions(expected, 300));
    expect(diff).toBeLessThan(1e-4);
    expect(maxAbsDiff(steered.logits?.data ?? [], full.logits?.data ?? [])).toBeGreaterThan(0.1);
  });

  it('unembedding reads the tied W_U and the final LayerNorm', () => {
    const weights = gpt2WeightsFromModel(model, { nHead: 2, layerNormEpsilon: 1e-5 });
    const head = unembedding(model);
    expect([head.dModel, head.vocabSize]).toEqual([32, 300]);
    // W_U [d, V] is wteᵀ.
    for (const [j, v] of [[0, 0], [5, 17], [31, 299]] as const) {
      expect(head.weight[j * 300 + v]).toBe(weights.wte[v * 32 + j]);
    }
    expect(head.bias).toBeUndefined();
    expect(head.finalNorm.kind).toBe('layernorm');
    expect(head.finalNorm.scale).toEqual(weights.lnF.weight);
    expect(head.finalNorm.bias).toEqual(weights.lnF.bias);
    expect(head.finalNorm.input).toBe(hooks(model).finalNorm.input);
  });

  it('works the same on a model with scrambled names', async () => {
    const { model: scrambled } = scrambleNames(model, 5);
    const detection = hooks(scrambled);
    const hook = detection.hookPoints.find((h) => h.name === 'blocks.1.hook_resid_pre');
    if (!hook) throw new Error('no hook');
    const split = splitAtHook(scrambled, hook.tensor);
    const inputs = scrambled.graph?.input?.map((i) => i.name ?? '') ?? [];
    const all = { [inputs[0] ?? '']: int64Tensor(TOKENS), [inputs[1] ?? '']: int64Tensor(MASK) };
    const prefixOut = await (await createSession(split.prefix)).run(Object.fromEntries(split.prefixInputs.map((n) => [n, all[n] as ort.Tensor])));
    const suffixFeeds: Record<string, ort.Tensor> = {};
    for (const name of [split.hookTensor, ...split.carried]) suffixFeeds[name] = prefixOut[name] as ort.Tensor;
    for (const name of split.suffixInputs) suffixFeeds[name] = all[name] as ort.Tensor;
    const suffixOut = await runFloat(await createSession(split.suffix), suffixFeeds);
    const full = await runFloat(await createSession(bytes), feeds());
    expect(maxAbsDiff(Object.values(suffixOut)[0]?.data ?? [], full.logits?.data ?? [])).toBeLessThan(1e-5);
  });
});
