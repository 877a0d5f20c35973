import { describe, expect, it } from 'vitest';
import { readSafetensors, tensorToFloat32, tensorValues, writeSafetensors } from '../../../src/sae/formats/safetensors';

/** A file with an arbitrary header object and data bytes. */
function craft(header: unknown, data: Uint8Array | number[] = []): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function le(kind: 'u16' | 'f64' | 'i32' | 'i64', values: (number | bigint)[]): number[] {
  const size = { u16: 2, f64: 8, i32: 4, i64: 8 }[kind];
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, i) => {
    if (kind === 'u16') v.setUint16(i * 2, Number(x), true);
    else if (kind === 'f64') v.setFloat64(i * 8, Number(x), true);
    else if (kind === 'i32') v.setInt32(i * 4, Number(x), true);
    else v.setBigInt64(i * 8, BigInt(x), true);
  });
  return Array.from(new Uint8Array(v.buffer));
}

describe('safetensors writing and reading', () => {
  it('round-trips F32 tensors and metadata, with an 8-byte aligned data section', () => {
    const bytes = writeSafetensors(
      {
        W: { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -6.5) },
        scalar: { shape: [], data: Float32Array.of(Math.PI) },
        empty: { shape: [0, 4], data: new Float32Array(0) },
      },
      { step: '12', note: 'héllo' },
    );
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + headerLength) % 8).toBe(0);
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ step: '12', note: 'héllo' });
    expect([...file.tensors.keys()]).toEqual(['W', 'scalar', 'empty']);
    expect(file.tensors.get('W')!.shape).toEqual([2, 3]);
    expect(Array.from(tensorToFloat32(file.tensors.get('W')!))).toEqual([1, 2, 3, 4, 5, -6.5]);
    expect(tensorToFloat32(file.tensors.get('scalar')!)[0]).toBe(Math.fround(Math.PI));
    expect(tensorToFloat32(file.tensors.get('empty')!).length).toBe(0);
  });

  it('reads F16, BF16, F64, I32 and I64', () => {
    const f16 = le('u16', [0x3c00, 0xc000, 0x7c00, 0x0001, 0x3555]);
    const bf16 = le('u16', [0x3f80, 0x4049, 0xbf00]);
    const f64 = le('f64', [1 / 3, -2.5]);
    const i32 = le('i32', [-5, 7]);
    const i64 = le('i64', [2n ** 40n, -3n]);
    const parts = [f16, bf16, f64, i32, i64];
    const names = ['half', 'brain', 'double', 'int', 'long'];
    const dtypes = ['F16', 'BF16', 'F64', 'I32', 'I64'];
    const counts = [5, 3, 2, 2, 2];
    const header: Record<string, unknown> = {};
    let at = 0;
    parts.forEach((p, i) => {
      header[names[i]!] = { dtype: dtypes[i], shape: [counts[i]], data_offsets: [at, at + p.length] };
      at += p.length;
    });
    const file = readSafetensors(craft(header, parts.flat()));
    const half = tensorToFloat32(file.tensors.get('half')!);
    expect(Array.from(half.slice(0, 4))).toEqual([1, -2, Infinity, 2 ** -24]);
    expect(half[4]).toBeCloseTo(1 / 3, 3);
    expect(Array.from(tensorToFloat32(file.tensors.get('brain')!))).toEqual([1, 3.140625, -0.5]);
    expect(Array.from(tensorValues(file.tensors.get('double')!) as Float64Array)).toEqual([1 / 3, -2.5]);
    expect(Array.from(tensorToFloat32(file.tensors.get('double')!))).toEqual([Math.fround(1 / 3), -2.5]);
    expect(Array.from(tensorValues(file.tensors.get('int')!) as Int32Array)).toEqual([-5, 7]);
    expect(Array.from(tensorValues(file.tensors.get('long')!) as BigInt64Array)).toEqual([2n ** 40n, -3n]);
    expect(() => tensorToFloat32(file.tensors.get('int')!, 'int')).toThrow(/int has dtype I32/);
  });

  it('accepts a header padded with spaces', () => {
    const file = readSafetensors(craft('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}     ', [0, 0, 128, 63]));
    expect(tensorToFloat32(file.tensors.get('a')!)[0]).toBe(1);
  });
});

describe('safetensors validation', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const eight = new Array(8).fill(0);
  it.each<[string, Uint8Array, RegExp]>([
    ['a tiny file', new Uint8Array(5), /only 5 bytes/],
    ['a header longer than the file', (() => { const b = craft(ok, eight); new DataView(b.buffer).setUint32(0, 10_000, true); return b; })(), /Truncated.*header claims 10000/],
    ['an absurd header length', (() => { const b = craft(ok, eight); new DataView(b.buffer).setUint32(4, 1, true); return b; })(), /implausibly large/],
    ['a header that is not JSON', craft('{"a": ', eight), /not valid UTF-8 JSON/],
    ['a header that is an array', craft([1, 2]), /expected a JSON object/],
    ['an unknown dtype', craft({ a: { dtype: 'F31', shape: [2], data_offsets: [0, 8] } }, eight), /unknown dtype "F31"/],
    ['a bad shape', craft({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, eight), /invalid shape/],
    ['reversed offsets', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, eight), /invalid data_offsets/],
    ['a size that does not match the shape', craft({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight), /needs 12 bytes but its offsets span 8/],
    ['offsets past the end (truncated data)', craft(ok, [0, 0, 0, 0]), /Truncated.*ends at byte 8.*only 4/],
    ['overlapping tensors', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /overlaps/],
    ['a hole between tensors', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /bytes 0–4 of the data belong to no tensor/],
    ['trailing bytes', craft(ok, [...eight, 1, 2]), /2 trailing bytes/],
    ['non-string metadata', craft({ __metadata__: { step: 3 }, ...ok }, eight), /__metadata__.step is not a string/],
  ])('rejects %s', (_what, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(message);
  });

  it('refuses to write values that do not match their shape', () => {
    expect(() => writeSafetensors({ a: { shape: [3], data: new Float32Array(2) } })).toThrow(/2 values/);
  });
});
