import { For, Show } from 'solid-js';
import type { LengthHistogramData } from '../../domain/entities';

function bucketLabel(edges: number[], i: number): string {
  const from = edges[i]!;
  const to = edges[i + 1];
  if (to === undefined || to - from <= 1) return String(from);
  return `${from}–${to - 1}`;
}

/** Power-of-two length buckets as bars; empty leading buckets are left out. */
export function Histogram(props: { data: LengthHistogramData; unit: string; testId?: string }) {
  const first = () => Math.max(0, props.data.counts.findIndex((c) => c > 0));
  const shown = () => props.data.counts.slice(first()).map((count, j) => ({ count, label: bucketLabel(props.data.edges, first() + j) }));
  const max = () => Math.max(1, ...props.data.counts);
  return (
    <Show when={props.data.counts.some((c) => c > 0)} fallback={<p class="muted small">No data.</p>}>
      <figure style={{ margin: 0 }} data-testid={props.testId}>
        <div class="histogram" role="img" aria-label={`Histogram of ${props.unit}`}>
          <For each={shown()}>
            {(b) => (
              <div class="bar" title={`${b.label} ${props.unit}: ${b.count.toLocaleString('en')}`}>
                <span style={{ height: `${(b.count / max()) * 100}%` }} />
              </div>
            )}
          </For>
        </div>
        <div class="histogram-labels" aria-hidden="true">
          <For each={shown()}>{(b) => <span>{b.label}</span>}</For>
        </div>
        <figcaption class="muted small">{props.unit}</figcaption>
      </figure>
    </Show>
  );
}
