// BlobStore over the Origin Private File System. Keys map to nested directories under the store's own
// folder. A write streams into `.tmp/tmp-<uuid>` through createWritable() (which itself commits only on
// close) and is then moved to its key with FileSystemFileHandle.move(), atomically replacing an older
// file; where move() is missing the finished temporary is copied, again through a writable that
// commits on close. So a blob under its key is always complete.
import { checkRange, type BlobStore, type BlobWriteOptions, type BlobWriteResult } from './blob-store';
import { validateBlobKey, validateKeyPrefix } from './blob-key';
import { chunksOf, limitChunkSize, type BlobSource } from './blob-source';
import { BlobNotFoundError, InvalidBlobKeyError, isQuotaExceeded, StorageFullError } from './errors';
import { TemporaryWrites } from './temp-locks';

export const DEFAULT_OPFS_FOLDER = 'mistudio-blobs';
const TMP_DIR = '.tmp'; // keys never start with "." so this never clashes with one
const WRITE_PIECE_BYTES = 4 * 1024 * 1024;

/** `move()` is in the WHATWG File System spec but not yet in TypeScript's DOM library. */
interface MovableFileHandle extends FileSystemFileHandle {
  move(destination: FileSystemDirectoryHandle, newName: string): Promise<void>;
}

function canMove(handle: FileSystemFileHandle): handle is MovableFileHandle {
  return 'move' in handle && typeof handle.move === 'function';
}

