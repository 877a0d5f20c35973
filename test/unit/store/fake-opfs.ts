// A small in-memory model of the Origin Private File System for Node tests, following the WHATWG File
// System spec where the store relies on it: getFileHandle/getDirectoryHandle with {create}, NotFoundError
// and TypeMismatchError, createWritable that commits only on close (abort discards), move() that replaces
// an existing file, removeEntry, and entries(). Options switch move() off and simulate a full disk.

function domError(name: string, message = name): DOMException {
  return new DOMException(message, name);
}

export interface FakeOpfsOptions {
  /** leave move() out, like browsers without it */
  withoutMove?: boolean;
  /** writes beyond this many bytes in total fail with QuotaExceededError */
  quotaBytes?: number;
}

class Disk {
  used = 0;
  constructor(readonly options: FakeOpfsOptions) {}
}

export class FakeFileHandle {
  readonly kind = 'file';
  data = new Uint8Array(0);
  constructor(
    public name: string,
    public parent: FakeDirectoryHandle,
    private readonly disk: Disk,
  ) {
    if (!disk.options.withoutMove) {
      Object.defineProperty(this, 'move', { value: this.moveTo.bind(this) });
    }
  }

  async getFile(): Promise<File> {
    return new File([this.data.slice()], this.name);
  }

  async createWritable(): Promise<{ write(d: BufferSource | Blob): Promise<void>; close(): Promise<void>; abort(): Promise<void> }> {
    const parts: Uint8Array[] = [];
    let pending = 0;
    const disk = this.disk;
    return {
      write: async (d) => {
        const bytes = d instanceof Blob ? new Uint8Array(await d.arrayBuffer()) : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice() : new Uint8Array(d).slice();
        if (disk.options.quotaBytes !== undefined && disk.used + pending + bytes.length > disk.options.quotaBytes) throw domError('QuotaExceededError');
        pending += bytes.length;
        parts.push(bytes);
      },
      close: async () => {
        const out = new Uint8Array(pending);
        let o = 0;
        for (const p of parts) {
          out.set(p, o);
          o += p.length;
        }
        disk.used += out.length - this.data.length;
        this.data = out;
      },
      abort: async () => {
        parts.length = 0;
      },
    };
  }

  private async moveTo(destination: FakeDirectoryHandle, newName: string): Promise<void> {
    if (!this.parent.children.has(this.name)) throw domError('NotFoundError');
    const existing = destination.children.get(newName);
    if (existing && existing.kind !== 'file') throw domError('TypeMismatchError');
    if (existing) this.disk.used -= existing.data.length;
    this.parent.children.delete(this.name);
    this.name = newName;
    this.parent = destination;
    destination.children.set(newName, this);
  }
}

export class FakeDirectoryHandle {
  readonly kind = 'directory';
  readonly children = new Map<string, FakeFileHandle | FakeDirectoryHandle>();
  private readonly disk: Disk;

  constructor(
    readonly name: string,
    diskOrOptions: Disk | FakeOpfsOptions = {},
  ) {
    this.disk = diskOrOptions instanceof Disk ? diskOrOptions : new Disk(diskOrOptions);
  }

  async getDirectoryHandle(name: string, options: { create?: boolean } = {}): Promise<FakeDirectoryHandle> {
    const found = this.children.get(name);
    if (found?.kind === 'file') throw domError('TypeMismatchError');
    if (found) return found;
    if (!options.create) throw domError('NotFoundError');
    const dir = new FakeDirectoryHandle(name, this.disk);
    this.children.set(name, dir);
    return dir;
  }

  async getFileHandle(name: string, options: { create?: boolean } = {}): Promise<FakeFileHandle> {
    const found = this.children.get(name);
    if (found?.kind === 'directory') throw domError('TypeMismatchError');
    if (found) return found;
    if (!options.create) throw domError('NotFoundError');
    const file = new FakeFileHandle(name, this, this.disk);
    this.children.set(name, file);
    return file;
  }

  async removeEntry(name: string, options: { recursive?: boolean } = {}): Promise<void> {
    const found = this.children.get(name);
    if (!found) throw domError('NotFoundError');
    if (found.kind === 'directory' && found.children.size > 0 && !options.recursive) throw domError('InvalidModificationError');
    if (found.kind === 'file') this.disk.used -= found.data.length;
    this.children.delete(name);
  }

  async *entries(): AsyncGenerator<[string, FakeFileHandle | FakeDirectoryHandle]> {
    for (const entry of [...this.children.entries()]) yield entry;
  }

  /** every file path below this folder (test inspection) */
  paths(prefix = ''): string[] {
    return [...this.children.values()].flatMap((c) => (c.kind === 'file' ? [prefix + c.name] : c.paths(`${prefix}${c.name}/`))).sort();
  }
}

/** The fake as the DOM type the store expects. */
export function asDirectoryHandle(dir: FakeDirectoryHandle): FileSystemDirectoryHandle {
  return dir as unknown as FileSystemDirectoryHandle;
}
