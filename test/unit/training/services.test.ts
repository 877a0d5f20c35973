import 'fake-indexeddb/auto';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../src/domain/status';
import { runTraining } from '../../../src/jobs/handlers/trainLoop';
import { checkpointFile, checkpointFileName, deleteCheckpointWithFile, listCheckpoints } from '../../../src/services/training/checkpoints';
import { metricSeries, toSeries } from '../../../src/services/training/metrics';
import { collectBytes } from '../../../src/interop';
import { saeLensExport } from '../../../src/services/interop/sae-export';
import { deleteSae, listSaes } from '../../../src/services/training/saes';
import { saveSpecAsTemplate, templateForForm } from '../../../src/services/training/templates';
import {
  cancelTraining,
  createTraining,
  deleteTraining,
  getTrainingWithJob,
  listTrainings,
  listTrainingsWithJobs,
  pauseTraining,
  reconcileTraining,
  reconcileTrainings,
  renameTraining,
  resumeTraining,
  TrainingActionError,
} from '../../../src/services/training/trainings';
import { TrainingSpecError } from '../../../src/sae/training/spec';
import { readSaeLensFolder } from '../../../src/sae/formats/saelens';
import { checkpointsOf } from '../../../src/store/repos/checkpoints';
import { getJob, listJobs, markRunningAsInterrupted, setStatus as setJobStatus } from '../../../src/store/repos/jobs';
import { metricsOf } from '../../../src/store/repos/trainingMetrics';
import { saeRepo } from '../../../src/store/repos/saes';
import { trainingRepo } from '../../../src/store/repos/trainings';
import { fakeContext, referenceFactory, tinySpec, useFreshStores } from './helpers';

async function trainToEnd(id: string, stores: ReturnType<typeof useFreshStores>) {
  const training = await trainingRepo.require(id);
  await setJobStatus(training.jobId!, 'running');
  let t = 0;
  await runTraining(fakeContext({ trainingId: id }), { createTrainer: referenceFactory, blobs: stores.blobs(), now: () => (t += 5), flushIntervalMs: 10 });
  await setJobStatus(training.jobId!, 'completed');
}

