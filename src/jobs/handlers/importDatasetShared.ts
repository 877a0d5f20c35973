// Helpers the dataset import and tokenization handlers share: moving an asset row to 'running' from
// wherever a previous run left it, recording a failure on it, throttled progress, and clearing blobs.
import type { AssetStatus } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import type { ProgressUpdate } from '../handlers';

/** How a handler moves its asset row; the store's status machine checks each step. */
export interface AssetStatusAccess {
  get(): Promise<{ status: AssetStatus } | undefined>;
  set(to: AssetStatus, patch?: { error?: string; errorAction?: string }): Promise<unknown>;
}

export class AssetGoneError extends Error {
  override readonly name = 'AssetGoneError';
  readonly action = 'Nothing to do: it was deleted while its job ran.';
}

/** pending → running, or failed → pending → running for a retry; running stays (a resumed run). */
export async function enterRunning(asset: AssetStatusAccess, what: string): Promise<void> {
  const row = await asset.get();
  if (!row) throw new AssetGoneError(`The ${what} no longer exists.`);
  if (row.status === 'running') return;
  if (row.status === 'ready') throw new Error(`The ${what} is already complete.`);
  if (row.status === 'failed') await asset.set('pending', { error: undefined, errorAction: undefined });
  await asset.set('running', { error: undefined, errorAction: undefined });
}

/** Records why the run failed on the asset row (if it still exists). */
export async function recordFailure(asset: AssetStatusAccess, error: unknown): Promise<void> {
  const row = await asset.get();
  if (!row || row.status === 'failed' || row.status === 'ready') return;
  const message = error instanceof Error ? error.message : String(error);
  const action = typeof error === 'object' && error !== null && 'action' in error && typeof error.action === 'string' ? error.action : undefined;
  await asset.set('failed', action === undefined ? { error: message } : { error: message, errorAction: action });
}

/** Removes every blob under `prefix`. */
export async function deleteBlobsUnder(blobs: BlobStore, prefix: string, keep: ReadonlySet<string> = new Set()): Promise<void> {
  for (const key of await blobs.list(prefix)) if (!keep.has(key)) await blobs.delete(key);
}

/** Passes on at most one progress report per interval (the last one always goes through with `flush`). */
export class ProgressThrottle {
  private last = -Infinity;

  constructor(
    private readonly report: (update: ProgressUpdate) => Promise<void>,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async maybe(update: () => ProgressUpdate): Promise<void> {
    const t = this.now();
    if (t - this.last < this.intervalMs) return;
    this.last = t;
    await this.report(update());
  }

  async flush(update: ProgressUpdate): Promise<void> {
    this.last = this.now();
    await this.report(update);
  }
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en');
}

export function formatByteCount(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
