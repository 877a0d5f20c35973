// Activations of one hook point saved to shards, for training without re-running the model.
import type { ActivationCacheRecord, AssetStatus } from '../../domain/entities';
import { ASSET_STATUS } from '../../domain/status';
import { db } from '../db';
import { timestampedRepository, transitionRecord, type RecordPatch } from '../repository';

export const activationCacheRepo = timestampedRepository<ActivationCacheRecord>('activation cache', (d) => d.activationCaches, {
  searchFields: ['hook', 'status'],
});

export function setActivationCacheStatus(id: string, to: AssetStatus, patch?: RecordPatch<ActivationCacheRecord>): Promise<ActivationCacheRecord> {
  return transitionRecord(db().activationCaches, 'activation cache', ASSET_STATUS, id, to, patch);
}

/** The blob keys of a cache's shards, for deleting its files along with the row. */
export function shardKeys(cache: ActivationCacheRecord): string[] {
  return cache.shards.map((s) => s.blobKey);
}
