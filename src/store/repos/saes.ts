// Trained or imported sparse autoencoders. Features, their examples and extraction runs belong to an SAE
// and are deleted with it.
import type { SaeRecord } from '../../domain/entities';
import { blobKey } from '../blob-key';
import { db } from '../db';
import { timestampedRepository } from '../repository';

export const saeRepo = timestampedRepository<SaeRecord>('SAE', (d) => d.saes, { searchFields: ['name', 'architecture', 'hook'] });

/**
 * Deletes an SAE with its features, feature examples and extraction runs in one transaction. Returns its
 * weights' blob key and its extractions' blob folders for the caller to delete from the BlobStore.
 */
export async function deleteSaeWithData(id: string): Promise<{ blobKeys: string[]; blobPrefixes: string[] }> {
  const d = db();
  return d.transaction('rw', [d.saes, d.features, d.featureExamples, d.featureExtractions], async () => {
    const sae = await d.saes.get(id);
    const extractions = await d.featureExtractions.where('saeId').equals(id).primaryKeys();
    await d.features.where('saeId').equals(id).delete();
    await d.featureExamples.where('saeId').equals(id).delete();
    await d.featureExtractions.where('saeId').equals(id).delete();
    await d.saes.delete(id);
    // each extraction's blobs (details, saved progress) live under its own folder
    return { blobKeys: sae ? [sae.blobKey] : [], blobPrefixes: extractions.map((e) => `${blobKey('features', 'extractions', e)}/`) };
  });
}
