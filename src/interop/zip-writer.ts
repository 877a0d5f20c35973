// Zip archives written as a pull stream over fflate's streaming Zip: entries are added one at a time and
// their data passes through in the chunks it arrives in, so an export never holds more than one chunk of
// a large file. fflate writes zip32 only; the limits (65,535 entries, 4 GiB) are checked here rather
// than letting fflate wrap its 16/32-bit fields silently.
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { chunksOf, limitChunkSize, type BlobSource } from '../store/blob-source';
import { describeError, InteropError } from './errors';

export interface ZipWriteEntry {
  /** path inside the archive, "/"-separated */
  name: string;
  data: BlobSource;
  /** deflate (text, JSON); binary tensors are stored as they are */
  compress?: boolean;
  /** when given, the entry must have exactly this many bytes */
  expectedBytes?: number;
}

export interface ZipWriteOptions {
  /** modification time stamped on every entry (default now) */
  mtime?: Date;
  /** largest chunk handed on (default 1 MiB); larger input chunks are split into views */
  maxChunkBytes?: number;
}

export const ZIP32_MAX_BYTES = 0xffffffff;
export const ZIP32_MAX_ENTRIES = 0xffff;

function tooLarge(message: string): InteropError {
  return new InteropError('too-large', message, 'Export less at once (fewer features, or leave out model files and datasets).');
}

/** The zip's date field covers 1980–2107; fflate accepts 1980–2099. */
function zipTime(d: Date): Date {
  const year = d.getFullYear();
  if (!Number.isFinite(d.getTime()) || year < 1980) return new Date(1980, 0, 1);
  if (year > 2099) return new Date(2099, 11, 31);
  return d;
}

/** Writes `entries` (consumed lazily, in order) as one zip archive, chunk by chunk. */
export async function* zipStream(
  entries: Iterable<ZipWriteEntry> | AsyncIterable<ZipWriteEntry>,
  options: ZipWriteOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const mtime = zipTime(options.mtime ?? new Date());
  const maxChunk = Math.max(1024, options.maxChunkBytes ?? 1024 * 1024);
  let queue: Uint8Array[] = [];
  let failure: unknown = null;
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else if (data.length) queue.push(data);
  });
  let written = 0;
  function* drain(): Generator<Uint8Array, void, undefined> {
    if (failure !== null) {
      throw new InteropError('invalid-data', `The zip archive could not be written (${describeError(failure)}).`, 'Try again; if it keeps failing, report the problem.', { cause: failure });
    }
    const ready = queue;
    queue = [];
    for (const chunk of ready) {
      written += chunk.length;
      if (written > ZIP32_MAX_BYTES) throw tooLarge('The export would be larger than 4 GiB, the limit of a standard zip archive.');
      yield chunk;
    }
  }
  const names = new Set<string>();
  let count = 0;
  for await (const entry of entries) {
    if (++count > ZIP32_MAX_ENTRIES) throw tooLarge(`The export would hold more than ${ZIP32_MAX_ENTRIES} files, the limit of a standard zip archive.`);
    if (names.has(entry.name)) throw new InteropError('invalid-data', `The export would hold "${entry.name}" twice.`, 'Report the problem.');
    names.add(entry.name);
    const file = entry.compress ? new ZipDeflate(entry.name, { level: 6 }) : new ZipPassThrough(entry.name);
    file.mtime = mtime;
    zip.add(file);
    let size = 0;
    for await (const chunk of limitChunkSize(chunksOf(entry.data), maxChunk)) {
      if (!chunk.length) continue;
      size += chunk.length;
      if (size > ZIP32_MAX_BYTES) throw tooLarge(`"${entry.name}" is larger than 4 GiB, the limit of a standard zip archive.`);
      if (entry.expectedBytes !== undefined && size > entry.expectedBytes) break;
      file.push(chunk, false);
      yield* drain();
    }
    if (entry.expectedBytes !== undefined && size !== entry.expectedBytes) {
      throw new InteropError('truncated', `"${entry.name}" has ${size > entry.expectedBytes ? 'more' : 'fewer'} bytes than expected (${entry.expectedBytes}); the stored file may have changed during the export.`, 'Try the export again.');
    }
    file.push(new Uint8Array(0), true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}

/** A pull-based ReadableStream over an async generator; cancelling the stream stops the generator. */
export function toReadableStream(chunks: AsyncGenerator<Uint8Array, void, undefined>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** Collects a stream of chunks into one array (for small archives and tests). */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of chunks) {
    parts.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
