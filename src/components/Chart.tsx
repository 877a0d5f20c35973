// A line chart (uPlot) for training curves. Live data is redrawn at most every `throttleMs`, thinned to a
// few points per pixel (each bucket keeps its extremes, so spikes stay visible), and several series with
// different x values (other runs to compare) are aligned on one axis.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import { downsampleIndices } from '../sae/training/downsample';
import './Chart.css';

export interface ChartSeries {
  label: string;
  xs: readonly number[];
  /** null: no value at that x (a gap) */
  ys: readonly (number | null)[];
  color: string;
  dashed?: boolean;
}

export interface ChartProps {
  title: string;
  series: ChartSeries[];
  /** offer a log-scale switch (and start in log scale when `log` is true) */
  logToggle?: boolean;
  log?: boolean;
  height?: number;
  /** format of y tick labels */
  format?: (v: number) => string;
  testId?: string;
  throttleMs?: number;
}

export const SERIES_COLORS = ['#7cc4ff', '#f0c36a', '#6fd49a', '#f27a7a', '#c59bff', '#ff9f6b', '#5fd6d0'];

/** Points kept per pixel of plot width. */
const POINTS_PER_PIXEL = 2;

export function Chart(props: ChartProps) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastDraw = 0;
  const [log, setLog] = createSignal(props.log ?? false);
  const [width, setWidth] = createSignal(600);
  const height = () => props.height ?? 200;

  const data = (): uPlot.AlignedData => {
    const maxPoints = Math.max(64, Math.floor(width() * POINTS_PER_PIXEL));
    const tables = props.series.map((s): uPlot.AlignedData => {
      const ys = s.ys.map((v) => (v === null || !Number.isFinite(v) || (log() && v <= 0) ? null : v));
      const idx = downsampleIndices(ys.map((v) => v ?? Number.NaN), maxPoints);
      return [idx.map((i) => s.xs[i]!), idx.map((i) => ys[i]!)];
    });
    if (tables.length === 0) return [[]];
    return tables.length === 1 ? tables[0]! : uPlot.join(tables);
  };

  const build = () => {
    plot?.destroy();
    const axis: uPlot.Axis = { stroke: '#98a2b6', grid: { stroke: '#2b3344', width: 1 }, ticks: { stroke: '#2b3344', width: 1 } };
    const yAxis: uPlot.Axis = { ...axis, size: 64 };
    const format = props.format;
    if (format) yAxis.values = (_u, ticks) => ticks.map(format);
    const opts: uPlot.Options = {
      width: width(),
      height: height(),
      legend: { show: props.series.length > 1 },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: log() ? { distr: 3 } : {} },
      axes: [axis, yAxis],
      series: [{ label: 'step' }, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, ...(s.dashed ? { dash: [6, 4] } : {}) }))],
    };
    plot = new uPlot(opts, data(), host);
    lastDraw = performance.now();
  };

  const redraw = () => {
    timer = undefined;
    lastDraw = performance.now();
    if (!plot || plot.series.length !== props.series.length + 1) build();
    else plot.setData(data());
  };

  onMount(() => {
    setWidth(Math.max(200, host.clientWidth));
    build();
    const observer = new ResizeObserver(() => {
      const w = Math.max(200, Math.floor(host.clientWidth));
      if (w !== width()) {
        setWidth(w);
        plot?.setSize({ width: w, height: height() });
      }
    });
    observer.observe(host);
    onCleanup(() => observer.disconnect());
  });

  // series labels/colours changed (a run added to the comparison): rebuild; new points: throttled redraw
  createEffect(() => {
    const labels = props.series.map((s) => s.label + s.color).join('|');
    void labels;
    void props.series.map((s) => s.xs.length);
    if (!plot) return;
    if (timer !== undefined) return;
    const wait = Math.max(0, (props.throttleMs ?? 250) - (performance.now() - lastDraw));
    timer = setTimeout(redraw, wait);
  });

  createEffect(on(log, () => plot && build(), { defer: true }));

  onCleanup(() => {
    if (timer !== undefined) clearTimeout(timer);
    plot?.destroy();
  });

  const empty = () => props.series.every((s) => s.xs.length === 0);
  return (
    <figure class="chart" data-testid={props.testId} data-points={props.series[0]?.xs.length ?? 0}>
      <figcaption class="chart-head">
        <span class="chart-title">{props.title}</span>
        <Show when={props.logToggle}>
          <label class="chart-log small">
            <input type="checkbox" checked={log()} onChange={(e) => setLog(e.currentTarget.checked)} /> log scale
          </label>
        </Show>
      </figcaption>
      <div class="chart-plot" ref={host} style={{ height: `${height()}px` }} />
      <Show when={empty()}>
        <p class="chart-empty muted small">No data yet.</p>
      </Show>
    </figure>
  );
}
