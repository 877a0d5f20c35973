// Runs that compute feature statistics and examples for an SAE over a tokenized dataset.
import type { AssetStatus, FeatureExtractionRecord } from '../../domain/entities';
import { ASSET_STATUS } from '../../domain/status';
import { db } from '../db';
import { timestampedRepository, transitionRecord, type RecordPatch } from '../repository';

export const featureExtractionRepo = timestampedRepository<FeatureExtractionRecord>('feature extraction', (d) => d.featureExtractions, {
  searchFields: ['status'],
});

export function setFeatureExtractionStatus(id: string, to: AssetStatus, patch?: RecordPatch<FeatureExtractionRecord>): Promise<FeatureExtractionRecord> {
  return transitionRecord(db().featureExtractions, 'feature extraction', ASSET_STATUS, id, to, patch);
}

export function extractionsOf(saeId: string): Promise<FeatureExtractionRecord[]> {
  return db().featureExtractions.where('saeId').equals(saeId).sortBy('createdAt');
}
