// A feature's activation histogram: firing activations over log-spaced bins (the bins from the first to the
// last that holds any), bar heights on a square-root scale so rare high activations stay visible; each
// bar's range and count on hover.
import { createMemo, For, Show } from 'solid-js';
import type { HistogramBar } from '../../services/features/features';
import { formatActivation, formatCount } from './format';

const WIDTH = 600;
const HEIGHT = 140;

export function ActivationHistogram(props: { bars: readonly HistogramBar[]; notFiring: number }) {
  const used = createMemo(() => {
    const first = props.bars.findIndex((b) => b.count > 0);
    if (first < 0) return [];
    let last = props.bars.length - 1;
    while (last > first && props.bars[last]!.count === 0) last--;
    return props.bars.slice(first, last + 1);
  });
  const peak = () => Math.max(1, ...used().map((b) => b.count));
  const barWidth = () => WIDTH / Math.max(1, used().length);
  const height = (count: number) => (count > 0 ? Math.max(2, (Math.sqrt(count) / Math.sqrt(peak())) * (HEIGHT - 4)) : 0);
  return (
    <figure class="activation-histogram" data-testid="activation-histogram">
      <Show when={used().length > 0} fallback={<p class="muted">This feature never fired on the tokens seen.</p>}>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Histogram of the feature’s activations when it fires" preserveAspectRatio="none">
          <For each={used()}>
            {(bar, i) => (
              <rect x={i() * barWidth() + 0.5} y={HEIGHT - height(bar.count)} width={Math.max(1, barWidth() - 1)} height={height(bar.count)} class="bar">
                <title>
                  {formatActivation(bar.low)} – {Number.isFinite(bar.high) ? formatActivation(bar.high) : '∞'}: {formatCount(bar.count)} tokens
                </title>
              </rect>
            )}
          </For>
        </svg>
        <figcaption class="row spread small muted">
          <span>{formatActivation(used()[0]!.low)}</span>
          <span>activation (log scale) · {formatCount(props.notFiring)} tokens where it did not fire</span>
          <span>{Number.isFinite(used().at(-1)!.high) ? formatActivation(used().at(-1)!.high) : '∞'}</span>
        </figcaption>
      </Show>
    </figure>
  );
}
