// Steering use-cases: what can be steered (ready models and the SAEs attached to them), finding features,
// starting a generation or an ablation as a 'generate' job on the GPU lane, stopping it, reading its
// streamed result, and keeping runs as saved experiments to reopen later.
import type { FeatureRecord, ModelRecord, SaeRecord, SteeringExperiment } from '../domain/entities';
import type { JobRecord } from '../domain/job';
import { parseGenerationParams, type GenerationParams } from '../lm/generate';
import { planSteeringVariants, type SteeringMode } from '../lm/steering/plan';
import { parseSteeringRunParams, steeringRunResult, type AblateRunParams, type GenerateRunParams, type SteeringRunResult } from '../lm/steering/run-params';
import { SteeringError, type SteeringFeature } from '../lm/steering/steering-vector';
import type { FeatureClamp } from '../lm/steering/sae-graph';
import { db } from '../store/db';
import type { ListQuery, ListResult } from '../store/query';
import { listJobs } from '../store/repos/jobs';
import { modelRepo } from '../store/repos/models';
import { saeRepo } from '../store/repos/saes';
import { steeringExperimentRepo } from '../store/repos/steeringExperiments';
import { cancelJob, enqueueJob } from './jobs';
import { saeAttachment } from './steeringAssets';

export async function steerableModels(): Promise<ModelRecord[]> {
  const models = await modelRepo.all();
  return models.filter((m) => m.status === 'ready').sort((a, b) => a.name.localeCompare(b.name));
}

/** SAEs attached to the model (imported for it, or trained on its activations), newest first. */
export async function saesForModel(modelId: string): Promise<SaeRecord[]> {
  const saes = await saeRepo.all();
  return saes.filter((s) => saeAttachment(s).modelId === modelId && saeAttachment(s).hook !== undefined).sort((a, b) => b.createdAt - a.createdAt);
}

