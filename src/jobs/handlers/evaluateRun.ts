// The 'evaluate' job's work: splice an SAE into its model on held-out token windows (the last windows of a
// tokenization of that model, unless told otherwise) and store CE loss recovered, KL, explained variance,
// L0 and dead/dense fractions with the SAE. Checkpoints after every batch, so it continues where it stopped.
import { evaluationBatchWindows, runEvaluation } from '../../analysis/evaluation';
import { DEFAULT_DENSE_THRESHOLD, emptyEvaluationState, evaluationMetrics, parseEvaluationState, type EvaluationState } from '../../analysis/evaluation-metrics';
import type { SaeEvaluation } from '../../domain/entities';
import { SaeSplice } from '../../lm/steering/spliced-lm';
import { loadSpliceTarget, SteeringAssetError } from '../../services/steeringAssets';
import { loadModelTokenizer } from '../../services/tokenization/model-tokenizer';
import { openStoredWindows } from '../../services/tokenization/window-parts';
import type { BlobStore } from '../../store/blob-store';
import { saeRepo } from '../../store/repos/saes';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import type { JobContext, JobOutcome } from '../handlers';
import { sessionRequest } from './generateRun';
import { sessionsIdle, splicedModel, type SessionSource } from './generateSessions';

export interface EvaluateParams {
  saeId: string;
  modelId: string;
  tokenizationId: string;
  /** windows to evaluate */
  windows: number;
  /** first window; absent: the last `windows` windows of the tokenization */
  firstWindow?: number;
  /** windows per model run; absent: sized from the context length and vocabulary */
  batchWindows?: number;
  denseThreshold?: number;
}

export interface EvaluateCheckpoint {
  done: number;
  state: EvaluationState;
}

export interface EvaluateDeps extends SessionSource {
  blobs: BlobStore;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseEvaluateParams(value: unknown): EvaluateParams {
  if (!isRecord(value) || typeof value.saeId !== 'string' || typeof value.modelId !== 'string' || typeof value.tokenizationId !== 'string') {
    throw new SteeringAssetError('The evaluation job does not name its SAE, model and token windows.', 'Start the evaluation again from the SAE page.');
  }
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!positive(value.windows)) throw new SteeringAssetError('The evaluation needs a positive number of windows.', 'Start the evaluation again from the SAE page.');
  const params: EvaluateParams = { saeId: value.saeId, modelId: value.modelId, tokenizationId: value.tokenizationId, windows: value.windows as number };
  if (typeof value.firstWindow === 'number' && Number.isInteger(value.firstWindow) && value.firstWindow >= 0) params.firstWindow = value.firstWindow;
  if (positive(value.batchWindows)) params.batchWindows = value.batchWindows as number;
  if (typeof value.denseThreshold === 'number' && value.denseThreshold > 0 && value.denseThreshold < 1) params.denseThreshold = value.denseThreshold;
  return params;
}

export async function runEvaluate(ctx: JobContext<unknown>, deps: EvaluateDeps): Promise<JobOutcome> {
  const params = parseEvaluateParams(ctx.job.params);
  await ctx.reportProgress({ phase: 'loading', done: 0, total: 0, message: 'Loading the model, SAE and token windows' });
  const target = await loadSpliceTarget(params.modelId, params.saeId, deps.blobs);
  const tokenization = await tokenizationRepo.get(params.tokenizationId);
  if (!tokenization) throw new SteeringAssetError('The token windows to evaluate on no longer exist.', 'Choose another tokenization.');
  if (tokenization.modelId !== target.model.id) {
    throw new SteeringAssetError('These token windows were made with another model’s tokenizer.', `Choose a tokenization made for ${target.model.name}.`);
  }
  const windows = await openStoredWindows(tokenization, deps.blobs);
  if (target.contextLength !== undefined && windows.contextLength > target.contextLength) {
    throw new SteeringAssetError(`Windows of ${windows.contextLength} tokens are longer than the model reads (${target.contextLength}).`, 'Tokenize with a shorter context length.');
  }
  const count = Math.min(params.windows, windows.count);
  const first = Math.min(params.firstWindow ?? windows.count - count, windows.count - count);
  if (count <= 0) throw new SteeringAssetError('The tokenization holds no windows.', 'Tokenize a dataset first.');
  const tokenizer = await loadModelTokenizer(target.model, deps.blobs);
  const excluded = new Set([tokenizer.bosId, tokenizer.eosId, tokenizer.padId].filter((id): id is number => id !== null));

  const { lm, factory, backend } = await splicedModel(deps, sessionRequest(target));
  const splice = await SaeSplice.create(factory, target.spliceSae, { output: 'reconstruction', stats: true }, lm.hookType);
  const { dIn, dSae } = target.spliceSae;
  const saved = isRecord(ctx.job.checkpoint) ? ctx.job.checkpoint : undefined;
  const resumedState = saved ? parseEvaluationState(saved.state, dIn, dSae) : null;
  const resumedDone = resumedState && typeof saved?.done === 'number' ? Math.min(saved.done, count) : 0;
  const batchWindows = params.batchWindows ?? evaluationBatchWindows(windows.contextLength, target.vocabSize ?? 50_000);
  const report = (done: number) =>
    ctx.reportProgress({ phase: 'evaluating', done, total: count, message: `${done} of ${count} windows (${backend})` });
  await report(resumedDone);
  try {
    const outcome = await runEvaluation({
      spliced: lm,
      splice,
      windows,
      first,
      count,
      batchWindows,
      excludedTokens: excluded,
      state: resumedState ?? emptyEvaluationState(dIn, dSae),
      done: resumedDone,
      onBatch: async (state, done) => {
        await ctx.checkpoint({ done, state } satisfies EvaluateCheckpoint);
        await report(done);
      },
      shouldStop: () => ctx.shouldStop() !== null,
    });
    if (outcome.stopped) return { status: 'stopped' };
    const m = evaluationMetrics(outcome.state, params.denseThreshold ?? DEFAULT_DENSE_THRESHOLD);
    const evaluation: SaeEvaluation = {
      modelId: target.model.id,
      hook: target.hook,
      tokenizationId: tokenization.id,
      firstWindow: first,
      windows: m.windows,
      tokens: m.tokens,
      ceClean: m.ceClean,
      ceSpliced: m.ceSpliced,
      ceZero: m.ceZero,
      ceLossRecovered: m.ceLossRecovered,
      kl: m.kl,
      explainedVariance: m.explainedVariance,
      l0: m.l0,
      deadFraction: m.deadFraction,
      denseFraction: m.denseFraction,
      denseThreshold: m.denseThreshold,
      jobId: ctx.job.id,
      evaluatedAt: Date.now(),
    };
    await saeRepo.update(target.sae.id, { evaluation });
    return { status: 'completed', message: `CE loss recovered ${formatRatio(m.ceLossRecovered)} · KL ${m.kl.toPrecision(3)} · explained variance ${formatRatio(m.explainedVariance)} · L0 ${m.l0.toFixed(1)}` };
  } finally {
    await splice.release();
    sessionsIdle();
  }
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}
