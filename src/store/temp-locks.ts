// A blob being written lives under a temporary name until it is complete. The writer holds a Web Lock
// named after that temporary for the whole write, so cleanup in any tab or worker can tell a live write
// from the leftovers of a crash. Where Web Locks are missing (Node), only the writes of the same store
// instance are known.

const PREFIX = 'mistudio-blob-write:';

function lockManager(): LockManager | undefined {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}

export class TemporaryWrites {
  private readonly local = new Set<string>();

  /** Runs `write` while marking `tempId` as in use. */
  async hold<T>(tempId: string, write: () => Promise<T>): Promise<T> {
    this.local.add(tempId);
    try {
      const locks = lockManager();
      return locks ? await locks.request(PREFIX + tempId, write) : await write();
    } finally {
      this.local.delete(tempId);
    }
  }

  /** Temporaries that some live writer still holds. */
  async inUse(): Promise<Set<string>> {
    const inUse = new Set(this.local);
    const locks = lockManager();
    if (locks) {
      const { held = [] } = await locks.query();
      for (const lock of held) if (lock.name?.startsWith(PREFIX)) inUse.add(lock.name.slice(PREFIX.length));
    }
    return inUse;
  }
}
