import { createSignal, For, Show } from 'solid-js';
import { formatBytes } from '../../components/format';
import { createLiveQuery } from '../../components/liveQuery';
import type { ActivationCacheRecord } from '../../domain/entities';
import { cachesOf, deleteCache } from '../../services/models/caches';
import { statusClass } from './format';

function cacheBytes(cache: ActivationCacheRecord): number {
  return cache.rows * cache.dIn * (cache.dtype === 'f16' ? 2 : 4);
}

/** A bar per dimension (value / max), drawn as one SVG path: enough to see outlier dimensions at a glance. */
function Bars(props: { values: number[]; label: string; testId: string }) {
  const max = () => Math.max(1e-12, ...props.values.map(Math.abs));
  const path = () =>
    props.values
      .map((v, i) => {
        const h = (Math.abs(v) / max()) * 46;
        return `M${i + 0.5},48V${(48 - h).toFixed(2)}`;
      })
      .join('');
  return (
    <figure style={{ margin: 0 }}>
      <svg class="sparkline" viewBox={`0 0 ${Math.max(1, props.values.length)} 48`} preserveAspectRatio="none" role="img" aria-label={props.label} data-testid={props.testId}>
        <path d={path()} stroke="var(--accent)" stroke-width="0.8" vector-effect="non-scaling-stroke" />
      </svg>
      <figcaption class="muted small">{props.label}</figcaption>
    </figure>
  );
}

function CacheStats(props: { cache: ActivationCacheRecord }) {
  const stats = () => props.cache.stats;
  const range = (values: number[] | undefined) => (values && values.length > 0 ? `${Math.min(...values).toPrecision(3)} … ${Math.max(...values).toPrecision(3)}` : '—');
  return (
    <Show when={stats()}>
      {(s) => (
        <div class="grid-2" style={{ 'margin-top': '8px' }} data-testid="cache-stats">
          <dl class="facts">
            <dt>Activations</dt>
            <dd data-testid="cache-stat-count">{(s().count ?? props.cache.rows).toLocaleString('en')}</dd>
            <dt>Mean norm</dt>
            <dd data-testid="cache-stat-norm">{s().meanNorm.toPrecision(4)}</dd>
            <dt>Per-dimension mean</dt>
            <dd>{range(s().mean)}</dd>
            <dt>Per-dimension std</dt>
            <dd>{range(s().std)}</dd>
          </dl>
          <div class="stack" style={{ gap: '6px' }}>
            <Show when={s().mean}>{(mean) => <Bars values={mean()} label={`|mean| of each of the ${mean().length} dimensions`} testId="cache-mean-bars" />}</Show>
            <Show when={s().std}>{(std) => <Bars values={std()} label="std of each dimension" testId="cache-std-bars" />}</Show>
          </div>
        </div>
      )}
    </Show>
  );
}

/** The model's activation caches, with statistics, ready for trainings to reuse. */
export function CachesPanel(props: { modelId: string }) {
  const caches = createLiveQuery<ActivationCacheRecord[]>(() => cachesOf(props.modelId), []);
  const [open, setOpen] = createSignal<string | null>(null);
  return (
    <Show when={caches().length > 0} fallback={<p class="muted small">No activation caches yet.</p>}>
      <div class="table-wrap">
        <table class="data" data-testid="cache-table">
          <thead>
            <tr>
              <th>Hook</th>
              <th>Status</th>
              <th>Activations</th>
              <th>Width</th>
              <th>Stored as</th>
              <th>Size</th>
              <th>Mean norm</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <For each={caches()}>
              {(cache) => (
                <>
                  <tr data-testid="cache-row" data-status={cache.status} data-hook={cache.hook}>
                    <td class="tensor">{cache.hook}</td>
                    <td>
                      <span class={statusClass(cache.status)}>{cache.status}</span>
                      <Show when={cache.error}>
                        <div class="no small">{cache.error}</div>
                      </Show>
                    </td>
                    <td class="small" data-testid="cache-rows">
                      {cache.rows.toLocaleString('en')}
                    </td>
                    <td class="small">{cache.dIn || '—'}</td>
                    <td class="small">
                      {cache.dtype} · {cache.shards.length} shard{cache.shards.length === 1 ? '' : 's'}
                    </td>
                    <td class="small">{formatBytes(cacheBytes(cache))}</td>
                    <td class="small">{cache.stats ? cache.stats.meanNorm.toPrecision(4) : '—'}</td>
                    <td>
                      <div class="row">
                        <Show when={cache.stats}>
                          <button class="small" onClick={() => setOpen(open() === cache.id ? null : cache.id)} data-testid="cache-toggle-stats">
                            {open() === cache.id ? 'Hide statistics' : 'Statistics'}
                          </button>
                        </Show>
                        <button class="small" onClick={() => void deleteCache(cache.id)} data-testid="cache-delete">
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                  <Show when={open() === cache.id}>
                    <tr>
                      <td colspan="8">
                        <CacheStats cache={cache} />
                      </td>
                    </tr>
                  </Show>
                </>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
