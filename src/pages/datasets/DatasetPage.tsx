import { A, useNavigate, useParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { formatBytes } from '../../components/format';
import { createLiveQuery } from '../../components/liveQuery';
import { JobTable } from '../../components/JobTable';
import { PageHeader } from '../../components/PageHeader';
import type { DatasetRecord } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { datasetJobs, deleteDataset, getDataset, importAgain } from '../../services/datasets/datasets';
import { assetDisplayStatus, displayStatusClass } from '../../services/datasets/status';
import { sourceLabel } from './DatasetList';
import { ErrorNotice, shownError, type ShownError } from './ErrorNotice';
import { Histogram } from './Histogram';
import { SampleBrowser } from './SampleBrowser';
import { Tokenizations } from './Tokenizations';
import './datasets.css';

/** /datasets/:id — the dataset card, its import job, its documents and its tokenizations. */
export default function DatasetPage() {
  const params = useParams<{ id: string }>();
  return (
    <Show when={params.id} keyed>
      {(id) => <DatasetView id={id} />}
    </Show>
  );
}

function DatasetView(props: { id: string }) {
  // undefined until the first answer; null once the dataset is known to be absent
  const dataset = createLiveQuery<DatasetRecord | null | undefined>(async () => (await getDataset(props.id)) ?? null, undefined);
  const jobs = createLiveQuery<JobRecord[]>(() => datasetJobs(props.id), []);
  return (
    <div class="page">
      <p class="small">
        <A href="/datasets">← Datasets</A>
      </p>
      <Show when={dataset() !== undefined}>
        <Show
          when={dataset()}
          fallback={
            <>
              <PageHeader title="Dataset not found" />
              <p class="muted">It may have been deleted.</p>
            </>
          }
        >
          {(d) => (
            <>
              <PageHeader title={d().name} />
              <Overview dataset={d()} jobs={jobs()} />
              <Show when={d().status === 'ready'}>
                <SampleBrowser dataset={d()} />
                <Tokenizations dataset={d()} />
              </Show>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}

function Overview(props: { dataset: DatasetRecord; jobs: JobRecord[] }) {
  const navigate = useNavigate();
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<ShownError | null>(null);
  const d = () => props.dataset;
  const status = () => assetDisplayStatus(d().status, props.jobs[0]);
  // The stored reason, or — for a job cancelled before its handler could record one — the cancellation itself.
  const failure = (): ShownError | null => {
    if (d().error && d().status !== 'ready') return { message: d().error!, ...(d().errorAction ? { action: d().errorAction! } : {}) };
    return status() === 'cancelled' ? { message: 'The import was cancelled.', action: 'Import it again, or delete it.' } : null;
  };
  const n = (x: number) => x.toLocaleString('en');
  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(shownError(err));
    }
  };
  const canSkipMalformed = () => {
    const s = d().source;
    return s.kind === 'local' && (s.format === 'jsonl' || s.format === 'csv') && d().importOptions?.onMalformed === 'stop' && /^Line \d+:/.test(d().error ?? '');
  };
  return (
    <section class="card" data-testid="dataset-card" data-status={status()}>
      <div class="row" style={{ 'justify-content': 'space-between', 'margin-bottom': '10px' }}>
        <span class={displayStatusClass(status())} data-testid="dataset-status">
          {status() === 'running' ? 'importing' : status()}
        </span>
        <div class="row">
          <Show when={status() === 'failed' || status() === 'cancelled'}>
            <Show when={canSkipMalformed()}>
              <button onClick={() => void act(() => importAgain(d().id, { onMalformed: 'skip' }))} data-testid="import-again-skip">
                Import again, skipping malformed lines
              </button>
            </Show>
            <button onClick={() => void act(() => importAgain(d().id))} data-testid="import-again">
              Import again
            </button>
          </Show>
          <Show
            when={confirming()}
            fallback={
              <button onClick={() => setConfirming(true)} data-testid="dataset-delete">
                Delete
              </button>
            }
          >
            <span class="small">Delete the dataset, its tokenizations and stored files?</span>
            <button
              class="primary"
              onClick={() =>
                void act(async () => {
                  await deleteDataset(d().id);
                  navigate('/datasets');
                })
              }
              data-testid="dataset-delete-confirm"
            >
              Delete
            </button>
            <button onClick={() => setConfirming(false)}>Keep</button>
          </Show>
        </div>
      </div>
      <ErrorNotice error={error()} />
      <Show when={failure()}>{(f) => <ErrorNotice error={f()} testId="dataset-error" />}</Show>
      <div class="grid-2" style={{ 'margin-top': '10px' }}>
        <dl class="facts">
          <dt>Source</dt>
          <dd data-testid="dataset-source">{sourceLabel(d().source)}</dd>
          <Show when={d().status === 'ready'}>
            <dt>Documents</dt>
            <dd data-testid="dataset-rows">{n(d().rows)}</dd>
            <dt>Characters</dt>
            <dd data-testid="dataset-chars">{n(d().chars)}</dd>
            <dt>Stored</dt>
            <dd data-testid="dataset-size">
              {formatBytes(d().bytes)}
              <Show when={d().stats}>{(s) => <span class="muted"> (read {formatBytes(s().sourceBytes)} from the source)</span>}</Show>
            </dd>
            <Show when={d().stats}>
              {(s) => (
                <>
                  <dt>Characters per document</dt>
                  <dd>
                    {n(s().minChars)} – {n(s().maxChars)} (mean {s().meanChars.toFixed(1)})
                  </dd>
                  <dt>Left out</dt>
                  <dd data-testid="dataset-left-out">
                    {n(s().empty)} empty, {n(s().malformed)} malformed
                  </dd>
                </>
              )}
            </Show>
          </Show>
          <Show when={d().importOptions?.limit}>
            {(limit) => (
              <>
                <dt>Row limit</dt>
                <dd>{n(limit())}</dd>
              </>
            )}
          </Show>
          <dt>Added</dt>
          <dd>{new Date(d().createdAt).toLocaleString()}</dd>
        </dl>
        <Show when={d().status === 'ready' && d().stats}>
          {(s) => (
            <div>
              <h3>Length</h3>
              <Histogram data={s().lengthHistogram} unit="characters per document" testId="length-histogram" />
            </div>
          )}
        </Show>
      </div>
      <Show when={(d().issues ?? []).length > 0}>
        <details style={{ 'margin-top': '12px' }} data-testid="dataset-issues">
          <summary class="small">
            {n(d().stats?.malformed ?? d().issues!.length)} malformed record{(d().stats?.malformed ?? 0) === 1 ? '' : 's'} left out
          </summary>
          <ul class="small">
            <For each={d().issues}>{(issue) => <li>{issue.line !== undefined ? `Line ${issue.line}: ${issue.message}` : `Row ${issue.row + 1}: ${issue.message}`}</li>}</For>
          </ul>
        </details>
      </Show>
      <Show when={d().status !== 'ready' && props.jobs.length > 0}>
        <div style={{ 'margin-top': '12px' }}>
          <JobTable jobs={props.jobs.slice(0, 1)} />
        </div>
      </Show>
    </section>
  );
}
