// Sessions for the graphs steering and evaluation run (a steered model, a model's prefix and suffix, an SAE
// splice) and the feeds a causal LM's own inputs need. Sessions are made by a factory that already knows the
// device and the model's external data, so the same code runs WebGPU in the studio and wasm in Node tests.
import type * as OrtModule from 'onnxruntime-web';
import { LmSessionError, type ExternalDataFile, type Ort, type OrtTensor } from '../runner/lm-session';

export type InferenceSession = OrtModule.InferenceSession;

export interface SessionFactory {
  readonly ort: Ort;
  /** a session for `model`; `withExternalData` for graphs cut from the model, whose weights may live outside it */
  create(model: Uint8Array, withExternalData?: boolean): Promise<InferenceSession>;
}

export interface SessionFactoryOptions {
  device?: GPUDevice;
  externalData?: readonly ExternalDataFile[];
  /** 'disabled' in tests that compare against a reference bit for bit */
  optimization?: 'all' | 'disabled';
}

// ORT's WebGPU EP refuses to create two sessions at once.
let creating: Promise<unknown> = Promise.resolve();

export function sessionFactory(ort: Ort, options: SessionFactoryOptions = {}): SessionFactory {
  return {
    ort,
    create(model, withExternalData = false) {
      const external = withExternalData && options.externalData?.length ? options.externalData : undefined;
      const sessionOptions: OrtModule.InferenceSession.SessionOptions = {
        executionProviders: options.device ? [{ name: 'webgpu', device: options.device }] : ['wasm'],
        graphOptimizationLevel: options.optimization ?? 'all',
        // warnings (e.g. shape ops placed on the CPU) are expected and would otherwise reach the console
        logSeverityLevel: 3,
        ...(external ? { externalData: external.map((f) => ({ path: f.path, data: f.data })) } : {}),
      };
      const run = creating.then(
        () => ort.InferenceSession.create(model, sessionOptions),
        () => ort.InferenceSession.create(model, sessionOptions),
      );
      creating = run.catch(() => undefined);
      return run.catch((cause: unknown) => {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new LmSessionError(
          `ONNX Runtime could not load a graph for steering or evaluation: ${reason}`,
          'Check that the model is a complete ONNX export (with its external data file).',
          { cause },
        );
      });
    },
  };
}

/** Rows of token ids, right-padded to one length; `lengths` tells the real tokens of each row. */
export interface TokenRows {
  batch: number;
  seq: number;
  /** batch × seq ids */
  ids: ArrayLike<number>;
  /** real tokens per row (the rest is padding); absent: all real */
  lengths?: ArrayLike<number>;
  /** KV-cache decoding: tokens already in the cache (positions start there and the mask covers them) */
  past?: number;
}

export function attentionMask(rows: TokenRows): BigInt64Array {
  const past = rows.past ?? 0;
  const width = past + rows.seq;
  const mask = new BigInt64Array(rows.batch * width);
  for (let b = 0; b < rows.batch; b++) {
    const length = past + (rows.lengths ? rows.lengths[b] : rows.seq);
    for (let t = 0; t < Math.min(length, width); t++) mask[b * width + t] = 1n;
  }
  return mask;
}

/** Whether `name` is an input this module fills from token rows. */
export function isTokenInput(name: string): boolean {
  return ['input_ids', 'attention_mask', 'position_ids', 'token_type_ids', 'use_cache_branch'].includes(name) || name.startsWith('past_key_values');
}

/**
 * Feeds for the LM inputs among `names`: ids, mask, positions (0… over real tokens, continuing after the
 * cache), zero token types, use_cache_branch, and empty past key/values unless `past` supplies them.
 */
