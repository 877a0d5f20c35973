// A training's metric series for charts, thinned so a long run stays cheap to draw.
import type { TrainingMetricRecord } from '../../domain/entities';
import { metricsOf } from '../../store/repos/trainingMetrics';

export const CHART_METRICS = ['loss', 'mse', 'l0', 'explained_variance', 'dead_fraction', 'lr'] as const;
export type ChartMetric = (typeof CHART_METRICS)[number] | 'mmcs';

export interface MetricSeries {
  steps: number[];
  values: Record<ChartMetric, (number | null)[]>;
}

/** Rows to columns; a missing value (MMCS is evaluated on some steps only) is null. */
export function toSeries(rows: readonly TrainingMetricRecord[]): MetricSeries {
  const keys: ChartMetric[] = [...CHART_METRICS, 'mmcs'];
  const values = Object.fromEntries(keys.map((k) => [k, [] as (number | null)[]])) as Record<ChartMetric, (number | null)[]>;
  const steps: number[] = [];
  for (const r of rows) {
    steps.push(r.step);
    for (const k of keys) {
      const v = r[k];
      values[k].push(typeof v === 'number' ? v : null);
    }
  }
  return { steps, values };
}

/** At most `maxPoints` rows of a training's metrics (the last one always kept), as columns. */
export async function metricSeries(trainingId: string, maxPoints = 20_000): Promise<MetricSeries> {
  return toSeries(await metricsOf(trainingId, { maxPoints }));
}
