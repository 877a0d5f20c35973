// A heat map of a small matrix on a canvas (one cell per value), with a diverging colour scale, a legend
// and the value under the pointer. Used for learned-vs-true cosine similarities.
import { createEffect, createSignal, onMount } from 'solid-js';
import './Chart.css';

export interface HeatmapProps {
  rows: number;
  cols: number;
  /** row-major, rows × cols */
  values: readonly number[];
  /** the scale's ends: values at or beyond them get the end colours */
  min: number;
  max: number;
  rowLabel: string;
  colLabel: string;
  /** the text for a hovered cell */
  describe?: (row: number, col: number, value: number) => string;
  testId?: string;
  /** CSS pixels per cell, at most (the canvas also shrinks to its container) */
  cellSize?: number;
}

/** Diverging blue–dark–yellow: negative cool, zero dark, positive warm. */
export function heatColor(t: number): [number, number, number] {
  const x = Math.max(-1, Math.min(1, t));
  const dark: [number, number, number] = [22, 27, 38];
  const end: [number, number, number] = x >= 0 ? [250, 204, 92] : [86, 156, 245];
  const a = Math.abs(x);
  return [0, 1, 2].map((i) => Math.round(dark[i]! + (end[i]! - dark[i]!) * a)) as [number, number, number];
}

export function Heatmap(props: HeatmapProps) {
  let canvas!: HTMLCanvasElement;
  const [hover, setHover] = createSignal('');

  const draw = () => {
    const { rows, cols, values } = props;
    canvas.width = Math.max(1, cols);
    canvas.height = Math.max(1, rows);
    const ctx = canvas.getContext('2d');
    if (!ctx || rows === 0 || cols === 0) return;
    const image = ctx.createImageData(cols, rows);
    const mid = (props.max + props.min) / 2;
    const half = (props.max - props.min) / 2 || 1;
    for (let i = 0; i < rows * cols; i++) {
      const [r, g, b] = heatColor(((values[i] ?? 0) - mid) / half);
      image.data[4 * i] = r;
      image.data[4 * i + 1] = g;
      image.data[4 * i + 2] = b;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  };

  onMount(draw);
  createEffect(() => {
    void props.values;
    void props.rows;
    void props.cols;
    draw();
  });

  const onMove = (e: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const col = Math.floor(((e.clientX - rect.left) / rect.width) * props.cols);
    const row = Math.floor(((e.clientY - rect.top) / rect.height) * props.rows);
    if (row < 0 || col < 0 || row >= props.rows || col >= props.cols) return setHover('');
    const v = props.values[row * props.cols + col] ?? 0;
    setHover(props.describe ? props.describe(row, col, v) : `${props.rowLabel} ${row}, ${props.colLabel} ${col}: ${v.toFixed(3)}`);
  };

  const gradient = () => {
    const stops = [-1, -0.5, 0, 0.5, 1].map((t) => `rgb(${heatColor(t).join(',')})`);
    return `linear-gradient(to right, ${stops.join(',')})`;
  };
  const maxWidth = () => `${props.cols * (props.cellSize ?? 8)}px`;

  return (
    <figure class="heatmap" data-testid={props.testId} data-rows={props.rows} data-cols={props.cols}>
      <canvas
        ref={canvas}
        style={{ 'max-width': maxWidth(), 'aspect-ratio': `${Math.max(1, props.cols)} / ${Math.max(1, props.rows)}` }}
        onPointerMove={onMove}
        onPointerLeave={() => setHover('')}
        role="img"
        aria-label={`Heat map: ${props.rows} ${props.rowLabel}s by ${props.cols} ${props.colLabel}s`}
      />
      <figcaption class="heatmap-legend small muted">
        <span>{props.min}</span>
        <span class="heatmap-scale" style={{ background: gradient() }} />
        <span>{props.max}</span>
        <span class="heatmap-hover">{hover()}</span>
      </figcaption>
    </figure>
  );
}