/** Features of an SAE whose label, category, notes or top tokens contain every word (or whose index is the text). */
export async function searchFeatures(saeId: string, text: string, limit = 20): Promise<FeatureRecord[]> {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const all = await db().features.where('saeId').equals(saeId).toArray();
  const asIndex = /^#?\d+$/.test(text.trim()) ? Number(text.trim().replace('#', '')) : undefined;
  const matches = all.filter((f) => {
    if (f.index === asIndex) return true;
    if (words.length === 0) return f.label !== '' || f.favourite === 1;
    const haystack = [f.label, f.category, f.notes, ...(f.topTokens ?? [])].join('\n').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
  return matches.sort((a, b) => b.favourite - a.favourite || a.index - b.index).slice(0, limit);
}

interface RunTarget {
  modelId: string;
  saeId: string;
  prompt: string;
  prependBos: boolean;
}

export interface GenerationRequest extends RunTarget {
  mode: SteeringMode;
  features: SteeringFeature[];
  strengths?: number[];
  /** checked and completed with defaults (parseGenerationParams) */
  generation: Partial<GenerationParams>;
}

export interface AblationRequest extends RunTarget {
  ablate: number[];
  clamp: FeatureClamp[];
  keepError: boolean;
  topK?: number;
}

async function checkTarget(target: RunTarget): Promise<SaeRecord> {
  if (target.prompt.trim() === '') throw new SteeringError('Write a prompt first.');
  const sae = await saeRepo.get(target.saeId);
  if (!sae) throw new SteeringError('Choose an SAE.');
  if (saeAttachment(sae).modelId !== target.modelId) throw new SteeringError(`The SAE "${sae.name}" does not belong to the chosen model.`);
  return sae;
}

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

export async function startGeneration(request: GenerationRequest): Promise<JobRecord> {
  const sae = await checkTarget(request);
  const generation = parseGenerationParams(request.generation);
  const strengths = request.mode === 'sweep' ? request.strengths : undefined;
  // fails early, on this page, with the same checks the job makes
  planSteeringVariants({ mode: request.mode, features: request.features, ...(strengths ? { strengths } : {}) }, sae.dSae);
  const params: GenerateRunParams = {
    kind: 'generate',
    modelId: request.modelId,
    saeId: request.saeId,
    prompt: request.prompt,
    prependBos: request.prependBos,
    mode: request.mode,
    features: request.features.map((f) => ({ index: f.index, coefficient: f.coefficient })),
    generation,
    ...(strengths ? { strengths: [...strengths] } : {}),
  };
  return enqueueJob('generate', `Steer (${request.mode}): “${clip(request.prompt, 40)}”`, params, { subjectId: sae.id, resumable: true });
}

export async function startAblation(request: AblationRequest): Promise<JobRecord> {
  const sae = await checkTarget(request);
  const edited = [...request.ablate, ...request.clamp.map((c) => c.index)];
  if (edited.length === 0) throw new SteeringError('Choose at least one feature to ablate or clamp.');
  const bad = edited.find((i) => !Number.isInteger(i) || i < 0 || i >= sae.dSae);
  if (bad !== undefined) throw new SteeringError(`Feature ${bad} does not exist: this SAE has features 0 to ${sae.dSae - 1}.`);
  if (request.clamp.some((c) => !Number.isFinite(c.value))) throw new SteeringError('A clamped feature needs a value.');
  const params: AblateRunParams = {
    kind: 'ablate',
    modelId: request.modelId,
    saeId: request.saeId,
    prompt: request.prompt,
    prependBos: request.prependBos,
    ablate: [...request.ablate],
    clamp: request.clamp.map((c) => ({ index: c.index, value: c.value })),
    keepError: request.keepError,
    topK: request.topK ?? 10,
  };
  return enqueueJob('generate', `Ablate ${edited.map((i) => `#${i}`).join(', ')}: “${clip(request.prompt, 40)}”`, params, { subjectId: sae.id, resumable: false });
}

/** Stops a running or queued run; what it generated so far stays in its result. */
export function stopSteeringRun(jobId: string): Promise<JobRecord> {
  return cancelJob(jobId);
}

/** Steering runs (generations and ablations), newest first; of one SAE when given. */
export async function steeringRuns(saeId?: string): Promise<JobRecord[]> {
  const jobs = await listJobs(saeId ? { subjectId: saeId } : {});
  return jobs.filter((j) => j.kind === 'generate');
}

export function runResult(job: Pick<JobRecord, 'checkpoint'>): SteeringRunResult | null {
  return steeringRunResult(job.checkpoint);
}

/** The request a run was started with, to put back in the form. */
export function runRequest(job: Pick<JobRecord, 'params'>): GenerationRequest | AblationRequest {
  const params = parseSteeringRunParams(job.params);
  if (params.kind === 'ablate') {
    const { kind: _kind, ...rest } = params;
    return rest;
  }
  const { kind: _kind, ...rest } = params;
  return rest;
}

// ---- saved experiments ----

export function defaultExperimentName(prompt: string, mode: SteeringMode): string {
  return `${clip(prompt, 40)} (${mode})`;
}

/** Keeps a generation run (its prompt, features, coefficients, settings and outputs) as an experiment. */
export async function saveExperiment(jobId: string, name: string): Promise<SteeringExperiment> {
  const job = await db().jobs.get(jobId);
  if (!job) throw new SteeringError('This run no longer exists.');
  const params = parseSteeringRunParams(job.params);
  if (params.kind !== 'generate') throw new SteeringError('Only generation runs can be saved as experiments.');
  const result = steeringRunResult(job.checkpoint);
  if (!result || result.kind !== 'generate') throw new SteeringError('This run has no outputs yet.');
  const { stopSequences, ...numbers } = params.generation;
  const experiment: Omit<SteeringExperiment, 'id' | 'createdAt' | 'updatedAt'> = {
    name: name.trim() || defaultExperimentName(params.prompt, params.mode),
    modelId: params.modelId,
    saeId: params.saeId,
    prompt: params.prompt,
    features: params.features,
    params: { ...numbers, stopSequences },
    outputs: result.outputs.map((o) => ({
      label: result.variants[o.variant]?.label ?? `Variant ${o.variant + 1}`,
      text: o.text,
      sample: o.sample,
      ...(o.stopReason ? { stopReason: o.stopReason } : {}),
    })),
    mode: params.mode,
    prependBos: params.prependBos,
    ...(params.strengths ? { strengths: params.strengths } : {}),
  };
  return steeringExperimentRepo.create(experiment);
}

export function listExperiments(query: ListQuery<SteeringExperiment>): Promise<ListResult<SteeringExperiment>> {
  return steeringExperimentRepo.list(query);
}

export function getExperiment(id: string): Promise<SteeringExperiment | undefined> {
  return steeringExperimentRepo.get(id);
}

export function renameExperiment(id: string, name: string): Promise<SteeringExperiment> {
  if (name.trim() === '') throw new SteeringError('An experiment needs a name.');
  return steeringExperimentRepo.update(id, { name: name.trim() });
}

export function deleteExperiment(id: string): Promise<void> {
  return steeringExperimentRepo.delete(id);
}

/** The request an experiment was made with, to put back in the form and run again. */
export function experimentRequest(experiment: SteeringExperiment): GenerationRequest {
  const p = experiment.params;
  const number = (key: keyof GenerationParams) => (typeof p[key] === 'number' ? { [key]: p[key] } : {});
  const generation: Partial<GenerationParams> = {
    ...number('maxNewTokens'),
    ...number('temperature'),
    ...number('topK'),
    ...number('topP'),
    ...number('repetitionPenalty'),
    ...number('seed'),
    ...number('samples'),
    ...(Array.isArray(p.stopSequences) ? { stopSequences: p.stopSequences } : {}),
  };
  return {
    modelId: experiment.modelId,
    saeId: experiment.saeId,
    prompt: experiment.prompt,
    prependBos: experiment.prependBos ?? false,
    mode: experiment.mode ?? 'compare',
    features: experiment.features,
    ...(experiment.strengths ? { strengths: experiment.strengths } : {}),
    generation,
  };
}
