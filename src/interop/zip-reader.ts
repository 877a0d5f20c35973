// Zip archives read through their central directory (random access), not by scanning local headers: a
// streaming scan cannot find the end of an entry written with a data descriptor without guessing at
// signatures inside the data. Supports stored and deflate entries and zip64; every entry's local header,
// size and CRC-32 are checked while it streams, and inflated output may never exceed the declared size
// (a zip bomb stops at the first excess byte).
import { Inflate } from 'fflate';
import { Crc32 } from './crc32';
import { describeError, InteropError } from './errors';
import { readExactly, type RandomAccessSource } from './random-access';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipReadOptions {
  /** bytes per read of the underlying source (default 1 MiB) */
  chunkSize?: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A directory larger than this is not an archive we made or expect (~1M entries). */
const MAX_DIRECTORY_BYTES = 128 * 1024 * 1024;
const DEFAULT_CHUNK = 1024 * 1024;

const REDOWNLOAD = 'The file is incomplete or damaged; download or copy it again.';

function truncated(message: string): InteropError {
  return new InteropError('truncated', message, REDOWNLOAD);
}

function corrupt(message: string, cause?: unknown): InteropError {
  return new InteropError('corrupt', message, REDOWNLOAD, cause === undefined ? undefined : { cause });
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number): number {
  const value = v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(value)) throw corrupt('The zip archive declares a size or offset too large to be real.');
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // pre-UTF-8 archivers used code page 437; names we look up are ASCII, so Latin-1 is a safe reading
    return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  }
}

interface EndRecord {
  entries: number;
  directorySize: number;
  directoryOffset: number;
}

