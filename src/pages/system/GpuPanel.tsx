import { createResource, For, Show } from 'solid-js';
import type { AdapterSummary } from '../../gpu/device';
import type { GpuStatusReport } from '../../jobs/gpuSession';
import { gpuStatus } from '../../services/system';

const LIMITS: { key: string; label: string; bytes?: boolean }[] = [
  { key: 'maxBufferSize', label: 'Max buffer', bytes: true },
  { key: 'maxStorageBufferBindingSize', label: 'Max storage binding', bytes: true },
  { key: 'maxComputeWorkgroupStorageSize', label: 'Workgroup storage', bytes: true },
  { key: 'maxComputeInvocationsPerWorkgroup', label: 'Invocations per workgroup' },
  { key: 'maxComputeWorkgroupsPerDimension', label: 'Workgroups per dimension' },
  { key: 'maxStorageBuffersPerShaderStage', label: 'Storage buffers per stage' },
];

function formatLimit(value: number | undefined, bytes: boolean | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (!bytes) return value.toLocaleString('en');
  const mib = value / (1024 * 1024);
  return mib >= 1 ? `${mib.toLocaleString('en', { maximumFractionDigits: 1 })} MiB` : `${(value / 1024).toLocaleString('en')} KiB`;
}

/** The WebGPU adapter as the GPU worker (where jobs run) sees it. */
export function GpuPanel() {
  const [status] = createResource(gpuStatus);
  return (
    <section class="card" data-testid="gpu-panel">
      <h2>GPU</h2>
      <Show when={status()} keyed fallback={<p class="muted">Asking the GPU worker for a WebGPU adapter…</p>}>
        {(report) => (report.available ? <AdapterFacts adapter={report.adapter} /> : <GpuUnavailable report={report} />)}
      </Show>
    </section>
  );
}

function GpuUnavailable(props: { report: Extract<GpuStatusReport, { available: false }> }) {
  return (
    <div class="notice bad" data-testid="gpu-unavailable">
      <p>
        <strong>WebGPU is not available.</strong> {props.report.message}
      </p>
      <p class="muted">{props.report.action}</p>
      <p class="muted small">Browsing and storage still work; training and analysis need WebGPU.</p>
    </div>
  );
}

function AdapterFacts(props: { adapter: AdapterSummary }) {
  return (
    <div class="stack">
      <dl class="facts" data-testid="gpu-adapter">
        <dt>Vendor</dt>
        <dd data-testid="gpu-vendor">{props.adapter.vendor || '—'}</dd>
        <dt>Architecture</dt>
        <dd data-testid="gpu-architecture">{props.adapter.architecture || '—'}</dd>
        <dt>Description</dt>
        <dd>{props.adapter.description || props.adapter.device || '—'}</dd>
        <dt>Kind</dt>
        <dd data-testid="gpu-fallback">
          {props.adapter.isFallbackAdapter ? 'Fallback adapter (software or limited; slow)' : 'Hardware adapter'}
        </dd>
        <For each={LIMITS}>
          {(limit) => (
            <>
              <dt>{limit.label}</dt>
              <dd>{formatLimit(props.adapter.limits[limit.key], limit.bytes)}</dd>
            </>
          )}
        </For>
      </dl>
      <div>
        <h3>Features</h3>
        <ul class="chips" data-testid="gpu-features">
          <For each={props.adapter.features} fallback={<li>none beyond the core</li>}>
            {(feature) => <li>{feature}</li>}
          </For>
        </ul>
      </div>
    </div>
  );
}
