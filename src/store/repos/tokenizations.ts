// A dataset tokenized for one model at one context length.
import type { AssetStatus, TokenizationRecord } from '../../domain/entities';
import { ASSET_STATUS } from '../../domain/status';
import { db } from '../db';
import { timestampedRepository, transitionRecord, type RecordPatch } from '../repository';

export const tokenizationRepo = timestampedRepository<TokenizationRecord>('tokenization', (d) => d.tokenizations, { searchFields: ['status'] });

export function setTokenizationStatus(id: string, to: AssetStatus, patch?: RecordPatch<TokenizationRecord>): Promise<TokenizationRecord> {
  return transitionRecord(db().tokenizations, 'tokenization', ASSET_STATUS, id, to, patch);
}

export function tokenizationsOf(filter: { datasetId?: string; modelId?: string }): Promise<TokenizationRecord[]> {
  const t = db().tokenizations;
  const c = filter.datasetId !== undefined ? t.where('datasetId').equals(filter.datasetId) : filter.modelId !== undefined ? t.where('modelId').equals(filter.modelId) : t.toCollection();
  return c.filter((r) => filter.modelId === undefined || r.modelId === filter.modelId).sortBy('createdAt');
}
