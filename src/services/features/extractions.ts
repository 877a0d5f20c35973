// Use-cases on feature extraction runs: what an SAE can be extracted over (tokenized datasets of its model,
// activation caches of its hook), start a run (checked, queued as a GPU job), find an earlier run with the
// same settings (its results are reused rather than computed again), cancel, list.
import { checkExtractionSettings, settingsKey, type ExtractionSettings } from '../../analysis/extraction';
import type { ActivationCacheRecord, DatasetRecord, FeatureExtractionRecord, ModelRecord, SaeRecord, TokenizationRecord } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { canTransitionJob } from '../../domain/status';
import type { ExtractFeaturesParams } from '../../jobs/handlers/extractFeaturesRun';
import { activationCacheRepo } from '../../store/repos/activationCaches';
import { datasetRepo } from '../../store/repos/datasets';
import { extractionsOf, featureExtractionRepo, setFeatureExtractionStatus } from '../../store/repos/featureExtractions';
import { listJobs, setStatus as setJobStatus } from '../../store/repos/jobs';
import { modelRepo } from '../../store/repos/models';
import { saeRepo } from '../../store/repos/saes';
import { tokenizationRepo } from '../../store/repos/tokenizations';
import { enqueueJob } from '../jobs';

export class ExtractionRequestError extends Error {
  override readonly name = 'ExtractionRequestError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

export interface ExtractionRequest {
  saeId: string;
  tokenizationId: string;
  /** the model hook the SAE reads; default: the SAE's own */
  hook?: string;
  /** read activations from this cache instead of running the model */
  cacheId?: string;
  templateId?: string;
  settings: ExtractionSettings;
}

/** The hook an SAE reads: recorded on it, in its training source, or in its SAELens metadata. */
export function saeHook(sae: Pick<SaeRecord, 'hook' | 'source' | 'cfg'>): string | undefined {
  if (sae.hook) return sae.hook;
  if (sae.source?.kind === 'model') return sae.source.hook;
  const metadata = sae.cfg['metadata'];
  const fromMeta = typeof metadata === 'object' && metadata !== null && 'hook_name' in metadata ? metadata.hook_name : sae.cfg['hook_name'];
  return typeof fromMeta === 'string' && fromMeta !== '' ? fromMeta : undefined;
}

/** The model an SAE belongs to, when it is known. */
export function saeModelId(sae: Pick<SaeRecord, 'modelId' | 'source'>): string | undefined {
  return sae.modelId ?? (sae.source?.kind === 'model' ? sae.source.modelId : undefined);
}

export interface TokenizationChoice {
  tokenization: TokenizationRecord;
  dataset: DatasetRecord | undefined;
  model: ModelRecord;
  /** caches of the SAE's hook over this tokenization */
  caches: ActivationCacheRecord[];
}

export interface ExtractionOptions {
  sae: SaeRecord;
  hook: string | undefined;
  /** ready tokenizations of the SAE's model (of any model with an .onnx graph when the SAE's is unknown) */
  choices: TokenizationChoice[];
}

/** What the extraction form offers for an SAE. */
export async function extractionOptions(saeId: string): Promise<ExtractionOptions> {
  const sae = await saeRepo.get(saeId);
  if (!sae) throw new ExtractionRequestError('This SAE no longer exists.', 'Pick another SAE.');
  const hook = saeHook(sae);
  const modelId = saeModelId(sae);
  const models = new Map((await modelRepo.all()).filter((m) => m.status === 'ready' && m.files.some((f) => f.role === 'model')).map((m) => [m.id, m]));
  const datasets = new Map((await datasetRepo.all()).map((d) => [d.id, d]));
  const caches = (await activationCacheRepo.all()).filter((c) => c.status === 'ready' && c.hook === hook);
  const choices: TokenizationChoice[] = [];
  for (const t of await tokenizationRepo.all()) {
    const model = models.get(t.modelId);
    if (t.status !== 'ready' || !model || (modelId !== undefined && t.modelId !== modelId)) continue;
    choices.push({ tokenization: t, dataset: datasets.get(t.datasetId), model, caches: caches.filter((c) => c.tokenizationId === t.id) });
  }
  choices.sort((a, b) => b.tokenization.createdAt - a.tokenization.createdAt);
  return { sae, hook, choices };
}

/**
 * The SAE's latest run, when it finished over the same data with the same settings: the features shown are
 * then exactly the ones asked for (an older run's are not: a later run has rewritten the rows).
 */
export async function matchingExtraction(request: ExtractionRequest): Promise<FeatureExtractionRecord | undefined> {
  const settings = checkExtractionSettings(request.settings);
  const latest = (await extractionsOf(request.saeId)).pop();
  if (!latest || latest.status !== 'ready' || !latest.settings) return undefined;
  const same = latest.tokenizationId === request.tokenizationId && (latest.cacheId ?? '') === (request.cacheId ?? '') && settingsKey(latest.settings) === settingsKey(settings);
  return same ? latest : undefined;
}

export interface StartedExtraction {
  extraction: FeatureExtractionRecord;
  job: JobRecord;
}

const ACTIVE: ReadonlySet<JobRecord['status']> = new Set(['queued', 'running', 'paused', 'interrupted']);

/** Checks the request and queues the extraction on the GPU lane. */
export async function startExtraction(request: ExtractionRequest): Promise<StartedExtraction> {
  const sae = await saeRepo.get(request.saeId);
  if (!sae) throw new ExtractionRequestError('This SAE no longer exists.', 'Pick another SAE.');
  const tokenization = await tokenizationRepo.get(request.tokenizationId);
  if (!tokenization) throw new ExtractionRequestError('Choose a tokenized dataset to run the SAE over.', 'Tokenize a dataset with the SAE’s model on the Datasets page first.');
  if (tokenization.status !== 'ready') throw new ExtractionRequestError('That tokenized dataset is not finished yet.', 'Wait for its tokenization to finish.');
  const model = await modelRepo.get(tokenization.modelId);
  if (!model || model.status !== 'ready') throw new ExtractionRequestError('The model of that tokenized dataset is missing or not ready.', 'Add the model again on the Models page.');
  if (!model.files.some((f) => f.role === 'model')) {
    throw new ExtractionRequestError(`"${model.name}" has no .onnx graph, so it cannot be run.`, 'Import the model together with its .onnx file.');
  }
  const saeModel = saeModelId(sae);
  if (saeModel !== undefined && saeModel !== model.id) {
    throw new ExtractionRequestError(`"${sae.name}" was trained on another model than "${model.name}".`, 'Pick a dataset tokenized with the SAE’s own model.');
  }
  const hook = request.hook?.trim() || saeHook(sae);
  if (!hook) throw new ExtractionRequestError('It is not known which hook of the model this SAE reads.', 'Enter the hook name, e.g. blocks.0.hook_resid_post.');
  const width = model.info?.dModel;
  if (width !== undefined && /hook_(resid_(pre|mid|post)|attn_out|mlp_out)$/.test(hook) && width !== sae.dIn) {
    throw new ExtractionRequestError(`"${sae.name}" reads ${sae.dIn} values per token, but ${hook} of "${model.name}" has ${width}.`, 'Pick the model the SAE was trained on.');
  }
  if (request.cacheId) {
    const cache = await activationCacheRepo.get(request.cacheId);
    if (!cache || cache.status !== 'ready') throw new ExtractionRequestError('That activation cache is missing or not finished.', 'Run the model instead, or wait for the cache.');
    if (cache.hook !== hook || cache.tokenizationId !== tokenization.id) {
      throw new ExtractionRequestError(`That activation cache holds ${cache.hook} of another tokenized dataset.`, 'Pick a cache of the SAE’s hook over the chosen dataset.');
    }
  }
  let settings: ExtractionSettings;
  try {
    settings = checkExtractionSettings(request.settings);
  } catch (error) {
    throw new ExtractionRequestError(error instanceof Error ? error.message : String(error), 'Correct the settings.');
  }
  for (const e of await extractionsOf(sae.id)) {
    if (e.status !== 'pending' && e.status !== 'running') continue;
    const jobs = await listJobs({ subjectId: e.id });
    if (jobs.some((j) => ACTIVE.has(j.status))) {
      throw new ExtractionRequestError(`An extraction of "${sae.name}" is already queued or running.`, 'Wait for it to finish, or cancel it first.');
    }
  }
  const created = await featureExtractionRepo.create({
    saeId: sae.id,
    tokenizationId: tokenization.id,
    modelId: model.id,
    hook,
    status: 'pending',
    tokens: 0,
    settings,
    ...(request.cacheId ? { cacheId: request.cacheId } : {}),
    ...(request.templateId ? { templateId: request.templateId } : {}),
  });
  const params: ExtractFeaturesParams = { extractionId: created.id };
  const job = await enqueueJob('extract-features', `Extract features · ${sae.name}`, params, { subjectId: created.id, resumable: false });
  const extraction = await featureExtractionRepo.update(created.id, { jobId: job.id });
  return { extraction, job };
}

export function listExtractions(saeId: string): Promise<FeatureExtractionRecord[]> {
  return extractionsOf(saeId);
}

/** The job of an extraction run (its latest). */
export async function extractionJob(extraction: Pick<FeatureExtractionRecord, 'id'>): Promise<JobRecord | undefined> {
  const jobs = await listJobs({ subjectId: extraction.id });
  return jobs.sort((a, b) => b.createdAt - a.createdAt)[0];
}

/** Cancels the run's job; a run that never started is marked cancelled at once. */
export async function cancelExtraction(id: string): Promise<void> {
  const extraction = await featureExtractionRepo.require(id);
  const job = await extractionJob(extraction);
  if (job && canTransitionJob(job, 'cancelled')) await setJobStatus(job.id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Cancelled' } });
  const now = await featureExtractionRepo.get(id);
  // a running job marks its run itself at its next step; one still queued never will
  if (now?.status === 'pending') await setFeatureExtractionStatus(id, 'failed', { error: 'The extraction was cancelled.', errorAction: 'Start a new extraction when you want one.' });
}
