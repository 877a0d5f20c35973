// Which dataset token each row of an activation batch is, so examples can be found again and shown with
// their context.

export interface TokenBatch {
  /** window (row of the tokenized dataset) of each token, [B] */
  windows: Uint32Array;
  /** position of each token within its window, [B] */
  positions: Uint32Array;
  /**
   * optional, [B]: non-zero where a token may not be an example (the extraction's token filters); such a
   * token still counts in density, mean and histogram
   */
  excluded?: Uint8Array;
}

export class TokenBatchError extends Error {
  override name = 'TokenBatchError';
}

/** Checks a batch's token references against the number of rows it comes with; returns B. */
export function checkTokenBatch(batch: TokenBatch, rows: number): number {
  if (batch.windows.length !== rows || batch.positions.length !== rows || (batch.excluded && batch.excluded.length !== rows)) {
    throw new TokenBatchError(
      `A batch of ${rows} activation rows came with ${batch.windows.length} windows, ${batch.positions.length} positions` +
        `${batch.excluded ? ` and ${batch.excluded.length} filter flags` : ''}; each row needs exactly one of each.`,
    );
  }
  return rows;
}

/** The batch for `windows` whole windows of `length` tokens each, in order (window-major). */
export function wholeWindowBatch(firstWindow: number, windows: number, length: number): TokenBatch {
  const B = windows * length;
  const w = new Uint32Array(B);
  const p = new Uint32Array(B);
  for (let i = 0; i < B; i++) {
    w[i] = firstWindow + Math.floor(i / length);
    p[i] = i % length;
  }
  return { windows: w, positions: p };
}
