// NumPy .npy arrays: magic "\x93NUMPY", version (1, 2 or 3), header length (u16 for v1, u32 after), a
// Python-literal header {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces
// and ending in '\n', then the raw data. We read float16/32/64 (either byte order) in C order into
// Float32Array and write little-endian float32.
import { float16ToFloat32 } from './safetensors';

export class NpyError extends Error {
  override name = 'NpyError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyArray {
  shape: number[];
  data: Float32Array;
  /** the descr found in the file, e.g. '<f8' */
  sourceDtype: string;
}

function headerField(header: string, key: string): string | undefined {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*('[^']*'|"[^"]*"|True|False|\\([^)]*\\))`).exec(header);
  return m?.[1];
}

export function readNpy(file: Uint8Array): NpyArray {
  if (file.length < 10 || !MAGIC.every((b, i) => file[i] === b)) throw new NpyError('Not a .npy file (missing the \\x93NUMPY signature).');
  const major = file[6]!;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (file.length < 12) throw new NpyError('Truncated .npy file: the header length is cut off.');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw new NpyError(`Unsupported .npy format version ${major}.${file[7]} (1, 2 and 3 are known).`);
  }
  if (headerStart + headerLength > file.length) throw new NpyError('Truncated .npy file: the header is cut off.');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(file.subarray(headerStart, headerStart + headerLength)).trim();
  if (!header.startsWith('{') || !header.endsWith('}')) throw new NpyError(`Bad .npy header: expected a dictionary, got ${JSON.stringify(header.slice(0, 80))}.`);

  const descrField = headerField(header, 'descr');
  const fortranField = headerField(header, 'fortran_order');
  const shapeField = headerField(header, 'shape');
  if (!descrField || !fortranField || !shapeField) throw new NpyError('Bad .npy header: it needs descr, fortran_order and shape.');
  if (fortranField === 'True') {
    throw new NpyError('This .npy array is stored in Fortran (column-major) order; save it in C order, e.g. np.save(path, np.ascontiguousarray(a)).');
  }
  if (fortranField !== 'False') throw new NpyError(`Bad .npy header: fortran_order is ${fortranField}.`);
  const descr = descrField.slice(1, -1);
  const shapeText = shapeField.slice(1, -1).trim();
  const shape = shapeText === '' ? [] : shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => Number(s.replace(/L$/, '')));
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new NpyError(`Bad .npy header: shape (${shapeText}) is not a tuple of sizes.`);

  const m = /^([<>|=])f([248])$/.exec(descr);
  if (!m) throw new NpyError(`This .npy array has dtype '${descr}'; miStudio reads float16, float32 and float64 arrays.`);
  const littleEndian = m[1] !== '>';
  const itemSize = Number(m[2]);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  const available = file.length - dataStart;
  if (available < count * itemSize) throw new NpyError(`Truncated .npy file: shape (${shape.join(', ')}) needs ${count * itemSize} data bytes, only ${available} are there.`);
  if (available > count * itemSize) throw new NpyError(`Bad .npy file: ${available - count * itemSize} bytes follow the data for shape (${shape.join(', ')}).`);

  const data = new Float32Array(count);
  if (itemSize === 4) for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, littleEndian);
  else if (itemSize === 8) for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, littleEndian);
  else data.set(float16ToFloat32(Uint16Array.from({ length: count }, (_, i) => view.getUint16(dataStart + 2 * i, littleEndian))));
  return { shape, data, sourceDtype: descr };
}

/** Writes little-endian float32 in C order; version 1 unless the header needs more than 65535 bytes. */
export function writeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== data.length) {
    throw new NpyError(`Cannot write ${data.length} values as shape (${shape.join(', ')}).`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const version = dict.length + 11 > 65535 ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  // pad so the data starts on a 64-byte boundary, as NumPy does
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat32(total + 4 * i, data[i]!, true);
  return out;
}
