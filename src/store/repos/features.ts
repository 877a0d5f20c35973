// SAE features: statistics from extraction plus the user's label, category, notes and favourite mark.
// Statistics are re-computed by extraction runs; what the user wrote is never overwritten by them.
import type { FeatureRecord } from '../../domain/entities';
import { monotonicNow } from '../clock';
import { db } from '../db';
import { queryTable, type ListQuery, type ListResult } from '../query';

export function featureId(saeId: string, index: number): string {
  return `${saeId}:${index}`;
}

export type FeatureStats = Pick<FeatureRecord, 'index'> & Partial<Pick<FeatureRecord, 'density' | 'maxActivation' | 'meanActivation' | 'topTokens'>>;
export type FeatureAnnotation = Partial<Pick<FeatureRecord, 'label' | 'category' | 'notes' | 'favourite'>>;

function blankFeature(saeId: string, index: number): FeatureRecord {
  return { id: featureId(saeId, index), saeId, index, label: '', category: '', notes: '', favourite: 0, updatedAt: 0 };
}

/** Stores extraction statistics, creating feature rows as needed and keeping existing annotations. */
export async function saveFeatureStats(saeId: string, stats: readonly FeatureStats[]): Promise<void> {
  const d = db();
  await d.transaction('rw', d.features, async () => {
    const existing = await d.features.bulkGet(stats.map((s) => featureId(saeId, s.index)));
    const now = monotonicNow();
    const rows = stats.map((s, i): FeatureRecord => ({ ...(existing[i] ?? blankFeature(saeId, s.index)), ...s, updatedAt: now }));
    await d.features.bulkPut(rows);
  });
}

export function getFeature(saeId: string, index: number): Promise<FeatureRecord | undefined> {
  return db().features.get(featureId(saeId, index));
}

/** Sets the user's annotations; a feature not yet extracted gets a row of its own. */
export async function annotateFeature(saeId: string, index: number, patch: FeatureAnnotation): Promise<FeatureRecord> {
  const d = db();
  return d.transaction('rw', d.features, async () => {
    const current = (await d.features.get(featureId(saeId, index))) ?? blankFeature(saeId, index);
    const next: FeatureRecord = { ...current, ...patch, id: current.id, saeId, index, updatedAt: monotonicNow() };
    await d.features.put(next);
    return next;
  });
}

/** One SAE's features, searched in label, category, notes and top tokens. */
export function listFeatures(saeId: string, query: ListQuery<FeatureRecord>): Promise<ListResult<FeatureRecord>> {
  // saeId first: the list narrows by the first indexed filter
  const { saeId: _ignored, ...rest } = query.filters ?? {};
  return queryTable(db().features, { ...query, filters: { saeId, ...rest } }, { searchFields: ['label', 'category', 'notes', 'topTokens'] });
}

export function deleteFeaturesOf(saeId: string): Promise<number> {
  return db().features.where('saeId').equals(saeId).delete();
}
