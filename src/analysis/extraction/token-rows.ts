// Which dataset token each activation row of a model run is. A run over some windows yields one row per
// real token (padding left out), window after window, position after position — the order of
// buildLmBatch's `keep` list (src/lm/runner/lm-inputs.ts) — so the rows' (window, position) and token ids
// follow from the windows and their lengths alone.
import type { TokenBatch } from '../token-batch';
import { excludedRows } from '../token-filter';

export interface RunRows extends TokenBatch {
  /** token id of each row */
  tokenIds: Uint32Array;
}

/**
 * Rows of a run over `windowIds` (one per row of `tokens`, [windows, contextLength]); `lengths` gives each
 * window's real tokens (null: all full). With `excludedIds` (one flag per vocabulary id), rows whose token
 * may not be an example are flagged in `excluded`.
 */
export function runRows(
  windowIds: ArrayLike<number>,
  tokens: ArrayLike<number>,
  contextLength: number,
  lengths: ArrayLike<number> | null,
  excludedIds?: Uint8Array,
): RunRows {
  const n = windowIds.length;
  if (tokens.length !== n * contextLength) throw new RangeError(`${n} windows of ${contextLength} tokens need ${n * contextLength} ids, not ${tokens.length}.`);
  let rows = 0;
  for (let r = 0; r < n; r++) rows += lengthOf(lengths, r, contextLength);
  const windows = new Uint32Array(rows);
  const positions = new Uint32Array(rows);
  const tokenIds = new Uint32Array(rows);
  let at = 0;
  for (let r = 0; r < n; r++) {
    const length = lengthOf(lengths, r, contextLength);
    for (let t = 0; t < length; t++, at++) {
      windows[at] = windowIds[r]!;
      positions[at] = t;
      tokenIds[at] = tokens[r * contextLength + t]!;
    }
  }
  const out: RunRows = { windows, positions, tokenIds };
  if (excludedIds) out.excluded = excludedRows(tokenIds, excludedIds);
  return out;
}

function lengthOf(lengths: ArrayLike<number> | null, row: number, contextLength: number): number {
  return lengths ? Math.min(contextLength, lengths[row]!) : contextLength;
}

/** Rows [from, to) of a batch (views, no copy). */
export function sliceRows(batch: TokenBatch, from: number, to: number): TokenBatch {
  const out: TokenBatch = { windows: batch.windows.subarray(from, to), positions: batch.positions.subarray(from, to) };
  if (batch.excluded) out.excluded = batch.excluded.subarray(from, to);
  return out;
}
