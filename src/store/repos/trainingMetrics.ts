// Per-step training metrics, keyed by [trainingId+step] so a re-written step replaces its row.
import Dexie from 'dexie';
import type { TrainingMetricRecord } from '../../domain/entities';
import { db } from '../db';

export async function appendMetrics(rows: readonly TrainingMetricRecord[]): Promise<void> {
  if (rows.length > 0) await db().trainingMetrics.bulkPut([...rows]);
}

export interface MetricRange {
  fromStep?: number;
  toStep?: number;
  /** at most this many points, evenly thinned (the last point is always kept), for charts */
  maxPoints?: number;
}

/** A training's metrics in step order. */
export async function metricsOf(trainingId: string, range: MetricRange = {}): Promise<TrainingMetricRecord[]> {
  const rows = await db()
    .trainingMetrics.where('[trainingId+step]')
    .between([trainingId, range.fromStep ?? Dexie.minKey], [trainingId, range.toStep ?? Dexie.maxKey], true, true)
    .toArray();
  return range.maxPoints === undefined ? rows : thin(rows, range.maxPoints);
}

export function latestMetric(trainingId: string): Promise<TrainingMetricRecord | undefined> {
  return db()
    .trainingMetrics.where('[trainingId+step]')
    .between([trainingId, Dexie.minKey], [trainingId, Dexie.maxKey])
    .last();
}

/** Drops metrics after `step`, e.g. when a training resumes from an earlier checkpoint. */
export async function deleteMetricsAfter(trainingId: string, step: number): Promise<number> {
  return db()
    .trainingMetrics.where('[trainingId+step]')
    .between([trainingId, step], [trainingId, Dexie.maxKey], false, true)
    .delete();
}

export function deleteMetricsOf(trainingId: string): Promise<number> {
  return db().trainingMetrics.where('trainingId').equals(trainingId).delete();
}

/** Keeps every k-th row (k chosen so at most maxPoints remain) plus the last row. */
export function thin<T>(rows: readonly T[], maxPoints: number): T[] {
  const max = Math.max(2, Math.floor(maxPoints));
  if (rows.length <= max) return [...rows];
  const stride = Math.ceil((rows.length - 1) / (max - 1));
  const out: T[] = [];
  for (let i = 0; i < rows.length - 1; i += stride) out.push(rows[i]!);
  out.push(rows[rows.length - 1]!);
  return out;
}
