import { deflateSync, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/interop/crc32';
import { bytesSource } from '../../../src/interop/random-access';
import { ZipArchive } from '../../../src/interop/zip-reader';
import { collectBytes, zipStream } from '../../../src/interop/zip-writer';
import { chunked, expectInteropError, randomBytes, sameBytes } from './helpers';

const enc = new TextEncoder();

interface RawEntry {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  flags?: number;
  /** write sizes and offset as 0xFFFFFFFF with a zip64 extra field */
  zip64?: boolean;
  /** override the CRC written */
  crc?: number;
  /** override the uncompressed size written */
  size?: number;
  /** a different name in the local header */
  localName?: string;
}

/** A zip written byte by byte, to reach cases real writers never produce. */
function rawZip(entries: RawEntry[], options: { zip64End?: boolean; comment?: string } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const u16 = (v: DataView, at: number, x: number) => v.setUint16(at, x, true);
  const u32 = (v: DataView, at: number, x: number) => v.setUint32(at, x, true);
  for (const e of entries) {
    const payload = e.method === 8 ? deflateSync(e.data) : e.data;
    const name = enc.encode(e.name);
    const localName = enc.encode(e.localName ?? e.name);
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const local = new Uint8Array(30 + localName.length);
    const lv = new DataView(local.buffer);
    u32(lv, 0, 0x04034b50);
    u16(lv, 4, 20);
    u16(lv, 6, e.flags ?? 0);
    u16(lv, 8, e.method ?? 0);
    u32(lv, 14, crc);
    u32(lv, 18, payload.length);
    u32(lv, 22, size);
    u16(lv, 26, localName.length);
    local.set(localName, 30);
    const extra = e.zip64 ? new Uint8Array(4 + 24) : new Uint8Array(0);
    if (e.zip64) {
      const xv = new DataView(extra.buffer);
      u16(xv, 0, 1);
      u16(xv, 2, 24);
      xv.setBigUint64(4, BigInt(size), true);
      xv.setBigUint64(12, BigInt(payload.length), true);
      xv.setBigUint64(20, BigInt(offset), true);
    }
    const c = new Uint8Array(46 + name.length + extra.length);
    const cv = new DataView(c.buffer);
    u32(cv, 0, 0x02014b50);
    u16(cv, 4, 45);
    u16(cv, 6, 20);
    u16(cv, 8, e.flags ?? 0);
    u16(cv, 10, e.method ?? 0);
    u32(cv, 16, crc);
    u32(cv, 20, e.zip64 ? 0xffffffff : payload.length);
    u32(cv, 24, e.zip64 ? 0xffffffff : size);
    u16(cv, 28, name.length);
    u16(cv, 30, extra.length);
    u32(cv, 42, e.zip64 ? 0xffffffff : offset);
    c.set(name, 46);
    c.set(extra, 46 + name.length);
    parts.push(local, payload);
    central.push(c);
    offset += local.length + payload.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const dirOffset = offset;
  parts.push(...central);
  offset += dirSize;
  if (options.zip64End) {
    const rec = new Uint8Array(56);
    const rv = new DataView(rec.buffer);
    u32(rv, 0, 0x06064b50);
    rv.setBigUint64(4, 44n, true);
    rv.setBigUint64(24, BigInt(entries.length), true);
    rv.setBigUint64(32, BigInt(entries.length), true);
    rv.setBigUint64(40, BigInt(dirSize), true);
    rv.setBigUint64(48, BigInt(dirOffset), true);
    const loc = new Uint8Array(20);
    const lv = new DataView(loc.buffer);
    u32(lv, 0, 0x07064b50);
    lv.setBigUint64(8, BigInt(offset), true);
    u32(lv, 16, 1);
    parts.push(rec, loc);
  }
  const comment = enc.encode(options.comment ?? '');
  const end = new Uint8Array(22 + comment.length);
  const ev = new DataView(end.buffer);
  u32(ev, 0, 0x06054b50);
  u16(ev, 8, options.zip64End ? 0xffff : entries.length);
  u16(ev, 10, options.zip64End ? 0xffff : entries.length);
  u32(ev, 12, options.zip64End ? 0xffffffff : dirSize);
  u32(ev, 16, options.zip64End ? 0xffffffff : dirOffset);
  u16(ev, 20, comment.length);
  end.set(comment, 22);
  parts.push(end);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}

async function open(bytes: Uint8Array, chunkSize?: number): Promise<ZipArchive> {
  return ZipArchive.open(bytesSource(bytes), chunkSize === undefined ? {} : { chunkSize });
}

describe('zip reader', () => {
  it('reads stored and deflated entries of other writers, in small chunks, skipping folder entries', async () => {
    const big = randomBytes(50_000, 1);
    const text = enc.encode('hello '.repeat(5000));
    const zip = zipSync({ 'd/': new Uint8Array(0), 'd/big.bin': [big, { level: 0 }], 'd/text.txt': [text, { level: 9 }] });
    const archive = await open(zip, 1024);
    expect(archive.files().map((e) => e.name)).toEqual(['d/big.bin', 'd/text.txt']);
    expect(sameBytes(await archive.bytes(archive.get('d/big.bin')!), big)).toBe(true);
    expect(await archive.text(archive.get('d/text.txt')!)).toBe('hello '.repeat(5000));
    expect(sameBytes(await archive.prefix(archive.get('d/big.bin')!, 10), big.subarray(0, 10))).toBe(true);
    expect(sameBytes(await archive.prefix(archive.get('d/text.txt')!, 11), text.subarray(0, 11))).toBe(true);
    let chunks = 0;
    for await (const c of archive.stream(archive.get('d/big.bin')!)) {
      chunks++;
      expect(c.length).toBeLessThanOrEqual(1024);
    }
    expect(chunks).toBe(Math.ceil(50_000 / 1024));
  });

  it('reads zip64 sizes, offsets and end records, and a trailing comment', async () => {
    const a = enc.encode('zip64 stored');
    const b = randomBytes(3000, 2);
    const zip = rawZip([{ name: 'a.txt', data: a, zip64: true }, { name: 'b.bin', data: b, method: 8, zip64: true }], { zip64End: true, comment: 'made by hand' });
    const archive = await open(zip);
    expect(archive.entries.map((e) => [e.name, e.size])).toEqual([['a.txt', a.length], ['b.bin', 3000]]);
    expect(await archive.text(archive.get('a.txt')!)).toBe('zip64 stored');
    expect(sameBytes(await archive.bytes(archive.get('b.bin')!), b)).toBe(true);
  });

  it('reads what zipStream writes, and fflate reads it too', async () => {
    const big = randomBytes(200_000, 3);
    const zip = await collectBytes(zipStream([{ name: 'x.json', data: enc.encode('{"a":1}'), compress: true }, { name: 'y/big.bin', data: chunked(big, 4096) }], { maxChunkBytes: 8192 }));
    expect(sameBytes(unzipSync(zip)['y/big.bin']!, big)).toBe(true);
    const archive = await open(zip);
    expect(sameBytes(await archive.bytes(archive.get('y/big.bin')!), big)).toBe(true);
  });

  it.each<[string, () => Uint8Array, Parameters<typeof expectInteropError>[1], RegExp]>([
    ['a wrong checksum', () => rawZip([{ name: 'a', data: enc.encode('abc'), crc: 1 }]), 'corrupt', /checksum does not match/],
    ['an inflated size above the declared one (zip bomb)', () => rawZip([{ name: 'a', data: new Uint8Array(100_000), method: 8, size: 10 }]), 'corrupt', /more data than the archive declares \(10 bytes\)/],
    ['an inflated size below the declared one', () => rawZip([{ name: 'a', data: enc.encode('abc'), method: 8, size: 30 }]), 'corrupt', /holds 3 bytes but the archive declares 30/],
    ['an encrypted entry', () => rawZip([{ name: 'a', data: enc.encode('abc'), flags: 1 }]), 'unsupported', /encrypted/],
    ['an unknown compression method', () => rawZip([{ name: 'a', data: enc.encode('abc'), method: 12 as 0 }]), 'unsupported', /compression method 12/],
    ['a name twice', () => rawZip([{ name: 'a', data: enc.encode('1') }, { name: 'a', data: enc.encode('2') }]), 'corrupt', /holds "a" twice/],
    ['a local header naming another file', () => rawZip([{ name: 'cfg.json', data: enc.encode('{}'), localName: 'cfg.jsoN' }]), 'corrupt', /directory names "cfg.json" where the file itself says "cfg.jsoN"/],
  ])('refuses %s', async (_what, make, code, message) => {
    await expectInteropError(async () => {
      const archive = await open(make());
      for (const e of archive.files()) await archive.bytes(e);
    }, code, message);
  });

  it('says "not a zip" for other files and for archives cut before their end record', async () => {
    await expectInteropError(open(enc.encode('just some text that is long enough')), 'not-zip');
    await expectInteropError(open(new Uint8Array(5)), 'not-zip', /only 5 bytes/);
    const zip = zipSync({ a: enc.encode('abc') });
    await expectInteropError(open(zip.subarray(0, zip.length - 1)), 'not-zip');
  });

  it('refuses an entry beyond the limit given to bytes()', async () => {
    const archive = await open(zipSync({ a: new Uint8Array(100) }));
    await expectInteropError(archive.bytes(archive.get('a')!, 50), 'too-large');
  });
});

describe('zip writer', () => {
  it('refuses duplicate names and sizes that differ from what was promised', async () => {
    await expectInteropError(collectBytes(zipStream([{ name: 'a', data: new Uint8Array(1) }, { name: 'a', data: new Uint8Array(1) }])), 'invalid-data', /"a" twice/);
    await expectInteropError(collectBytes(zipStream([{ name: 'a', data: new Uint8Array(10), expectedBytes: 5 }])), 'truncated', /more bytes than expected/);
    await expectInteropError(collectBytes(zipStream([{ name: 'a', data: new Uint8Array(3), expectedBytes: 5 }])), 'truncated', /fewer bytes than expected/);
  });

  it('stamps dates fflate can write, even for times before 1980', async () => {
    const zip = await collectBytes(zipStream([{ name: 'a', data: new Uint8Array(1) }], { mtime: new Date(0) }));
    expect(unzipSync(zip).a).toEqual(new Uint8Array(1));
  });
});