async function readEndRecord(source: RandomAccessSource): Promise<EndRecord> {
  if (source.size < EOCD_SIZE) {
    throw new InteropError('not-zip', `This is not a zip archive: it has only ${source.size} bytes.`, 'Choose a .zip file.');
  }
  const tailStart = Math.max(0, source.size - EOCD_SIZE - MAX_COMMENT);
  const tail = await readExactly(source, tailStart, source.size, 'the end of the archive');
  const tv = view(tail);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    // the comment length must reach exactly to the end of the file
    if (tv.getUint32(i, true) === EOCD_SIGNATURE && i + EOCD_SIZE + tv.getUint16(i + 20, true) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    throw new InteropError('not-zip', 'This is not a zip archive, or its end is missing (the file may be cut off).', 'Choose a complete .zip file.');
  }
  let record: EndRecord = {
    entries: tv.getUint16(at + 10, true),
    directorySize: tv.getUint32(at + 12, true),
    directoryOffset: tv.getUint32(at + 16, true),
  };
  if (tv.getUint16(at + 4, true) !== 0 || tv.getUint16(at + 6, true) !== 0) {
    throw new InteropError('unsupported', 'This zip archive is split over several files (a multi-part archive).', 'Join the parts into one .zip file first.');
  }
  const eocdOffset = tailStart + at;
  const needsZip64 = record.entries === 0xffff || record.directorySize === 0xffffffff || record.directoryOffset === 0xffffffff;
  if (eocdOffset >= 20) {
    const locator = await readExactly(source, eocdOffset - 20, eocdOffset, 'the zip64 locator');
    const lv = view(locator);
    if (lv.getUint32(0, true) === ZIP64_LOCATOR_SIGNATURE) {
      const z64Offset = u64(lv, 8);
      if (z64Offset + 56 > eocdOffset - 20) throw corrupt('The zip64 end record lies outside the archive.');
      const z64 = view(await readExactly(source, z64Offset, z64Offset + 56, 'the zip64 end record'));
      if (z64.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw corrupt('The zip64 end record is damaged.');
      record = { entries: u64(z64, 32), directorySize: u64(z64, 40), directoryOffset: u64(z64, 48) };
    } else if (needsZip64) {
      throw corrupt('The archive needs a zip64 end record but has none.');
    }
  }
  if (record.directoryOffset + record.directorySize > eocdOffset) {
    throw truncated('The zip archive is cut off: its directory points beyond the data that is there.');
  }
  if (record.directorySize > MAX_DIRECTORY_BYTES) {
    throw new InteropError('too-large', 'The zip archive lists more files than this studio can open.', 'Split it into smaller archives.');
  }
  return record;
}

function parseDirectory(dir: Uint8Array, record: EndRecord, archiveSize: number): ZipEntry[] {
  const dv = view(dir);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = 0;
  for (let n = 0; n < record.entries; n++) {
    if (at + 46 > dir.length || dv.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw corrupt(`The zip directory is damaged (entry ${n + 1} of ${record.entries} is unreadable).`);
    }
    const flags = dv.getUint16(at + 8, true);
    const method = dv.getUint16(at + 10, true);
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > dir.length) throw corrupt('The zip directory is damaged (an entry runs past its end).');
    const name = decodeName(dir.subarray(at + 46, at + 46 + nameLength));
    let compressedSize = dv.getUint32(at + 20, true);
    let size = dv.getUint32(at + 24, true);
    let localHeaderOffset = dv.getUint32(at + 42, true);
    // zip64 extended information: only the fields whose 32-bit value is saturated, in this order
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dv.getUint16(extra, true);
      const length = dv.getUint16(extra + 2, true);
      if (extra + 4 + length > extraEnd) break;
      if (id === 0x0001) {
        let p = extra + 4;
        const take = (): number => {
          if (p + 8 > extra + 4 + length) throw corrupt(`The zip64 sizes of "${name}" are incomplete.`);
          const v = u64(dv, p);
          p += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      extra += 4 + length;
    }
    if (flags & 1) throw new InteropError('unsupported', `"${name}" in the zip archive is encrypted.`, 'Re-create the archive without a password.');
    if (method !== 0 && method !== 8) {
      throw new InteropError('unsupported', `"${name}" in the zip archive uses compression method ${method}; only stored and deflate are supported.`, 'Re-create the archive with ordinary (deflate) compression.');
    }
    if (method === 0 && compressedSize !== size) throw corrupt(`"${name}" is stored uncompressed but its two sizes differ.`);
    if (localHeaderOffset + 30 + compressedSize > archiveSize) {
      throw truncated(`The zip archive is cut off: "${name}" lies beyond its end.`);
    }
    if (names.has(name)) throw corrupt(`The zip archive holds "${name}" twice.`);
    names.add(name);
    entries.push({ name, method, crc32: dv.getUint32(at + 16, true), compressedSize, size, localHeaderOffset });
    at = end;
  }
  return entries;
}

/** Checks an entry's local header against the directory; returns where its data starts. */
async function readLocalHeader(source: RandomAccessSource, entry: ZipEntry): Promise<number> {
  const at = entry.localHeaderOffset;
  const header = view(await readExactly(source, at, at + 30, `the header of "${entry.name}"`));
  if (header.getUint32(0, true) !== LOCAL_SIGNATURE) throw corrupt(`The zip archive is damaged: the header of "${entry.name}" is missing.`);
  const nameLength = header.getUint16(26, true);
  const name = decodeName(await readExactly(source, at + 30, at + 30 + nameLength, `the name of "${entry.name}"`));
  if (name !== entry.name) throw corrupt(`The zip archive is damaged: its directory names "${entry.name}" where the file itself says "${name}".`);
  const start = at + 30 + nameLength + header.getUint16(28, true);
  if (start + entry.compressedSize > source.size) throw truncated(`The zip archive is cut off inside "${entry.name}".`);
  return start;
}

export class ZipArchive {
  private readonly byName: Map<string, ZipEntry>;

  private constructor(
    private readonly source: RandomAccessSource,
    readonly entries: readonly ZipEntry[],
    private readonly dataStarts: ReadonlyMap<ZipEntry, number>,
    private readonly chunkSize: number,
  ) {
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  /**
   * Reads and checks the archive's directory and every entry's local header (which must name the same
   * file: a damaged name would otherwise make a file silently "missing"); entry data is read only when
   * asked for.
   */
  static async open(source: RandomAccessSource, options: ZipReadOptions = {}): Promise<ZipArchive> {
    const record = await readEndRecord(source);
    const dir = await readExactly(source, record.directoryOffset, record.directoryOffset + record.directorySize, 'the zip directory');
    const entries = parseDirectory(dir, record, source.size);
    const dataStarts = new Map<ZipEntry, number>();
    for (const entry of entries) dataStarts.set(entry, await readLocalHeader(source, entry));
    return new ZipArchive(source, entries, dataStarts, Math.max(1024, options.chunkSize ?? DEFAULT_CHUNK));
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** Files only (directory entries end with "/"). */
  files(): ZipEntry[] {
    return this.entries.filter((e) => !e.name.endsWith('/'));
  }

  private async dataStart(entry: ZipEntry): Promise<number> {
    const start = this.dataStarts.get(entry);
    if (start === undefined) throw corrupt(`"${entry.name}" is not part of this archive.`);
    return start;
  }

  /**
   * The entry's bytes in chunks. The size and CRC-32 are checked before the last chunk is handed over,
   * so a consumer that stores the chunks never completes a damaged entry.
   */
  async *stream(entry: ZipEntry): AsyncGenerator<Uint8Array, void, undefined> {
    const start = await this.dataStart(entry);
    const crc = new Crc32();
    let produced = 0;
    const accept = (chunk: Uint8Array): void => {
      produced += chunk.length;
      if (produced > entry.size) throw corrupt(`"${entry.name}" holds more data than the archive declares (${entry.size} bytes).`);
      crc.update(chunk);
    };
    const finish = (): void => {
      if (produced !== entry.size) throw corrupt(`"${entry.name}" holds ${produced} bytes but the archive declares ${entry.size}.`);
      if (crc.digest() !== entry.crc32) throw corrupt(`"${entry.name}" is damaged (its checksum does not match).`);
    };
    const end = start + entry.compressedSize;
    if (entry.method === 0) {
      let pending: Uint8Array | null = null;
      for (let at = start; at < end; at += this.chunkSize) {
        const chunk = await readExactly(this.source, at, Math.min(end, at + this.chunkSize), `"${entry.name}"`);
        accept(chunk);
        if (pending) yield pending;
        pending = chunk;
      }
      finish();
      if (pending) yield pending;
      return;
    }
    // deflate: fflate calls back synchronously; collect that call's output, then hand it on
    let out: Uint8Array[] = [];
    let ended = false;
    const inflater = new Inflate((data, final) => {
      if (data.length) out.push(data);
      if (final) ended = true;
    });
    const push = (chunk: Uint8Array, final: boolean): Uint8Array[] => {
      try {
        inflater.push(chunk, final);
      } catch (cause) {
        throw corrupt(`"${entry.name}" is damaged: its compressed data cannot be read (${describeError(cause)}).`, cause);
      }
      const got = out;
      out = [];
      for (const c of got) accept(c);
      return got;
    };
    let held: Uint8Array[] = [];
    if (entry.compressedSize === 0) throw corrupt(`"${entry.name}" has no compressed data.`);
    for (let at = start; at < end; at += this.chunkSize) {
      const stop = Math.min(end, at + this.chunkSize);
      const chunk = await readExactly(this.source, at, stop, `"${entry.name}"`);
      const got = push(chunk, stop === end);
      // keep the newest output back so the last chunk is released only after the checks
      if (got.length) {
        for (const c of held) yield c;
        held = got;
      }
    }
    if (!ended) throw corrupt(`"${entry.name}" is damaged: its compressed data ends early.`);
    finish();
    for (const c of held) yield c;
  }

  /** The whole entry in memory; refuses entries declared larger than `maxBytes`. */
  async bytes(entry: ZipEntry, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
    if (entry.size > maxBytes) {
      throw new InteropError('too-large', `"${entry.name}" is ${entry.size} bytes, more than the ${maxBytes} this step reads.`, 'Check that you chose the right file.');
    }
    // collect what actually arrives: a damaged directory may declare sizes the data never reaches
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.stream(entry)) {
      parts.push(chunk);
      total += chunk.length;
    }
    let out: Uint8Array;
    try {
      out = new Uint8Array(total);
    } catch (cause) {
      throw new InteropError('too-large', `"${entry.name}" (${total} bytes) does not fit in memory.`, 'Close other tabs, or choose a smaller file.', { cause });
    }
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async text(entry: ZipEntry, maxBytes?: number): Promise<string> {
    const bytes = await this.bytes(entry, maxBytes);
    try {
      return utf8.decode(bytes);
    } catch (cause) {
      throw new InteropError('bad-json', `"${entry.name}" is not UTF-8 text.`, REDOWNLOAD, { cause });
    }
  }

  /** The first `n` bytes (or fewer, for a shorter entry), without checking the rest of it. */
  async prefix(entry: ZipEntry, n: number): Promise<Uint8Array> {
    if (entry.method === 0) {
      const start = await this.dataStart(entry);
      return readExactly(this.source, start, start + Math.min(n, entry.size), `"${entry.name}"`);
    }
    const parts: Uint8Array[] = [];
    let have = 0;
    const stream = this.stream(entry);
    try {
      // stream() holds its last chunk back for the checks, so this may read the whole (small) entry
      for await (const chunk of stream) {
        parts.push(chunk);
        have += chunk.length;
        if (have >= n) break;
      }
    } finally {
      await stream.return(undefined);
    }
    const out = new Uint8Array(Math.min(n, have));
    let at = 0;
    for (const p of parts) {
      const take = Math.min(p.length, out.length - at);
      out.set(p.subarray(0, take), at);
      at += take;
      if (at === out.length) break;
    }
    return out;
  }
}