/** Directory iteration lives in TypeScript's DOM.AsyncIterable library, which this project does not load. */
function entriesOf(dir: FileSystemDirectoryHandle): AsyncIterable<[string, FileSystemHandle]> {
  return (dir as FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
}

/** Writables take plain ArrayBuffer-backed bytes, not views of a SharedArrayBuffer. */
function isArrayBufferBacked(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer;
}

function isDirectory(handle: FileSystemHandle): handle is FileSystemDirectoryHandle {
  return handle.kind === 'directory';
}

function errorName(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'name' in err && typeof err.name === 'string' ? err.name : undefined;
}

function isMissing(err: unknown): boolean {
  const name = errorName(err);
  return name === 'NotFoundError' || name === 'TypeMismatchError';
}

export class OpfsBlobStore implements BlobStore {
  readonly kind = 'opfs';
  private readonly writes = new TemporaryWrites();

  /** `root` is the store's own folder; see OpfsBlobStore.open for the usual one. */
  constructor(private readonly root: FileSystemDirectoryHandle) {}

  static async open(folder = DEFAULT_OPFS_FOLDER): Promise<OpfsBlobStore> {
    const opfs = await navigator.storage.getDirectory();
    return new OpfsBlobStore(await opfs.getDirectoryHandle(folder, { create: true }));
  }

  async write(key: string, source: BlobSource, options: BlobWriteOptions = {}): Promise<BlobWriteResult> {
    const segments = validateBlobKey(key);
    const tempName = `tmp-${crypto.randomUUID()}`;
    return this.writes.hold(tempName, async () => {
      const tmpDir = await this.root.getDirectoryHandle(TMP_DIR, { create: true });
      let writable: FileSystemWritableFileStream | undefined;
      let bytes = 0;
      try {
        options.signal?.throwIfAborted();
        const temp = await tmpDir.getFileHandle(tempName, { create: true });
        writable = await temp.createWritable();
        for await (const piece of limitChunkSize(chunksOf(source), WRITE_PIECE_BYTES)) {
          options.signal?.throwIfAborted();
          await writable.write(isArrayBufferBacked(piece) ? piece : piece.slice());
          bytes += piece.length;
          options.onProgress?.(bytes);
        }
        options.signal?.throwIfAborted();
        await writable.close();
        writable = undefined;
        const dir = await this.directory(key, segments.slice(0, -1), true);
        await commit(temp, tmpDir, tempName, dir, segments[segments.length - 1]!);
        return { key, bytes };
      } catch (err) {
        if (writable) await writable.abort().catch(() => undefined);
        await tmpDir.removeEntry(tempName).catch(() => undefined);
        if (isQuotaExceeded(err)) throw new StorageFullError(key, { cause: err });
        if (errorName(err) === 'TypeMismatchError') throw new InvalidBlobKeyError(key, 'part of it is already used by a file or folder of another kind');
        throw err;
      }
    });
  }

  async read(key: string): Promise<Blob> {
    return (await this.file(key)).getFile();
  }

  stream(key: string): ReadableStream<Uint8Array> {
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        reader ??= (await this.read(key)).stream().getReader();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: async (reason) => {
        await reader?.cancel(reason);
      },
    });
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    checkRange(start, end);
    const file = await this.read(key);
    const stop = Math.min(end, file.size);
    if (start >= stop) return new Uint8Array(0);
    return new Uint8Array(await file.slice(start, stop).arrayBuffer());
  }

  async size(key: string): Promise<number> {
    return (await this.read(key)).size;
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.file(key);
      return true;
    } catch (err) {
      if (err instanceof BlobNotFoundError) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const segments = validateBlobKey(key);
    try {
      const dir = await this.directory(key, segments.slice(0, -1), false);
      await dir.removeEntry(segments[segments.length - 1]!);
    } catch (err) {
      if (err instanceof BlobNotFoundError || isMissing(err)) return;
      throw err;
    }
    // Empty folders are left in place: removing one could race a writer that is about to move a file into it.
  }

  async list(prefix = ''): Promise<string[]> {
    validateKeyPrefix(prefix);
    const keys: string[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, path: string): Promise<void> => {
      for await (const [name, handle] of entriesOf(dir)) {
        if (path === '' && name.startsWith('.')) continue; // .tmp and probes are not blobs
        const key = path + name;
        if (isDirectory(handle)) {
          const folder = `${key}/`;
          if (folder.startsWith(prefix) || prefix.startsWith(folder)) await walk(handle, folder);
        } else if (key.startsWith(prefix)) {
          keys.push(key);
        }
      }
    };
    await walk(this.root, '');
    return keys.sort();
  }

  async cleanupTemporaries(): Promise<number> {
    let tmpDir: FileSystemDirectoryHandle;
    try {
      tmpDir = await this.root.getDirectoryHandle(TMP_DIR);
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    const names: string[] = [];
    for await (const [name] of entriesOf(tmpDir)) names.push(name);
    const inUse = [...(await this.writes.inUse())];
    let removed = 0;
    for (const name of names) {
      // a live write may own side files named after its temporary (e.g. a browser's swap file)
      if (inUse.some((t) => name.startsWith(t))) continue;
      try {
        await tmpDir.removeEntry(name, { recursive: true });
        removed += 1;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    return removed;
  }

  private async directory(key: string, path: readonly string[], create: boolean): Promise<FileSystemDirectoryHandle> {
    let dir = this.root;
    for (const name of path) {
      try {
        dir = await dir.getDirectoryHandle(name, { create });
      } catch (err) {
        if (!create && isMissing(err)) throw new BlobNotFoundError(key);
        throw err;
      }
    }
    return dir;
  }

  private async file(key: string): Promise<FileSystemFileHandle> {
    const segments = validateBlobKey(key);
    const dir = await this.directory(key, segments.slice(0, -1), false);
    try {
      return await dir.getFileHandle(segments[segments.length - 1]!);
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key);
      throw err;
    }
  }
}

/** Puts the finished temporary under its final name, replacing what was there. */
async function commit(temp: FileSystemFileHandle, tmpDir: FileSystemDirectoryHandle, tempName: string, dir: FileSystemDirectoryHandle, name: string): Promise<void> {
  if (canMove(temp)) {
    await temp.move(dir, name);
    return;
  }
  let existed = true;
  await dir.getFileHandle(name).catch((err: unknown) => {
    if (!isMissing(err)) throw err;
    existed = false;
  });
  const target = await dir.getFileHandle(name, { create: true });
  const writable = await target.createWritable();
  try {
    await writable.write(await temp.getFile());
    await writable.close();
  } catch (err) {
    await writable.abort().catch(() => undefined);
    // the copy failed: an empty file we created must not stand in for the blob
    if (!existed) await dir.removeEntry(name).catch(() => undefined);
    throw err;
  }
  await tmpDir.removeEntry(tempName);
}
