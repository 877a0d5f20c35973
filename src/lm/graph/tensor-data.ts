// Reading initializer values (embedded or external data) as plain typed arrays.
import { DataType, OnnxGraphError, toNumber, type TensorProto } from './onnx-proto';
import { dataTypeName } from './data-types';

/** Bytes of external-data files (`model.onnx_data`), by the location string written in the model. */
export type ExternalDataFiles = ReadonlyMap<string, Uint8Array>;

export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(toNumber);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

export function isExternal(tensor: TensorProto): boolean {
  return tensor.dataLocation === 1;
}

/** The raw little-endian bytes of a tensor stored as raw_data, embedded or external; undefined otherwise. */
function rawBytes(tensor: TensorProto, external?: ExternalDataFiles): Uint8Array | undefined {
  if (isExternal(tensor)) {
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location') ?? '';
    const file = external?.get(location);
    if (!file) {
      throw new OnnxGraphError(
        `Tensor "${tensor.name}" keeps its values in the external file "${location}", which was not provided.`,
      );
    }
    const offset = Number(entries.get('offset') ?? '0');
    const length = entries.has('length') ? Number(entries.get('length')) : file.byteLength - offset;
    if (offset + length > file.byteLength) {
      throw new OnnxGraphError(`External data for "${tensor.name}" runs past the end of "${location}".`);
    }
    return file.subarray(offset, offset + length);
  }
  const raw = tensor.rawData;
  return raw && raw.byteLength > 0 ? raw : undefined;
}

// Copy into a fresh buffer so typed-array views are aligned (protobuf slices can start at any byte).
function aligned(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToFloat32(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}

/** A floating-point initializer as Float32Array (float16/bfloat16/float64 converted). */
export function readFloatTensor(tensor: TensorProto, external?: ExternalDataFiles): Float32Array {
  const count = elementCount(tensorDims(tensor));
  const raw = rawBytes(tensor, external);
  const type = tensor.dataType ?? 0;
  let values: Float32Array;
  switch (type) {
    case DataType.FLOAT:
      values = raw ? new Float32Array(aligned(raw)) : Float32Array.from(tensor.floatData ?? []);
      break;
    case DataType.DOUBLE:
      values = raw ? Float32Array.from(new Float64Array(aligned(raw))) : Float32Array.from(tensor.doubleData ?? []);
      break;
    case DataType.FLOAT16:
    case DataType.BFLOAT16: {
      // Without raw_data, 16-bit floats are stored one per int32_data entry.
      const bits = raw ? new Uint16Array(aligned(raw)) : Uint16Array.from(tensor.int32Data ?? []);
      const convert = type === DataType.FLOAT16 ? float16ToFloat32 : bfloat16ToFloat32;
      values = Float32Array.from(bits, convert);
      break;
    }
    default:
      throw new OnnxGraphError(
        `Tensor "${tensor.name}" holds ${dataTypeName(type)} values; a floating-point tensor was expected.`,
      );
  }
  if (values.length !== count) {
    throw new OnnxGraphError(`Tensor "${tensor.name}" has ${values.length} values but its shape needs ${count}.`);
  }
  return values;
}

/** An integer initializer (int32/int64) as plain numbers; for shapes, axes and indices. */
export function readIntTensor(tensor: TensorProto, external?: ExternalDataFiles): number[] {
  const raw = rawBytes(tensor, external);
  switch (tensor.dataType) {
    case DataType.INT64:
      return raw ? Array.from(new BigInt64Array(aligned(raw)), Number) : (tensor.int64Data ?? []).map(toNumber);
    case DataType.INT32:
      return raw ? Array.from(new Int32Array(aligned(raw))) : [...(tensor.int32Data ?? [])];
    default:
      throw new OnnxGraphError(
        `Tensor "${tensor.name}" holds ${dataTypeName(tensor.dataType ?? 0)} values; integers were expected.`,
      );
  }
}
