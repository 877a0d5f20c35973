// Text datasets imported from the Hub or from local files.
import type { AssetStatus, DatasetRecord } from '../../domain/entities';
import { ASSET_STATUS } from '../../domain/status';
import { db } from '../db';
import { timestampedRepository, transitionRecord, type RecordPatch } from '../repository';

export const datasetRepo = timestampedRepository<DatasetRecord>('dataset', (d) => d.datasets, { searchFields: ['name', 'status'] });

export function setDatasetStatus(id: string, to: AssetStatus, patch?: RecordPatch<DatasetRecord>): Promise<DatasetRecord> {
  return transitionRecord(db().datasets, 'dataset', ASSET_STATUS, id, to, patch);
}
