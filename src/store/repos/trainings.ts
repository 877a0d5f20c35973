// SAE trainings: configuration, status and progress pointers. Metrics and checkpoints hang off a training
// and are deleted with it.
import type { TrainingRecord, TrainingStatus } from '../../domain/entities';
import { TRAINING_STATUS } from '../../domain/status';
import { db } from '../db';
import { timestampedRepository, transitionRecord, type RecordPatch } from '../repository';

export const trainingRepo = timestampedRepository<TrainingRecord>('training', (d) => d.trainings, { searchFields: ['name', 'status'] });

export function setTrainingStatus(id: string, to: TrainingStatus, patch?: RecordPatch<TrainingRecord>): Promise<TrainingRecord> {
  return transitionRecord(db().trainings, 'training', TRAINING_STATUS, id, to, patch);
}

/**
 * Deletes a training with its metrics and checkpoints in one transaction. Returns the checkpoint blob
 * keys, which the caller deletes from the BlobStore (blobs are not part of the database transaction).
 */
export async function deleteTrainingWithData(id: string): Promise<{ blobKeys: string[] }> {
  const d = db();
  return d.transaction('rw', [d.trainings, d.trainingMetrics, d.checkpoints], async () => {
    const checkpoints = await d.checkpoints.where('trainingId').equals(id).toArray();
    await d.checkpoints.bulkDelete(checkpoints.map((c) => c.id));
    await d.trainingMetrics.where('trainingId').equals(id).delete();
    await d.trainings.delete(id);
    return { blobKeys: checkpoints.map((c) => c.blobKey) };
  });
}
