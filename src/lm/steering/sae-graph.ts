// An SAE as a small ONNX graph, run between a model's prefix and suffix (splitAtHook): it reads the hook
// activation and returns what the suffix should see instead. ORT runs it on the same device as the model, so
// large SAEs cost what a matmul costs there, and Node tests run the very same graph with the wasm backend.
//
//   x ─(− b_dec)─ W_enc + b_enc ─ activation ─ z ─(edits)─ z' ─ W_dec + b_dec ─ x̂'
//   output 'reconstruction':  x̂'                        (evaluation: the SAE replaces the activation)
//   output 'keep-error':      x + (z' − z)·W_dec         (ablation/clamping: only the edited features change)
// With `stats`, it also returns L0 per position and, for positions where `mask` is 1, how often each
// latent fired (for dead/dense fractions) — reduced on the device, so z itself never leaves it.
import { AttributeType, DataType, encodeModel, type NodeProto, type TensorProto, type ValueInfoProto } from '../graph/onnx-proto';
import type { SaeParams } from '../../sae/config';

export type SpliceOutput = 'reconstruction' | 'keep-error';

/** The SAE as inference needs it (what SAELens import yields). */
export interface SpliceSae {
  architecture: 'relu' | 'topk' | 'jumprelu';
  dIn: number;
  dSae: number;
  k?: number;
  applyBDecToInput: boolean;
  params: SaeParams;
}

export interface FeatureClamp {
  index: number;
  value: number;
}

export interface SaeSpliceOptions {
  output: SpliceOutput;
  /** latents set to 0 at every position */
  ablate?: readonly number[];
  /** latents set to a fixed value at every position */
  clamp?: readonly FeatureClamp[];
  /** add outputs 'l0' [batch, seq] and 'fires' [d_sae] (needs input 'mask' [batch, seq], float 1/0) */
  stats?: boolean;
  /** the hook activation's element type (float32, or float16 for half-precision exports) */
  elemType?: number;
}

export const SPLICE_IO = { input: 'x', mask: 'mask', output: 'x_out', l0: 'l0', fires: 'fires' } as const;

export class SaeSpliceError extends Error {
  override readonly name = 'SaeSpliceError';
}

class Graph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private count = 0;

  node(opType: string, inputs: string[], attribute: NodeProto['attribute'] = [], outputs = 1): string[] {
    const name = `${opType}_${this.count++}`;
    const out = Array.from({ length: outputs }, (_, i) => `${name}_out${i}`);
    this.nodes.push({ name, opType, input: inputs, output: out, attribute });
    return out;
  }

  /** A one-output node; `output` names its result (a graph output), else a fresh name is used. */
  one(opType: string, inputs: string[], attribute: NodeProto['attribute'] = [], output?: string): string {
    const [name] = this.node(opType, inputs, attribute);
    if (output === undefined) return name;
    this.nodes[this.nodes.length - 1].output = [output];
    return output;
  }

  floats(name: string, values: Float32Array, dims: number[]): string {
    const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    this.initializers.push({ name, dataType: DataType.FLOAT, dims, rawData: raw });
    return name;
  }

  ints(name: string, values: number[]): string {
    const raw = new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
    this.initializers.push({ name, dataType: DataType.INT64, dims: [values.length], rawData: raw });
    return name;
  }
}

const intAttr = (name: string, i: number) => ({ name, type: AttributeType.INT, i });

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

function checkEdits(sae: SpliceSae, options: SaeSpliceOptions): void {
  const latent = (i: number, what: string) => {
    if (!Number.isInteger(i) || i < 0 || i >= sae.dSae) throw new SaeSpliceError(`Cannot ${what} feature ${i}: this SAE has features 0 to ${sae.dSae - 1}.`);
  };
  for (const i of options.ablate ?? []) latent(i, 'ablate');
  for (const c of options.clamp ?? []) {
    latent(c.index, 'clamp');
    if (!Number.isFinite(c.value)) throw new SaeSpliceError(`Feature ${c.index} must be clamped to a finite value.`);
  }
}

