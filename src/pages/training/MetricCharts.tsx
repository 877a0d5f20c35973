// The live training curves: loss, MSE, L0, explained variance, dead fraction, learning rate (and MMCS for
// synthetic data), with other runs' curves overlaid (dashed) for comparison.
import { createMemo, For, Show } from 'solid-js';
import { Chart, SERIES_COLORS, type ChartSeries } from '../../components/Chart';
import { metricSeries, type ChartMetric, type MetricSeries } from '../../services/training/metrics';
import { createLiveData } from './liveData';

interface ChartSpec {
  metric: ChartMetric;
  title: string;
  log?: boolean;
  logToggle?: boolean;
}

const CHARTS: ChartSpec[] = [
  { metric: 'loss', title: 'Loss', log: true, logToggle: true },
  { metric: 'mse', title: 'MSE (reconstruction)', log: true, logToggle: true },
  { metric: 'l0', title: 'L0 (active latents per sample)', logToggle: true },
  { metric: 'explained_variance', title: 'Explained variance' },
  { metric: 'dead_fraction', title: 'Dead fraction' },
  { metric: 'lr', title: 'Learning rate', logToggle: true },
];

export interface ComparedRun {
  id: string;
  name: string;
}

export function MetricCharts(props: { trainingId: string; name: string; synthetic: boolean; compare: ComparedRun[] }) {
  const own = createLiveData(() => props.trainingId, (id) => metricSeries(id), { steps: [], values: {} } as unknown as MetricSeries);
  const others = createLiveData(
    () => props.compare.map((c) => c.id).join(','),
    async (key) => Promise.all(key === '' ? [] : key.split(',').map((id) => metricSeries(id))),
    [] as MetricSeries[],
  );
  const specs = () => (props.synthetic ? [...CHARTS, { metric: 'mmcs' as const, title: 'MMCS (recovery of the true features)' }] : CHARTS);
  const seriesFor = (metric: ChartMetric): ChartSeries[] => {
    const list: ChartSeries[] = [];
    const mine = own();
    if (mine.values[metric]) list.push(pick(mine, metric, props.name, SERIES_COLORS[0]!, false));
    others().forEach((s, i) => {
      const run = props.compare[i];
      if (run && s.values[metric]) list.push(pick(s, metric, run.name, SERIES_COLORS[(i + 1) % SERIES_COLORS.length]!, true));
    });
    return list;
  };
  const points = createMemo(() => own().steps.length);
  return (
    <section class="card" data-testid="training-charts" data-points={points()}>
      <h2>Curves</h2>
      <Show when={points() === 0}>
        <p class="muted small">The curves appear with the first metrics, a few steps into the run.</p>
      </Show>
      <div class="chart-grid">
        <For each={specs()}>
          {(spec) => <Chart title={spec.title} series={seriesFor(spec.metric)} log={spec.log} logToggle={spec.logToggle} testId={`chart-${spec.metric}`} />}
        </For>
      </div>
    </section>
  );
}

/** One metric as a series; steps without a value (MMCS between evaluations) are left out, not zero. */
function pick(s: MetricSeries, metric: ChartMetric, label: string, color: string, dashed: boolean): ChartSeries {
  const xs: number[] = [];
  const ys: number[] = [];
  s.values[metric].forEach((v, i) => {
    if (v !== null) {
      xs.push(s.steps[i]!);
      ys.push(v);
    }
  });
  return { label, xs, ys, color, dashed };
}
