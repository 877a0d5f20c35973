import { createResource, createSignal, Show } from 'solid-js';
import { offlineReady } from '../../app/pwa';
import { formatBytes } from '../../components/format';
import { requestPersistentStorage, storageReport } from '../../services/system';

function YesNo(props: { value: boolean; testid?: string }) {
  return (
    <span class={props.value ? 'yes' : 'no'} data-testid={props.testid}>
      {props.value ? 'yes' : 'no'}
    </span>
  );
}

/** Isolation, storage and offline readiness of this browser. */
export function BrowserPanel() {
  const [storage, { refetch }] = createResource(storageReport);
  const [persistResult, setPersistResult] = createSignal<string>('');
  const keepData = async () => {
    const granted = await requestPersistentStorage();
    setPersistResult(
      granted
        ? 'Granted: the browser will not clear this site\'s data to free space.'
        : 'Not granted: the browser may clear this data under storage pressure. Installing the app or bookmarking it often helps.',
    );
    await refetch();
  };
  const usedFraction = () => {
    const s = storage();
    return s && s.quota > 0 ? s.usage / s.quota : 0;
  };
  return (
    <section class="card" data-testid="browser-panel">
      <h2>Browser</h2>
      <dl class="facts">
        <dt>Cross-origin isolated</dt>
        <dd>
          <YesNo value={globalThis.crossOriginIsolated === true} testid="cross-origin-isolated" />
          <Show when={!globalThis.crossOriginIsolated}>
            <span class="muted small"> — multi-threaded WebAssembly is unavailable; serve with COOP/COEP headers.</span>
          </Show>
        </dd>
        <dt>WebGPU in this page</dt>
        <dd>
          <YesNo value={'gpu' in navigator} />
        </dd>
        <dt>Works offline</dt>
        <dd>
          <YesNo value={offlineReady() || navigator.serviceWorker?.controller != null} testid="offline-ready" />
        </dd>
        <dt>Storage used</dt>
        <dd data-testid="storage-usage">
          <Show when={storage()} fallback="…">
            {(s) =>
              s().supported
                ? `${formatBytes(s().usage)} of ${formatBytes(s().quota)} (${(usedFraction() * 100).toFixed(usedFraction() < 0.01 ? 2 : 0)} %)`
                : 'not reported by this browser'
            }
          </Show>
        </dd>
        <dt>Data kept</dt>
        <dd>
          <Show when={storage()} fallback="…">
            {(s) => (
              <span data-testid="storage-persisted">
                {s().persisted ? 'persistent — not cleared under storage pressure' : 'best effort — may be cleared under storage pressure'}
              </span>
            )}
          </Show>
        </dd>
      </dl>
      <div class="row" style={{ 'margin-top': '14px' }}>
        <button onClick={() => void keepData()} disabled={storage()?.persisted === true} data-testid="persist-button">
          Keep my data
        </button>
        <Show when={persistResult()}>
          <span class="small" data-testid="persist-result">
            {persistResult()}
          </span>
        </Show>
      </div>
    </section>
  );
}