/** The ONNX model bytes of the splice: input 'x' [batch, seq, d_in] (+ 'mask'), output 'x_out' (+ stats). */
export function buildSaeSpliceModel(sae: SpliceSae, options: SaeSpliceOptions): Uint8Array {
  const { dIn, dSae, params } = sae;
  checkEdits(sae, options);
  if (sae.architecture === 'topk' && (!sae.k || sae.k < 1 || sae.k > dSae)) throw new SaeSpliceError(`A TopK SAE needs k between 1 and ${dSae}.`);
  if (sae.architecture === 'jumprelu' && !params.log_threshold) throw new SaeSpliceError('A JumpReLU SAE needs its thresholds.');
  const elemType = options.elemType ?? DataType.FLOAT;
  if (elemType !== DataType.FLOAT && elemType !== DataType.FLOAT16) {
    throw new SaeSpliceError('The hook activation is neither float32 nor float16, so an SAE cannot be spliced there.');
  }
  const g = new Graph();
  const x = elemType === DataType.FLOAT ? SPLICE_IO.input : g.one('Cast', [SPLICE_IO.input], [intAttr('to', DataType.FLOAT)]);
  const wEnc = g.floats('W_enc', params.W_enc, [dIn, dSae]);
  // weights are added when first used: keep-error without edits never decodes
  let wDecName: string | undefined;
  const wDec = () => (wDecName ??= g.floats('W_dec', params.W_dec, [dSae, dIn]));
  let bDecName: string | undefined;
  const bDec = () => (bDecName ??= g.floats('b_dec', params.b_dec, [dIn]));
  const xIn = sae.applyBDecToInput ? g.one('Sub', [x, bDec()]) : x;
  const pre = g.one('Add', [g.one('MatMul', [xIn, wEnc]), g.floats('b_enc', params.b_enc, [dSae])]);

  let z: string;
  if (sae.architecture === 'relu') {
    z = g.one('Relu', [pre]);
  } else if (sae.architecture === 'jumprelu') {
    const theta = g.floats('threshold', Float32Array.from(params.log_threshold ?? [], Math.exp), [dSae]);
    z = g.one('Mul', [pre, g.one('Cast', [g.one('Greater', [pre, theta])], [intAttr('to', DataType.FLOAT)])]);
  } else {
    // the k largest pre-activations per position, relu'd, scattered back into zeros
    const [values, indices] = g.node('TopK', [pre, g.ints('k', [sae.k ?? 1])], [intAttr('axis', -1), intAttr('largest', 1), intAttr('sorted', 1)], 2);
    const zeros = g.one('ConstantOfShape', [g.one('Shape', [pre])], [{ name: 'value', type: AttributeType.TENSOR, t: { dataType: DataType.FLOAT, dims: [1], floatData: [0] } }]);
    z = g.one('ScatterElements', [zeros, indices, g.one('Relu', [values])], [intAttr('axis', -1)]);
  }

  const ablate = options.ablate ?? [];
  const clamp = options.clamp ?? [];
  let edited = z;
  if (ablate.length > 0 || clamp.length > 0) {
    const keep = new Float32Array(dSae).fill(1);
    const fixed = new Float32Array(dSae);
    for (const i of ablate) keep[i] = 0;
    for (const c of clamp) {
      keep[c.index] = 0;
      fixed[c.index] = c.value;
    }
    edited = g.one('Add', [g.one('Mul', [z, g.floats('keep', keep, [dSae])]), g.floats('fixed', fixed, [dSae])]);
  }

  let out: string;
  if (options.output === 'reconstruction') {
    out = g.one('Add', [g.one('MatMul', [edited, wDec()]), bDec()]);
  } else {
    // x + (z' − z)·W_dec: the SAE's error term and every unedited feature pass through untouched
    out = edited === z ? x : g.one('Add', [x, g.one('MatMul', [g.one('Sub', [edited, z]), wDec()])]);
  }
  if (elemType === DataType.FLOAT) g.one('Identity', [out], [], SPLICE_IO.output);
  else g.one('Cast', [out], [intAttr('to', elemType)], SPLICE_IO.output);

  const inputs = [tensorInfo(SPLICE_IO.input, elemType, ['batch', 'seq', dIn])];
  const outputs = [tensorInfo(SPLICE_IO.output, elemType, ['batch', 'seq', dIn])];
  if (options.stats) {
    inputs.push(tensorInfo(SPLICE_IO.mask, DataType.FLOAT, ['batch', 'seq']));
    const active = g.one('Cast', [g.one('Greater', [z, g.floats('zero', new Float32Array(1), [])])], [intAttr('to', DataType.FLOAT)]);
    g.one('ReduceSum', [active, g.ints('last_axis', [-1])], [intAttr('keepdims', 0)], SPLICE_IO.l0);
    const masked = g.one('Mul', [active, g.one('Unsqueeze', [SPLICE_IO.mask, g.ints('feature_axis', [-1])])]);
    g.one('ReduceSum', [masked, g.ints('position_axes', [0, 1])], [intAttr('keepdims', 0)], SPLICE_IO.fires);
    outputs.push(tensorInfo(SPLICE_IO.l0, DataType.FLOAT, ['batch', 'seq']), tensorInfo(SPLICE_IO.fires, DataType.FLOAT, [dSae]));
  }

  return encodeModel({
    irVersion: 8,
    producerName: 'mistudio',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'sae_splice', node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  });
}
