// Trained SAEs: list and delete (export lives in services/interop/sae-export.ts). A finished training creates
// its SAE in the job (jobs/handlers/trainSae.ts).
import type { SaeRecord } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import type { ListQuery, ListResult } from '../../store/query';
import { deleteSaeWithData, saeRepo } from '../../store/repos/saes';
import { trainingRepo } from '../../store/repos/trainings';

export function listSaes(query: ListQuery<SaeRecord>): Promise<ListResult<SaeRecord>> {
  return saeRepo.list(query);
}

export function getSae(id: string): Promise<SaeRecord | undefined> {
  return saeRepo.get(id);
}

/** Deletes the SAE, its features, extraction results and weights; its training (if any) forgets it. */
export async function deleteSae(id: string, store?: BlobStore): Promise<void> {
  const sae = await saeRepo.get(id);
  const { blobKeys, blobPrefixes } = await deleteSaeWithData(id);
  const blobs = store ?? (await openBlobStore());
  for (const key of blobKeys) await blobs.delete(key);
  for (const prefix of blobPrefixes) for (const key of await blobs.list(prefix)) await blobs.delete(key);
  if (sae?.origin.kind === 'training') {
    const training = await trainingRepo.get(sae.origin.trainingId);
    if (training?.saeId === id) await trainingRepo.update(training.id, { saeId: undefined });
  }
}
