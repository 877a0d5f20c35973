import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../../src/sae/formats/npy';

/** A .npy file with a given version, header text and data bytes (header padded to 64 like NumPy). */
function craft(version: 1 | 2 | 3, dict: string, data: number[]): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const enc = new TextEncoder();
  let header = dict;
  while ((prefix + enc.encode(header).length + 1) % 64 !== 0) header += ' ';
  const h = enc.encode(header + '\n');
  const out = new Uint8Array(prefix + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, h.length, true);
  else v.setUint32(8, h.length, true);
  out.set(h, prefix);
  out.set(data, prefix + h.length);
  return out;
}

function bytesOf(kind: 'f8le' | 'f4be' | 'f2le', values: number[]): number[] {
  const size = kind === 'f8le' ? 8 : kind === 'f4be' ? 4 : 2;
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, i) => {
    if (kind === 'f8le') v.setFloat64(8 * i, x, true);
    else if (kind === 'f4be') v.setFloat32(4 * i, x, false);
    else v.setUint16(2 * i, x, true);
  });
  return Array.from(new Uint8Array(v.buffer));
}

describe('npy', () => {
  it('writes NumPy’s own v1 layout and reads it back', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, -6);
    const bytes = writeNpy(data, [2, 3]);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    expect(header.endsWith('\n')).toBe(true);
    const back = readNpy(bytes);
    expect(back.shape).toEqual([2, 3]);
    expect(back.data).toEqual(data);
    expect(back.sourceDtype).toBe('<f4');
    expect(readNpy(writeNpy(Float32Array.of(7), [1])).shape).toEqual([1]);
    expect(readNpy(writeNpy(Float32Array.of(7), [])).shape).toEqual([]);
  });

  it('reads float64 (v1), big-endian float32 (v2) and float16 (v3) in C order', () => {
    const f8 = readNpy(craft(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", bytesOf('f8le', [0.5, -1, 1 / 3])));
    expect(Array.from(f8.data)).toEqual([0.5, -1, Math.fround(1 / 3)]);
    const f4 = readNpy(craft(2, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 1), }", bytesOf('f4be', [1.5, 2.25])));
    expect(f4.shape).toEqual([2, 1]);
    expect(Array.from(f4.data)).toEqual([1.5, 2.25]);
    const f2 = readNpy(craft(3, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", bytesOf('f2le', [0x3c00, 0xc000])));
    expect(Array.from(f2.data)).toEqual([1, -2]);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['a file without the signature', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), /missing the \\x93NUMPY signature/],
    ['Fortran order', craft(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new Array(16).fill(0)), /Fortran.*np\.ascontiguousarray/],
    ['an integer dtype', craft(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", new Array(8).fill(0)), /dtype '<i4'.*float16, float32 and float64/],
    ['truncated data', craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new Array(8).fill(0)), /Truncated .npy file.*needs 16.*only 8/],
    ['extra data', craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new Array(8).fill(0)), /4 bytes follow the data/],
    ['an unknown version', (() => { const b = craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]); b[6] = 4; return b; })(), /version 4/],
    ['a header without shape', craft(1, "{'descr': '<f4', 'fortran_order': False, }", []), /needs descr, fortran_order and shape/],
  ])('rejects %s', (_what, bytes, message) => {
    expect(() => readNpy(bytes)).toThrow(message);
  });

  it('refuses to write values that do not match the shape', () => {
    expect(() => writeNpy(new Float32Array(3), [2, 2])).toThrow(/3 values as shape \(2, 2\)/);
  });
});
