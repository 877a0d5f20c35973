// Ablation and clamping at the prompt: zero chosen features (or fix them to a value) in the SAE's
// reconstruction at every position and compare the next-token distribution after the prompt with the
// clean model's: top tokens before and after, and KL(before ‖ after).
import { topNextTokens, type NextToken } from '../runner/top-tokens';
import { klDivergence, softmax } from './distribution';
import { encodeRow, topActiveLatents } from './encode-row';
import { floatValues } from './ort-sessions';
import { SaeSplice, type SplicedLm } from './spliced-lm';
import type { FeatureClamp, SpliceSae } from './sae-graph';
import type { SessionFactory } from './ort-sessions';
import { SteeringError } from './steering-vector';

export interface AblationRequest {
  ablate: number[];
  clamp: FeatureClamp[];
  /**
   * true: only the edited features change (x + (z' − z)·W_dec), so "before" is the model itself.
   * false: the whole activation is replaced by the edited reconstruction (the SAE's error is lost as well).
   */
  keepError: boolean;
  /** tokens listed before and after */
  topK: number;
}

export interface TokenChange {
  id: number;
  before: number;
  after: number;
}

export interface AblationResult {
  /** prompt tokens; the distribution is the one after the last */
  promptTokens: number;
  before: NextToken[];
  after: NextToken[];
  /** every token in either list, with its probability before and after */
  changes: TokenChange[];
  /** KL(before ‖ after) in nats */
  kl: number;
  /** the edited features' activations at the last prompt token, before editing */
  editedActivations: { index: number; value: number }[];
  /** the most active features at the last prompt token (to find features worth ablating) */
  activeFeatures: { index: number; value: number }[];
}

export async function ablationEffect(
  spliced: SplicedLm,
  factory: SessionFactory,
  sae: SpliceSae,
  promptIds: readonly number[],
  request: AblationRequest,
): Promise<AblationResult> {
  if (request.ablate.length + request.clamp.length === 0) throw new SteeringError('Choose at least one feature to ablate or clamp.');
  if (promptIds.length === 0) throw new SteeringError('The prompt is empty: write some text first.');
  const rows = { batch: 1, seq: promptIds.length, ids: promptIds };
  const run = await spliced.prefix(rows);
  const edit = await SaeSplice.create(factory, sae, { output: request.keepError ? 'keep-error' : 'reconstruction', ablate: request.ablate, clamp: request.clamp }, spliced.hookType);
  try {
    const clean = await spliced.suffix(run);
    const edited = await spliced.suffix(run, (await edit.run(run.hook)).activation);
    const last = promptIds.length - 1;
    const vocab = clean.vocab;
    const before = topNextTokens(clean.values, vocab, last, request.topK);
    const after = topNextTokens(edited.values, vocab, last, request.topK);
    const pBefore = softmax(clean.values, last * vocab, vocab);
    const pAfter = softmax(edited.values, last * vocab, vocab);
    const ids = [...new Set([...before, ...after].map((t) => t.id))];
    const changes = ids
      .map((id) => ({ id, before: pBefore[id], after: pAfter[id] }))
      .sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
    const x = await floatValues(run.hook);
    const width = sae.dIn;
    const z = encodeRow(sae, x.subarray(last * width, (last + 1) * width));
    const editedIndices = [...request.ablate, ...request.clamp.map((c) => c.index)];
    return {
      promptTokens: promptIds.length,
      before,
      after,
      changes,
      kl: klDivergence(clean.values, edited.values, last * vocab, last * vocab, vocab),
      editedActivations: editedIndices.map((index) => ({ index, value: z[index] })),
      activeFeatures: topActiveLatents(z, 10),
    };
  } finally {
    await edit.release();
  }
}
