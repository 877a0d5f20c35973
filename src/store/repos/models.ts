// Language models: metadata rows; the files themselves are BlobStore keys in `files`.
import type { AssetStatus, ModelRecord } from '../../domain/entities';
import { ASSET_STATUS } from '../../domain/status';
import { db } from '../db';
import { timestampedRepository, transitionRecord, type RecordPatch } from '../repository';

export const modelRepo = timestampedRepository<ModelRecord>('model', (d) => d.models, { searchFields: ['name', 'status'] });

export function setModelStatus(id: string, to: AssetStatus, patch?: RecordPatch<ModelRecord>): Promise<ModelRecord> {
  return transitionRecord(db().models, 'model', ASSET_STATUS, id, to, patch);
}
