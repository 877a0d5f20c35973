// Example contexts for a feature: the top activations and samples across activation quantiles.
import type { FeatureExampleRecord } from '../../domain/entities';
import { db } from '../db';

type ExampleKind = FeatureExampleRecord['kind'];

/** `kind` is part of the id: top and quantile examples share rank numbers. */
export function exampleId(saeId: string, featureIndex: number, kind: ExampleKind, rank: number): string {
  return `${saeId}:${featureIndex}:${kind}:${rank}`;
}

export type NewFeatureExample = Omit<FeatureExampleRecord, 'id'>;

/** Writes examples (several features at once is fine); a row with the same feature, kind and rank is replaced. */
export async function putExamples(rows: readonly NewFeatureExample[]): Promise<void> {
  if (rows.length === 0) return;
  await db().featureExamples.bulkPut(rows.map((r) => ({ ...r, id: exampleId(r.saeId, r.featureIndex, r.kind, r.rank) })));
}

/** Replaces all examples of one feature. */
export async function replaceExamples(saeId: string, featureIndex: number, rows: readonly Omit<NewFeatureExample, 'saeId' | 'featureIndex'>[]): Promise<void> {
  const d = db();
  await d.transaction('rw', d.featureExamples, async () => {
    await d.featureExamples.where('[saeId+featureIndex]').equals([saeId, featureIndex]).delete();
    await putExamples(rows.map((r) => ({ ...r, saeId, featureIndex })));
  });
}

/** A feature's examples: top examples by rank, then quantile examples by rank. */
export async function examplesOf(saeId: string, featureIndex: number): Promise<FeatureExampleRecord[]> {
  const rows = await db().featureExamples.where('[saeId+featureIndex]').equals([saeId, featureIndex]).toArray();
  const kindOrder: Record<ExampleKind, number> = { top: 0, quantile: 1 };
  return rows.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.rank - b.rank);
}

export function deleteExamplesOf(saeId: string): Promise<number> {
  return db().featureExamples.where('saeId').equals(saeId).delete();
}
