// Use-cases on trainings: create (validated, queued as a GPU job), list with search/sort/paging, rename,
// pause, resume, cancel, delete. The 'train' job handler does the work and writes progress back.
import type { TrainingRecord, TrainingStatus } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { isTerminal, JOB_STATUS, canTransitionJob } from '../../domain/status';
import { validateTrainingSpec, type TrainingSpec } from '../../sae/training/spec';
import type { SaeConfig } from '../../sae/config';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import type { ListQuery, ListResult } from '../../store/query';
import { getJob, listJobs, setStatus as setJobStatus } from '../../store/repos/jobs';
import { deleteTrainingWithData, setTrainingStatus, trainingRepo } from '../../store/repos/trainings';
import { enqueueJob } from '../jobs';
import { assertSourceUsable } from './sources';
import { effectiveTrainingStatus, trainingActions, transitionPath } from '../../sae/training/training-status';
import type { TrainJobParams } from '../../jobs/handlers/trainLoop';

export type NewTraining = Omit<TrainingSpec, 'config'> & { config: Partial<SaeConfig> };

export class TrainingActionError extends Error {
  override name = 'TrainingActionError';
}

export function trainingBlobPrefix(trainingId: string): string {
  return `trainings/${trainingId}/`;
}

/** Validates the spec, stores the training and queues its GPU job. */
export async function createTraining(input: NewTraining): Promise<TrainingRecord> {
  const spec = validateTrainingSpec(input);
  await assertSourceUsable(spec.source, spec.config.d_in);
  const row: Omit<TrainingRecord, 'id' | 'createdAt' | 'updatedAt'> = {
    name: spec.name,
    config: spec.config,
    batchSize: spec.batchSize,
    seed: spec.seed,
    source: spec.source,
    checkpointEvery: spec.checkpointEvery,
    keepCheckpoints: spec.keepCheckpoints,
    inputScaling: spec.inputScaling,
    bDecInit: spec.bDecInit,
    metricsEvery: spec.metricsEvery,
    mmcsEvery: spec.mmcsEvery,
    status: 'queued',
    step: 0,
    elapsedMs: 0,
    runs: [],
  };
  if (spec.templateId !== undefined) row.templateId = spec.templateId;
  const training = await trainingRepo.create(row);
  const job = await enqueueTrainJob(training);
  return trainingRepo.update(training.id, { jobId: job.id });
}

function enqueueTrainJob(training: TrainingRecord): Promise<JobRecord> {
  const params: TrainJobParams = { trainingId: training.id };
  return enqueueJob('train', `Train ${training.name}`, params, { subjectId: training.id, resumable: true });
}

export function getTraining(id: string): Promise<TrainingRecord | undefined> {
  return trainingRepo.get(id);
}

export function listTrainings(query: ListQuery<TrainingRecord>): Promise<ListResult<TrainingRecord>> {
  return trainingRepo.list(query);
}

export interface TrainingWithJob {
  training: TrainingRecord;
  job: JobRecord | undefined;
  /** what the user sees: the job's status wins while the training expects it to be alive */
  status: TrainingStatus;
}

export async function withJob(training: TrainingRecord): Promise<TrainingWithJob> {
  const job = training.jobId ? await getJob(training.jobId) : undefined;
  return { training, job, status: effectiveTrainingStatus(training, job) };
}

/** A page of trainings with their jobs (for the cards: rate, ETA and the job's error). */
export async function listTrainingsWithJobs(query: ListQuery<TrainingRecord>): Promise<ListResult<TrainingWithJob>> {
  const page = await trainingRepo.list(query);
  return { rows: await Promise.all(page.rows.map(withJob)), total: page.total };
}

export async function getTrainingWithJob(id: string): Promise<TrainingWithJob | undefined> {
  const training = await trainingRepo.get(id);
  return training ? withJob(training) : undefined;
}

export async function renameTraining(id: string, name: string): Promise<TrainingRecord> {
  const trimmed = name.trim();
  if (trimmed === '') throw new TrainingActionError('The name must not be empty.');
  return trainingRepo.update(id, { name: trimmed });
}

/** Writes the status the user sees (see effectiveTrainingStatus) into the training row. */
export async function reconcileTraining(id: string): Promise<TrainingWithJob> {
  const view = await withJob(await trainingRepo.require(id));
  const path = transitionPath(view.training.status, view.status) ?? [];
  let training = view.training;
  for (const to of path) {
    const patch = to === 'failed' && view.job?.error && !training.error ? { error: view.job.error.message } : {};
    training = await setTrainingStatus(id, to, patch);
  }
  return { training, job: view.job, status: training.status };
}

/** Reconciles every training that expects a live job (run once when the training pages open). */
export async function reconcileTrainings(): Promise<void> {
  const active = await trainingRepo.list({ filters: { status: ['queued', 'running'] }, page: 0, pageSize: 10_000 });
  for (const t of active.rows) await reconcileTraining(t.id);
}

export async function pauseTraining(id: string): Promise<TrainingRecord> {
  const { training, job } = await reconcileTraining(id);
  if (!trainingActions(training.status).pause || !job) throw new TrainingActionError(`A ${training.status} training cannot be paused.`);
  // the training first, so the handler (which sees the job change) finds it paused when it saves
  const paused = await setTrainingStatus(id, 'paused');
  await setJobStatus(job.id, 'paused', { progress: { rate: 0, etaSeconds: null, message: 'Paused' } });
  return paused;
}

/** Back into the queue; the run continues from the latest checkpoint with its step count. */
export async function resumeTraining(id: string): Promise<TrainingRecord> {
  const { training, job } = await reconcileTraining(id);
  if (!trainingActions(training.status).resume) throw new TrainingActionError(`A ${training.status} training cannot be resumed.`);
  if (job && canTransitionJob(job, 'queued')) {
    await setJobStatus(job.id, 'queued', { progress: { rate: 0, etaSeconds: null, message: 'Waiting for the GPU' } });
    return setTrainingStatus(id, 'queued', { error: undefined });
  }
  const fresh = await enqueueTrainJob(training);
  return setTrainingStatus(id, 'queued', { jobId: fresh.id, error: undefined });
}

export async function cancelTraining(id: string): Promise<TrainingRecord> {
  const { training, job } = await reconcileTraining(id);
  // cancelled already (e.g. from the job queue): nothing more to do
  if (training.status === 'cancelled') return training;
  if (!trainingActions(training.status).cancel) throw new TrainingActionError(`A ${training.status} training cannot be cancelled.`);
  const cancelled = await setTrainingStatus(id, 'cancelled');
  if (job && !isTerminal(JOB_STATUS, job.status) && canTransitionJob(job, 'cancelled')) {
    await setJobStatus(job.id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Cancelled' } });
  }
  return cancelled;
}

/** Deletes a training with its metrics, checkpoints and their files; a running job is cancelled first. */
export async function deleteTraining(id: string, store?: BlobStore): Promise<void> {
  const jobs = await listJobs({ subjectId: id });
  for (const job of jobs) {
    if (!isTerminal(JOB_STATUS, job.status) && canTransitionJob(job, 'cancelled')) {
      await setJobStatus(job.id, 'cancelled', { progress: { rate: 0, etaSeconds: null, message: 'Training deleted' } });
    }
  }
  const { blobKeys } = await deleteTrainingWithData(id);
  const blobs = store ?? (await openBlobStore());
  const keys = new Set([...blobKeys, ...(await blobs.list(trainingBlobPrefix(id)))]);
  for (const key of keys) await blobs.delete(key);
}
