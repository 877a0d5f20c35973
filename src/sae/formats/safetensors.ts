// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}), then the tensor
// bytes (little-endian, offsets relative to the end of the header). Reading checks everything the
// reference implementation checks; writing emits F32 only.

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Bytes per element of every dtype the format defines (reading converts only some of them). */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1,
  U16: 2, I16: 2, F16: 2, BF16: 2,
  U32: 4, I32: 4, F32: 4,
  U64: 8, I64: 8, F64: 8,
};

/** The reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SafetensorsTensor {
  dtype: string;
  shape: number[];
  /** the tensor's raw little-endian bytes (a view into the file) */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Parses and validates a whole .safetensors file. Tensor bytes are views into `file`, not copies. */
export function readSafetensors(file: Uint8Array): SafetensorsFile {
  if (file.length < 8) throw new SafetensorsError(`Not a safetensors file: only ${file.length} bytes (the header length alone takes 8).`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLength = hi * 2 ** 32 + lo;
  if (headerLength > MAX_HEADER_BYTES) throw new SafetensorsError(`Not a safetensors file: header length ${headerLength} is implausibly large.`);
  if (8 + headerLength > file.length) {
    throw new SafetensorsError(`Truncated safetensors file: the header claims ${headerLength} bytes but only ${file.length - 8} follow.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength)));
  } catch (e) {
    throw new SafetensorsError(`Bad safetensors header: not valid UTF-8 JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (!isRecord(header)) throw new SafetensorsError('Bad safetensors header: expected a JSON object.');

  const dataStart = 8 + headerLength;
  const dataLength = file.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(entry)) throw new SafetensorsError('Bad safetensors header: __metadata__ must be an object of strings.');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw new SafetensorsError(`Bad safetensors header: __metadata__.${k} is not a string.`);
        metadata[k] = v;
      }
      continue;
    }
    if (!isRecord(entry)) throw new SafetensorsError(`Bad safetensors header: tensor "${name}" is not an object.`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
      throw new SafetensorsError(`Bad safetensors header: tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}.`);
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) {
      throw new SafetensorsError(`Bad safetensors header: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}.`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw new SafetensorsError(`Bad safetensors header: tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}.`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      throw new SafetensorsError(`Truncated safetensors file: tensor "${name}" ends at byte ${end} of the data, which has only ${dataLength}.`);
    }
    const expected = numel(shape as number[]) * DTYPE_BYTES[dtype]!;
    if (end - begin !== expected) {
      throw new SafetensorsError(`Bad safetensors header: tensor "${name}" (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but its offsets span ${end - begin}.`);
    }
    tensors.set(name, { dtype, shape: [...(shape as number[])], bytes: file.subarray(dataStart + begin, dataStart + end) });
    spans.push({ name, begin, end });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of spans) {
    if (s.begin < covered) throw new SafetensorsError(`Bad safetensors file: tensor "${s.name}" overlaps another tensor's bytes.`);
    if (s.begin > covered) throw new SafetensorsError(`Bad safetensors file: bytes ${covered}–${s.begin} of the data belong to no tensor.`);
    covered = s.end;
  }
  if (covered !== dataLength) throw new SafetensorsError(`Bad safetensors file: ${dataLength - covered} trailing bytes belong to no tensor.`);
  return { tensors, metadata };
}

/** A copy of `bytes` in a fresh, aligned buffer. */
function alignedCopy(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** IEEE binary16 words to float32 values. */
export function float16ToFloat32(words: Uint16Array): Float32Array {
  const out = new Float32Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = halfToFloat(words[i]!);
  return out;
}

function readWords16(bytes: Uint8Array): Uint16Array {
  if (LITTLE_ENDIAN_HOST) return new Uint16Array(alignedCopy(bytes));
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint16Array.from({ length: bytes.length / 2 }, (_, i) => v.getUint16(2 * i, true));
}

/** A floating-point tensor (F32, F16, BF16 or F64) as float32 values. */
export function tensorToFloat32(t: SafetensorsTensor, name = 'tensor'): Float32Array {
  const v = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  switch (t.dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST) return new Float32Array(alignedCopy(t.bytes));
      return Float32Array.from({ length: t.bytes.length / 4 }, (_, i) => v.getFloat32(4 * i, true));
    case 'F64':
      return Float32Array.from({ length: t.bytes.length / 8 }, (_, i) => v.getFloat64(8 * i, true));
    case 'F16':
      return float16ToFloat32(readWords16(t.bytes));
    case 'BF16': {
      // bfloat16 is the top half of a float32
      const words = readWords16(t.bytes);
      const bits = new Uint32Array(words.length);
      for (let i = 0; i < words.length; i++) bits[i] = words[i]! << 16;
      return new Float32Array(bits.buffer);
    }
    default:
      throw new SafetensorsError(`${name} has dtype ${t.dtype}; a floating-point tensor (F32, F16, BF16, F64) was expected.`);
  }
}

/** A tensor's values in their own precision: F32/F16/BF16 → Float32Array, F64, I32, I64 natively. */
export function tensorValues(t: SafetensorsTensor, name = 'tensor'): Float32Array | Float64Array | Int32Array | BigInt64Array {
  const v = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  switch (t.dtype) {
    case 'F64':
      return Float64Array.from({ length: t.bytes.length / 8 }, (_, i) => v.getFloat64(8 * i, true));
    case 'I32':
      return Int32Array.from({ length: t.bytes.length / 4 }, (_, i) => v.getInt32(4 * i, true));
    case 'I64':
      return BigInt64Array.from({ length: t.bytes.length / 8 }, (_, i) => v.getBigInt64(8 * i, true));
    default:
      return tensorToFloat32(t, name);
  }
}

export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Serialises F32 tensors (in the given order) and string metadata. The header is padded with spaces so
 * the data starts 8-byte aligned, as the reference writer does.
 */
export function writeSafetensors(tensors: Record<string, Float32Tensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new SafetensorsError('"__metadata__" cannot be a tensor name.');
    if (!t.shape.every(isCount) || numel(t.shape) !== t.data.length) {
      throw new SafetensorsError(`Tensor "${name}" has ${t.data.length} values, which does not match shape [${t.shape.join(', ')}].`);
    }
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    if (LITTLE_ENDIAN_HOST) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i]!, true);
    at += t.data.byteLength;
  }
  return out;
}
