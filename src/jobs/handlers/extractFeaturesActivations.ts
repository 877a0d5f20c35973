// The activations an extraction encodes, one row per real token of the windows asked for, window after
// window and position after position (the order runRows describes, so every row's (window, position) is
// known): either the model run on the fly, cut down to the SAE's hook (HookRunner), or rows read back from
// a stored activation cache of that hook (laid out by the cache job in the same order, windows from 0).
import { CacheRowIndex, contiguousRuns } from '../../analysis/extraction';
import { fromHalf } from '../../data/activation-sources/f16';
import type { TokenArray } from '../../data/tokenize';
import type { ActivationCacheRecord } from '../../domain/entities';
import { activationWidth, HookRunner, keptRows, type HookRunnerModel } from '../../lm/runner/hook-runner';
import type { Ort } from '../../lm/runner/lm-session';
import type { StoredTokenWindows } from '../../services/tokenization/window-parts';
import type { BlobStore } from '../../store/blob-store';

export class ExtractionSourceError extends Error {
  override name = 'ExtractionSourceError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

/** Whole windows to run: their ids (ascending), ids [windows, contextLength], real lengths (null: all full). */
export interface WindowRun {
  ids: readonly number[];
  tokens: TokenArray;
  lengths: Uint32Array | null;
  contextLength: number;
}

export interface ActivationRunner {
  /** windows 0 … coveredWindows − 1 can be run (a cache holds only some); null: all */
  readonly coveredWindows: number | null;
  /** Hook activations [rows, dIn] of the real tokens of the windows, window-major. */
  run(windows: WindowRun): Promise<{ x: Float32Array; dIn: number }>;
  release(): Promise<void>;
}

export interface ModelRunnerOptions {
  ort: Ort;
  /** WebGPU on this device; without it, WebAssembly */
  device?: GPUDevice;
}

/** The model on the fly, cut down to `tensor` (a graph tensor: see hookTensor in services/models). */
export async function modelActivationRunner(model: HookRunnerModel, tensor: string, options: ModelRunnerOptions): Promise<ActivationRunner> {
  const runner = await HookRunner.open(model, [tensor], { ort: options.ort, ...(options.device ? { device: options.device } : {}) });
  return {
    coveredWindows: null,
    async run(w) {
      const { batch, outputs } = await runner.run({ tokens: w.tokens, lengths: w.lengths, rows: w.ids.length, contextLength: w.contextLength });
      try {
        const out = outputs[0]!;
        const dIn = activationWidth(out, tensor, batch);
        const data = (out.location === 'cpu' ? out.data : await out.getData()) as Float32Array;
        return { x: keptRows(data, batch.keep, dIn), dIn };
      } finally {
        for (const t of outputs) t.dispose();
      }
    },
    release: () => runner.release(),
  };
}

/** Real-token lengths of windows 0… until `rows` tokens are covered (all full: no reading). */
async function leadingLengths(windows: StoredTokenWindows, rows: number): Promise<(w: number) => number> {
  if (!windows.hasLengths) return () => windows.contextLength;
  const lengths: number[] = [];
  let covered = 0;
  for (let start = 0; start < windows.count && covered < rows; start += 4096) {
    const range = await windows.read(start, Math.min(windows.count, start + 4096));
    for (const l of range.lengths ?? []) {
      lengths.push(Math.min(windows.contextLength, l));
      covered += l;
    }
  }
  return (w) => lengths[w] ?? windows.contextLength;
}

/** Rows of a stored activation cache of the hook, over the tokenization it was extracted from. */
export async function cacheActivationRunner(cache: ActivationCacheRecord, windows: StoredTokenWindows, blobs: BlobStore): Promise<ActivationRunner> {
  if (cache.status !== 'ready' || cache.rows === 0 || cache.dIn === 0) {
    throw new ExtractionSourceError(`The activation cache of ${cache.hook} is not ready (${cache.status}).`, 'Wait for it to finish, or extract features from the model directly.');
  }
  const index = new CacheRowIndex(cache.shards, windows.count, await leadingLengths(windows, cache.rows));
  if (index.coveredWindows === 0) {
    throw new ExtractionSourceError('The activation cache holds less than one window of activations.', 'Extract features from the model directly.');
  }
  const { dIn } = cache;
  const bytesPerValue = cache.dtype === 'f16' ? 2 : 4;
  return {
    coveredWindows: index.coveredWindows,
    async run(w) {
      const parts: Float32Array[] = [];
      let total = 0;
      for (const run of contiguousRuns(w.ids)) {
        const rows = index.windowRows(run);
        for (const seg of index.segments(rows.start, rows.end)) {
          const shard = cache.shards[seg.shard]!;
          const bytes = await blobs.readRange(shard.blobKey, seg.from * dIn * bytesPerValue, seg.to * dIn * bytesPerValue);
          const n = (seg.to - seg.from) * dIn;
          if (bytes.byteLength !== n * bytesPerValue) {
            throw new ExtractionSourceError('A shard of the activation cache is shorter than recorded.', 'Extract the activations again, or extract features from the model directly.');
          }
          const copy = bytes.slice();
          parts.push(bytesPerValue === 2 ? fromHalf(new Uint16Array(copy.buffer, 0, n)) : new Float32Array(copy.buffer, 0, n));
          total += n;
        }
      }
      const x = new Float32Array(total);
      let at = 0;
      for (const p of parts) {
        x.set(p, at);
        at += p.length;
      }
      return { x, dIn };
    },
    release: async () => undefined,
  };
}
