// Checkpoints of a training: list (best marked), download, delete. Writing and retention happen in the
// 'train' job (see jobs/handlers/trainCheckpoints.ts).
import type { CheckpointRecord } from '../../domain/entities';
import { bestCheckpoint } from '../../sae/training/retention';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import { checkpointsOf, deleteCheckpoint, latestCheckpoint, requireCheckpoint } from '../../store/repos/checkpoints';
import { trainingRepo } from '../../store/repos/trainings';

export interface CheckpointRow {
  checkpoint: CheckpointRecord;
  best: boolean;
}

/** A training's checkpoints, newest first, with the lowest-loss one marked. */
export async function listCheckpoints(trainingId: string): Promise<CheckpointRow[]> {
  const all = await checkpointsOf(trainingId);
  const best = bestCheckpoint(all.map((c) => ({ id: c.id, step: c.step, loss: c.metrics.loss })));
  return all.reverse().map((checkpoint) => ({ checkpoint, best: checkpoint.id === best?.id }));
}

export function checkpointFileName(trainingName: string, step: number): string {
  const base = trainingName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'training';
  return `${base}-step-${step}.safetensors`;
}

/** The checkpoint's safetensors file, for download. */
export async function checkpointFile(id: string, store?: BlobStore): Promise<{ fileName: string; blob: Blob }> {
  const checkpoint = await requireCheckpoint(id);
  const training = await trainingRepo.get(checkpoint.trainingId);
  const blobs = store ?? (await openBlobStore());
  const blob = await blobs.read(checkpoint.blobKey);
  return { fileName: checkpointFileName(training?.name ?? 'training', checkpoint.step), blob };
}

/** Deletes a checkpoint and its file; the training then resumes from the newest one left. */
export async function deleteCheckpointWithFile(id: string, store?: BlobStore): Promise<void> {
  const removed = await deleteCheckpoint(id);
  if (!removed) return;
  const blobs = store ?? (await openBlobStore());
  await blobs.delete(removed.blobKey);
  const training = await trainingRepo.get(removed.trainingId);
  if (training?.latestCheckpointId === id) {
    const newest = await latestCheckpoint(removed.trainingId);
    await trainingRepo.update(training.id, { latestCheckpointId: newest?.id });
  }
}
