// Training checkpoints in the BlobStore (`trainings/<id>/ckpt-<step>.safetensors`, a TrainerState via
// encodeCheckpoint) with a CheckpointRecord each, and the retention policy: keep the newest K and the best.
import type { CheckpointRecord } from '../../domain/entities';
import type { StepMetrics } from '../../sae/config';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../sae/checkpoint';
import type { TrainerState } from '../../sae/state';
import { checkpointsToDelete } from '../../sae/training/retention';
import type { BlobStore } from '../../store/blob-store';
import { checkpointsOf, createCheckpoint, deleteCheckpoint } from '../../store/repos/checkpoints';
import { trainingRepo } from '../../store/repos/trainings';

export function checkpointKey(trainingId: string, step: number): string {
  return `trainings/${trainingId}/ckpt-${step}.safetensors`;
}

/** Saves the state as a checkpoint, applies retention and points the training at it. */
export async function saveTrainingCheckpoint(
  blobs: BlobStore,
  trainingId: string,
  state: TrainerState,
  metrics: Partial<StepMetrics> & { mmcs?: number },
  keepLast: number,
): Promise<CheckpointRecord> {
  const existing = (await checkpointsOf(trainingId)).find((c) => c.step === state.step);
  if (existing) return existing;
  const key = checkpointKey(trainingId, state.step);
  const bytes = encodeCheckpoint(state);
  await blobs.write(key, bytes);
  const row = await createCheckpoint({ trainingId, step: state.step, blobKey: key, bytes: bytes.length, metrics });
  await trainingRepo.update(trainingId, { latestCheckpointId: row.id });
  const all = await checkpointsOf(trainingId);
  const doomed = checkpointsToDelete(
    all.map((c) => ({ id: c.id, step: c.step, loss: c.metrics.loss })),
    keepLast,
  );
  for (const c of doomed) {
    const removed = await deleteCheckpoint(c.id);
    if (removed) await blobs.delete(removed.blobKey);
  }
  return row;
}

export interface LoadedCheckpoint {
  record: CheckpointRecord;
  state: TrainerState;
  /** newer checkpoints that could not be read (missing or damaged files), newest first */
  skipped: { step: number; reason: string }[];
}

/** The newest checkpoint that reads back cleanly, or undefined when there is none. */
export async function loadLatestCheckpoint(blobs: BlobStore, trainingId: string): Promise<LoadedCheckpoint | undefined> {
  const all = (await checkpointsOf(trainingId)).reverse();
  const skipped: LoadedCheckpoint['skipped'] = [];
  for (const record of all) {
    try {
      const bytes = new Uint8Array(await (await blobs.read(record.blobKey)).arrayBuffer());
      const state = decodeCheckpoint(bytes);
      if (state.step !== record.step) throw new CheckpointError(`the file holds step ${state.step}, not ${record.step}`);
      return { record, state, skipped };
    } catch (e) {
      skipped.push({ step: record.step, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return undefined;
}
