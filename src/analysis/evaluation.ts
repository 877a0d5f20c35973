// Evaluating an SAE inside its model on held-out token windows: per batch, run the model's prefix up to the
// hook, splice in the SAE's reconstruction (with its L0 and firing counts reduced on the device), and run
// the suffix three times (the clean activation, the reconstruction, zeros) to compare next-token losses.
import type { SaeSplice, SplicedLm } from '../lm/steering/spliced-lm';
import { floatValues } from '../lm/steering/ort-sessions';
import { addActivations, addLogits, type BatchRows, type EvaluationState } from './evaluation-metrics';

export interface EvaluationWindows {
  contextLength: number;
  /** windows [start, end): (end − start) × contextLength ids, and lengths when windows hold padding */
  read(start: number, end: number): Promise<{ tokens: ArrayLike<number>; lengths: ArrayLike<number> | null }>;
}

export interface EvaluationRun {
  spliced: SplicedLm;
  /** the SAE's splice graph with output 'reconstruction' and stats */
  splice: SaeSplice;
  windows: EvaluationWindows;
  /** the windows evaluated: [first, first + count) */
  first: number;
  count: number;
  batchWindows: number;
  /** tokens left out of the activation statistics (BOS, EOS, padding: special tokens) */
  excludedTokens: ReadonlySet<number>;
  state: EvaluationState;
  /** windows already done (a resumed run continues after them) */
  done: number;
  onBatch?(state: EvaluationState, done: number): Promise<void>;
  shouldStop?(): boolean;
}

export interface EvaluationOutcome {
  state: EvaluationState;
  done: number;
  stopped: boolean;
}

export async function runEvaluation(run: EvaluationRun): Promise<EvaluationOutcome> {
  const { spliced, splice, windows, state } = run;
  const seq = windows.contextLength;
  let done = run.done;
  while (done < run.count) {
    if (run.shouldStop?.()) return { state, done, stopped: true };
    const batch = Math.min(run.batchWindows, run.count - done);
    const start = run.first + done;
    const { tokens, lengths } = await windows.read(start, start + batch);
    const rows: BatchRows = { batch, seq, ids: tokens, lengths: lengths ?? new Array<number>(batch).fill(seq) };
    const prefix = await spliced.prefix(rows);
    const counted = new Float32Array(batch * seq);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < rows.lengths[b]; t++) counted[b * seq + t] = run.excludedTokens.has(tokens[b * seq + t]) ? 0 : 1;
    }
    const reconstruction = await splice.run(prefix.hook, counted);
    const clean = await spliced.suffix(prefix);
    const withSae = await spliced.suffix(prefix, reconstruction.activation);
    const zero = await spliced.suffix(prefix, spliced.zeros(prefix));
    addLogits(state, rows, clean.vocab, clean.values, withSae.values, zero.values);
    addActivations(state, await floatValues(prefix.hook), await floatValues(reconstruction.activation), counted, reconstruction.l0 ?? [], reconstruction.fires ?? []);
    done += batch;
    await run.onBatch?.(state, done);
  }
  return { state, done, stopped: false };
}

/** Windows per batch so that one logits tensor stays near `budget` floats (three are alive at once). */
export function evaluationBatchWindows(contextLength: number, vocab: number, budget = 8_000_000): number {
  return Math.max(1, Math.min(32, Math.floor(budget / Math.max(1, contextLength * vocab))));
}
