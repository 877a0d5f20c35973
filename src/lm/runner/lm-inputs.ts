// Feeds for a causal LM from stored token windows: input ids, attention mask and position ids for a batch
// of windows, with an optional BOS put in front of each, and the positions whose activations count (real
// tokens; not padding, not an inserted BOS). Pure, so the batching rules are tested without a model.
import type { TokenArray } from '../../data/tokenize';

export interface TokenWindowBatch {
  /** rows × contextLength ids, row-major */
  tokens: TokenArray;
  /** tokens before padding in each window; null when every window is full */
  lengths: Uint32Array | null;
  rows: number;
  contextLength: number;
}

export interface LmBatchOptions {
  /** put this id in front of every window (its position's activations are left out) */
  prependBos?: number;
  /** id written at padded positions (masked out, so any valid id works); default 0 */
  padId?: number;
}

export interface LmBatch {
  batch: number;
  /** sequence length fed to the model: the context length, plus one with a prepended BOS */
  seq: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** 0, 1, 2… over the real tokens of each row; padded positions get 1 (as Hugging Face does) */
  positionIds: BigInt64Array;
  /** flat positions (row · seq + t) whose activations are kept, in order */
  keep: Uint32Array;
}

export class LmBatchError extends Error {
  override readonly name = 'LmBatchError';
}

export function buildLmBatch(windows: TokenWindowBatch, options: LmBatchOptions = {}): LmBatch {
  const { rows, contextLength, tokens, lengths } = windows;
  if (tokens.length !== rows * contextLength) {
    throw new LmBatchError(`A batch of ${rows} windows of ${contextLength} tokens needs ${rows * contextLength} ids, not ${tokens.length}.`);
  }
  if (lengths && lengths.length !== rows) throw new LmBatchError(`A batch of ${rows} windows needs ${rows} lengths, not ${lengths.length}.`);
  const bos = options.prependBos;
  const offset = bos === undefined ? 0 : 1;
  const seq = contextLength + offset;
  const pad = BigInt(options.padId ?? 0);
  const inputIds = new BigInt64Array(rows * seq).fill(pad);
  const attentionMask = new BigInt64Array(rows * seq);
  const positionIds = new BigInt64Array(rows * seq).fill(1n);
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) {
    const length = Math.min(lengths ? (lengths[r] as number) : contextLength, contextLength);
    const base = r * seq;
    if (bos !== undefined) {
      inputIds[base] = BigInt(bos);
      attentionMask[base] = 1n;
      positionIds[base] = 0n;
    }
    for (let t = 0; t < length; t++) {
      const at = base + offset + t;
      inputIds[at] = BigInt(tokens[r * contextLength + t] as number);
      attentionMask[at] = 1n;
      positionIds[at] = BigInt(offset + t);
      keep.push(at);
    }
  }
  return { batch: rows, seq, inputIds, attentionMask, positionIds, keep: Uint32Array.from(keep) };
}

/** One prompt as a batch of one row: every position real, none left out. */
export function promptBatch(ids: readonly number[]): LmBatch {
  const seq = ids.length;
  return {
    batch: 1,
    seq,
    inputIds: BigInt64Array.from(ids, (id) => BigInt(id)),
    attentionMask: new BigInt64Array(seq).fill(1n),
    positionIds: BigInt64Array.from({ length: seq }, (_, t) => BigInt(t)),
    keep: Uint32Array.from({ length: seq }, (_, t) => t),
  };
}