export function tokenFeeds(
  ort: Ort,
  metadata: readonly OrtModule.InferenceSession.ValueMetadata[],
  names: readonly string[],
  rows: TokenRows,
  past: ReadonlyMap<string, OrtTensor> = new Map(),
): Record<string, OrtTensor> {
  const { Tensor } = ort;
  const pastLength = rows.past ?? 0;
  const dims = [rows.batch, rows.seq];
  const feeds: Record<string, OrtTensor> = {};
  for (const name of names) {
    const meta = metadata.find((m) => m.name === name);
    const elemType = meta?.isTensor ? meta.type : 'int64';
    if (name === 'input_ids') feeds[name] = intTensor(ort, elemType, Array.from(rows.ids), dims);
    else if (name === 'attention_mask') feeds[name] = intTensor(ort, elemType, Array.from(attentionMask(rows), Number), [rows.batch, pastLength + rows.seq]);
    else if (name === 'position_ids') {
      const positions = Array.from({ length: rows.batch * rows.seq }, (_, i) => {
        const t = i % rows.seq;
        const length = rows.lengths ? rows.lengths[Math.floor(i / rows.seq)] : rows.seq;
        return t < length ? pastLength + t : 1;
      });
      feeds[name] = intTensor(ort, elemType, positions, dims);
    } else if (name === 'token_type_ids') feeds[name] = intTensor(ort, elemType, new Array<number>(rows.batch * rows.seq).fill(0), dims);
    else if (name === 'use_cache_branch') feeds[name] = new Tensor('bool', [pastLength > 0], [1]);
    else if (name.startsWith('past_key_values')) feeds[name] = past.get(name) ?? emptyCache(ort, meta, rows.batch);
    else throw new LmSessionError(`The model asks for an input "${name}" that miStudio does not know how to fill.`, 'Use a decoder-only language model export whose inputs are input_ids, attention_mask and optionally position_ids.');
  }
  return feeds;
}

function intTensor(ort: Ort, elemType: string, values: number[], dims: number[]): OrtTensor {
  return elemType === 'int32' ? new ort.Tensor('int32', Int32Array.from(values), dims) : new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

/** [batch, heads, 0, head_dim] with the head sizes the graph declares. */
function emptyCache(ort: Ort, meta: OrtModule.InferenceSession.ValueMetadata | undefined, batch: number): OrtTensor {
  const shape = meta?.isTensor ? meta.shape : [];
  const dims = shape.map((d, i) => (i === 0 ? batch : typeof d === 'number' ? d : 0));
  if (dims.length !== 4 || dims.some((d, i) => i !== 2 && d === 0)) {
    throw new LmSessionError(
      `The model's cache input "${meta?.name ?? 'past_key_values'}" has no fixed head sizes (${JSON.stringify(shape)}).`,
      'Use an export without a KV cache (e.g. decoder_model.onnx) or one that declares its head sizes.',
    );
  }
  const half = meta?.isTensor && meta.type === 'float16';
  return half ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
}

/** A float tensor's values as float32 (half-precision outputs are widened). */
export async function floatValues(tensor: OrtTensor): Promise<Float32Array> {
  const data = tensor.location === 'cpu' ? tensor.data : await tensor.getData();
  if (data instanceof Float32Array) return data;
  if (tensor.type === 'float16' && data instanceof Uint16Array) return Float32Array.from(data, halfToFloat);
  if (typeof Float16Array !== 'undefined' && data instanceof Float16Array) return Float32Array.from(data);
  throw new LmSessionError(`Expected a float tensor, got ${tensor.type}.`, 'Use a float32 or float16 export of the model.');
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The model's logits output: 'logits' when it has one, else its first output. */
export function logitsOutput(outputNames: readonly string[]): string {
  return outputNames.includes('logits') ? 'logits' : outputNames[0];
}

/** float32 → IEEE half bits (round to nearest even), for feeding half-precision graphs. */
export function floatToHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  const mantissa = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 31) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const m = (mantissa | 0x800000) >>> (1 - exponent);
    return sign | ((m + 0xfff + ((m >>> 13) & 1)) >>> 13);
  }
  const rounded = (exponent << 10) + (mantissa >>> 13) + (((mantissa & 0x1fff) + ((mantissa >>> 13) & 1) + 0xfff) >>> 13);
  return sign | rounded;
}

/** A float tensor of the given element type ('float32' or 'float16'). */
export function floatTensor(ort: Ort, type: string, values: Float32Array, dims: readonly number[]): OrtTensor {
  return type === 'float16' ? new ort.Tensor('float16', Uint16Array.from(values, floatToHalf), dims) : new ort.Tensor('float32', values, dims);
}
