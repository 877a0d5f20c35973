// Trained SAEs: list, delete, and export as a SAELens folder in a .zip. A finished training creates its SAE
// in the job (jobs/handlers/trainSae.ts).
import { zipSync } from 'fflate';
import type { SaeRecord } from '../../domain/entities';
import { SAELENS_CFG_FILENAME, SAELENS_WEIGHTS_FILENAME } from '../../sae/formats/saelens';
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

/** Deletes the SAE, its features and weights; its training (if any) forgets it. */
export async function deleteSae(id: string, store?: BlobStore): Promise<void> {
  const sae = await saeRepo.get(id);
  const { blobKeys } = await deleteSaeWithData(id);
  const blobs = store ?? (await openBlobStore());
  for (const key of blobKeys) await blobs.delete(key);
  if (sae?.origin.kind === 'training') {
    const training = await trainingRepo.get(sae.origin.trainingId);
    if (training?.saeId === id) await trainingRepo.update(training.id, { saeId: undefined });
  }
}

export function saeFolderName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|_+$/g, '') || 'sae';
}

/** A .zip with one folder holding cfg.json and sae_weights.safetensors, as SAELens loads it. */
export async function saeLensZip(id: string, store?: BlobStore): Promise<{ fileName: string; bytes: Uint8Array }> {
  const sae = await saeRepo.require(id);
  const blobs = store ?? (await openBlobStore());
  const weights = new Uint8Array(await (await blobs.read(sae.blobKey)).arrayBuffer());
  const folder = saeFolderName(sae.name);
  const cfg = new TextEncoder().encode(JSON.stringify(sae.cfg, null, 2));
  // safetensors barely compresses; store it so the zip is quick to build and to open
  const bytes = zipSync({ [folder]: { [SAELENS_CFG_FILENAME]: cfg, [SAELENS_WEIGHTS_FILENAME]: [weights, { level: 0 }] } }, { level: 6 });
  return { fileName: `${folder}.zip`, bytes };
}
