// Evaluating an SAE inside its model (the SAE page's Evaluation panel): which token windows can be used,
// starting the 'evaluate' job, and its runs.
import type { SaeRecord, TokenizationRecord } from '../domain/entities';
import type { JobRecord } from '../domain/job';
import { DEFAULT_DENSE_THRESHOLD } from '../analysis/evaluation-metrics';
import type { EvaluateParams } from '../jobs/handlers/evaluateRun';
import { listJobs } from '../store/repos/jobs';
import { modelRepo } from '../store/repos/models';
import { saeRepo } from '../store/repos/saes';
import { tokenizationRepo } from '../store/repos/tokenizations';
import { enqueueJob } from './jobs';
import { saeAttachment, SteeringAssetError } from './steeringAssets';

export const DEFAULT_EVALUATION_WINDOWS = 64;

/** Why an SAE cannot be evaluated (null when it can): it must be attached to a model's hook. */
export function evaluationBlocker(sae: Pick<SaeRecord, 'modelId' | 'hook' | 'source'>): string | null {
  const { modelId, hook } = saeAttachment(sae);
  if (!modelId) return 'This SAE is not attached to a language model (it was trained on synthetic or cached activations), so there is no model to splice it into.';
  if (!hook) return 'This SAE does not say which hook point of its model it reads.';
  return null;
}

/** Ready tokenizations made with the SAE's model, newest first. */
export async function evaluationTokenizations(sae: Pick<SaeRecord, 'modelId' | 'hook' | 'source'>): Promise<TokenizationRecord[]> {
  const { modelId } = saeAttachment(sae);
  if (!modelId) return [];
  const all = await tokenizationRepo.all();
  return all.filter((t) => t.modelId === modelId && t.status === 'ready').sort((a, b) => b.createdAt - a.createdAt);
}

export interface EvaluationRequest {
  saeId: string;
  tokenizationId: string;
  windows?: number;
  denseThreshold?: number;
}

export async function startEvaluation(request: EvaluationRequest): Promise<JobRecord> {
  const sae = await saeRepo.require(request.saeId);
  const blocker = evaluationBlocker(sae);
  if (blocker) throw new SteeringAssetError(blocker, 'Import the SAE for a model, or train one on a model’s activations.');
  const { modelId } = saeAttachment(sae);
  const model = modelId ? await modelRepo.get(modelId) : undefined;
  if (!model) throw new SteeringAssetError('The SAE’s model is no longer in the studio.', 'Add the model again, then evaluate.');
  const tokenization = await tokenizationRepo.get(request.tokenizationId);
  if (!tokenization || tokenization.status !== 'ready') throw new SteeringAssetError('Choose tokenized text to evaluate on.', 'Tokenize a dataset with this model first.');
  const windows = request.windows ?? DEFAULT_EVALUATION_WINDOWS;
  if (!Number.isInteger(windows) || windows < 1) throw new SteeringAssetError('Evaluate on at least one window.', 'Enter a whole number of windows.');
  const params: EvaluateParams = {
    saeId: sae.id,
    modelId: model.id,
    tokenizationId: tokenization.id,
    windows: Math.min(windows, tokenization.windows),
    denseThreshold: request.denseThreshold ?? DEFAULT_DENSE_THRESHOLD,
  };
  return enqueueJob('evaluate', `Evaluate ${sae.name}`, params, { subjectId: sae.id, resumable: true });
}

/** Evaluation jobs of an SAE, newest first. */
export async function evaluationJobs(saeId: string): Promise<JobRecord[]> {
  return (await listJobs({ subjectId: saeId })).filter((j) => j.kind === 'evaluate');
}