describe('training services', () => {
  const stores = useFreshStores();

  it('create stores a queued training and queues its resumable GPU job', async () => {
    const t = await createTraining(tinySpec({ name: '  My run  ' }));
    expect(t).toMatchObject({ name: 'My run', status: 'queued', step: 0, keepCheckpoints: 2, metricsEvery: 2, runs: [] });
    const job = await getJob(t.jobId!);
    expect(job).toMatchObject({ kind: 'train', lane: 'gpu', status: 'queued', subjectId: t.id, resumable: true, params: { trainingId: t.id } });
    await expect(createTraining(tinySpec({ batchSize: 0 }))).rejects.toThrow(TrainingSpecError);
    expect((await listTrainings({ page: 0, pageSize: 10 })).total).toBe(1);
  });

  it('lists with search, status filter, sort and pages; renames', async () => {
    for (const name of ['alpha relu', 'beta topk', 'gamma topk', 'delta', 'epsilon']) await createTraining(tinySpec({ name }));
    const all = await listTrainings({ sort: { field: 'name', dir: 'asc' }, page: 0, pageSize: 2 });
    expect(all.total).toBe(5);
    expect(all.rows.map((r) => r.name)).toEqual(['alpha relu', 'beta topk']);
    const page2 = await listTrainings({ sort: { field: 'name', dir: 'asc' }, page: 2, pageSize: 2 });
    expect(page2.rows.map((r) => r.name)).toEqual(['gamma topk']);
    expect((await listTrainings({ search: 'topk', page: 0, pageSize: 10 })).rows.map((r) => r.name).sort()).toEqual(['beta topk', 'gamma topk']);
    const newest = await listTrainings({ sort: { field: 'createdAt', dir: 'desc' }, page: 0, pageSize: 1 });
    expect(newest.rows[0]!.name).toBe('epsilon');
    const target = all.rows[0]!;
    await renameTraining(target.id, ' renamed ');
    expect((await trainingRepo.require(target.id)).name).toBe('renamed');
    await expect(renameTraining(target.id, '  ')).rejects.toThrow(TrainingActionError);
    await setJobStatus(target.jobId!, 'cancelled');
    await cancelTraining(target.id);
    expect((await listTrainings({ filters: { status: 'cancelled' }, page: 0, pageSize: 10 })).rows.map((r) => r.id)).toEqual([target.id]);
    const withJobs = await listTrainingsWithJobs({ sort: { field: 'name', dir: 'asc' }, page: 0, pageSize: 10 });
    expect(withJobs.rows.every((r) => r.job?.subjectId === r.training.id)).toBe(true);
  });

  it('pause, resume and cancel move the training and its job together; illegal actions say why', async () => {
    const t = await createTraining(tinySpec());
    await expect(pauseTraining(t.id)).rejects.toThrow('A queued training cannot be paused.');
    await setJobStatus(t.jobId!, 'running');
    await trainingRepo.update(t.id, { status: 'running' });
    expect((await pauseTraining(t.id)).status).toBe('paused');
    expect((await getJob(t.jobId!))!.status).toBe('paused');
    expect((await resumeTraining(t.id)).status).toBe('queued');
    expect((await getJob(t.jobId!))!.status).toBe('queued');
    expect((await cancelTraining(t.id)).status).toBe('cancelled');
    expect((await getJob(t.jobId!))!.status).toBe('cancelled');
    await expect(resumeTraining(t.id)).rejects.toThrow('A cancelled training cannot be resumed.');
  });

  it('a reload (running job marked interrupted) shows the training interrupted; resume requeues the same job', async () => {
    const t = await createTraining(tinySpec());
    await setJobStatus(t.jobId!, 'running');
    await trainingRepo.update(t.id, { status: 'running' });
    await markRunningAsInterrupted();
    expect((await getTrainingWithJob(t.id))!.status).toBe('interrupted');
    await reconcileTrainings();
    expect((await trainingRepo.require(t.id)).status).toBe('interrupted');
    await resumeTraining(t.id);
    expect((await trainingRepo.require(t.id)).status).toBe('queued');
    expect((await getJob(t.jobId!))!.status).toBe('queued');
  });

  it('a failed job fails its training with the job’s reason; resume retries; a lost job gets a new one', async () => {
    const t = await createTraining(tinySpec());
    await setJobStatus(t.jobId!, 'running');
    await setJobStatus(t.jobId!, 'failed', { error: { message: 'The GPU device was lost (unknown).' } });
    const view = await reconcileTraining(t.id);
    expect(view.training).toMatchObject({ status: 'failed', error: 'The GPU device was lost (unknown).' });
    await resumeTraining(t.id);
    expect((await trainingRepo.require(t.id)).error).toBeUndefined();

    const lost = await createTraining(tinySpec());
    await setJobStatus(lost.jobId!, 'running');
    await trainingRepo.update(lost.id, { status: 'running' });
    await setJobStatus(lost.jobId!, 'completed');
    expect((await reconcileTraining(lost.id)).training.status).toBe('interrupted');
    const resumed = await resumeTraining(lost.id);
    expect(resumed.jobId).not.toBe(lost.jobId);
    expect((await getJob(resumed.jobId!))!.status).toBe('queued');
  });

  it('a full run: checkpoints (best marked, download, delete), metric series, SAE listed and exported as SAELens', async () => {
    const t = await createTraining(tinySpec({ name: 'Full run: tiny/TopK' }));
    await trainToEnd(t.id, stores);
    const done = await trainingRepo.require(t.id);
    expect(done.status).toBe('completed');

    const rows = await listCheckpoints(t.id);
    expect(rows[0]!.checkpoint.step).toBe(40);
    expect(rows.filter((r) => r.best)).toHaveLength(1);
    const file = await checkpointFile(rows[0]!.checkpoint.id, stores.blobs());
    expect(file.fileName).toBe('Full_run_tiny_TopK-step-40.safetensors');
    expect(file.blob.size).toBe(rows[0]!.checkpoint.bytes);
    expect(checkpointFileName('', 3)).toBe('training-step-3.safetensors');

    await deleteCheckpointWithFile(rows[0]!.checkpoint.id, stores.blobs());
    const after = await trainingRepo.require(t.id);
    expect(after.latestCheckpointId).toBe(rows[1]!.checkpoint.id);
    expect(await stores.blobs().has(rows[0]!.checkpoint.blobKey)).toBe(false);

    const series = await metricSeries(t.id);
    expect(series.steps).toHaveLength(20);
    expect(series.values.mmcs.filter((v) => v !== null)).toHaveLength(4);
    expect(toSeries([]).steps).toEqual([]);

    const saes = await listSaes({ search: 'tiny', page: 0, pageSize: 10 });
    expect(saes.total).toBe(1);
    const sae = saes.rows[0]!;
    const zip = await saeLensExport(sae.id, stores.blobs());
    expect(zip.fileName).toBe('Full_run_tiny_TopK.zip');
    const files = unzipSync(await collectBytes(zip.chunks));
    const folder = 'Full_run_tiny_TopK';
    const imported = readSaeLensFolder(new TextDecoder().decode(files[`${folder}/cfg.json`]!), files[`${folder}/sae_weights.safetensors`]!);
    expect(imported).toMatchObject({ architecture: 'topk', d_in: 4, d_sae: 8, k: 1 });

    await deleteSae(sae.id, stores.blobs());
    expect(await saeRepo.get(sae.id)).toBeUndefined();
    expect(await stores.blobs().has(sae.blobKey)).toBe(false);
    expect((await trainingRepo.require(t.id)).saeId).toBeUndefined();
  });

  it('delete removes the training, its metrics, checkpoints and files, and cancels a live job', async () => {
    const t = await createTraining(tinySpec());
    await trainToEnd(t.id, stores);
    const again = await createTraining(tinySpec({ name: 'other' }));
    expect((await checkpointsOf(t.id)).length).toBeGreaterThan(0);
    await deleteTraining(t.id, stores.blobs());
    expect(await trainingRepo.get(t.id)).toBeUndefined();
    expect(await checkpointsOf(t.id)).toEqual([]);
    expect(await metricsOf(t.id)).toEqual([]);
    expect(await stores.blobs().list(`trainings/${t.id}/`)).toEqual([]);
    // the SAE outlives its training
    expect((await listSaes({ page: 0, pageSize: 10 })).total).toBe(1);

    await deleteTraining(again.id, stores.blobs());
    expect((await listJobs({ subjectId: again.id }))[0]!.status).toBe('cancelled');
    await expect(pauseTraining(again.id)).rejects.toThrow(/does not exist/);
  });

  it('templates: a built-in opens the form; the form’s settings save as a user template', async () => {
    const builtIn = await templateForForm('builtin-training-toy-topk');
    expect(builtIn).toMatchObject({ builtIn: true, batchSize: 256, config: { architecture: 'topk', d_sae: 96 } });
    expect(await templateForForm('nope')).toBeUndefined();
    const saved = await saveSpecAsTemplate(tinySpec(), ' My tiny set-up ');
    expect(saved).toMatchObject({ name: 'My tiny set-up', builtIn: false, batchSize: 8, config: { architecture: 'topk', d_in: 4, d_sae: 8, k: 1 } });
    expect(await templateForForm(saved.id)).toMatchObject({ id: saved.id });
    await expect(saveSpecAsTemplate(tinySpec(), '')).rejects.toThrow(/name/);
  });

  it('status changes follow the training status machine', async () => {
    const t = await createTraining(tinySpec());
    await trainToEnd(t.id, stores);
    await expect(cancelTraining(t.id)).rejects.toThrow('A completed training cannot be cancelled.');
    await expect(trainingRepo.update(t.id, {})).resolves.toBeDefined();
    const { setTrainingStatus } = await import('../../../src/store/repos/trainings');
    await expect(setTrainingStatus(t.id, 'running')).rejects.toThrow(IllegalTransitionError);
  });
});
