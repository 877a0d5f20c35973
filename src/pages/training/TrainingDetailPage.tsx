// One training: status and controls, live progress and speed, curves (compare with other runs), the
// recovered-feature heat map for synthetic data, checkpoints, the resulting SAE and the settings.
import { A, useNavigate, useParams } from '@solidjs/router';
import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { PageHeader } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDuration } from '../../components/format';
import type { SaeRecord, TrainingRecord } from '../../domain/entities';
import { getSae } from '../../services/training/saes';
import { SaeExportMenu } from '../interop/SaeExportMenu';
import { getTrainingWithJob, listTrainings, reconcileTraining, type TrainingWithJob } from '../../services/training/trainings';
import { CheckpointsTable } from './CheckpointsTable';
import { architectureLabel, describeSource, metricText } from './describe';
import { createLiveData } from './liveData';
import { MetricCharts, type ComparedRun } from './MetricCharts';
import { RecoveryPanel } from './RecoveryPanel';
import { formatTokensPerSecond, tokensPerSecond } from './TrainingCard';
import { TrainingControls } from './TrainingControls';
import './training.css';
import { EvaluationPanel } from '../../components/EvaluationPanel';

export default function TrainingDetailPage() {
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const [loaded, setLoaded] = createSignal(false);
  const view = createLiveData(
    () => params.id,
    async (id) => {
      const v = await getTrainingWithJob(id);
      setLoaded(true);
      return v;
    },
    undefined as TrainingWithJob | undefined,
  );
  onMount(() => void reconcileTraining(params.id).catch(() => undefined));
  return (
    <div class="page training-detail">
      <Show
        when={view()}
        fallback={
          <Show when={loaded()}>
            <PageHeader title="Training not found">
              <p>
                This training does not exist (it may have been deleted). <A href="/training">All trainings</A>
              </p>
            </PageHeader>
          </Show>
        }
      >
        {(v) => <TrainingDetail view={v()} onDeleted={() => navigate('/training')} />}
      </Show>
    </div>
  );
}

function TrainingDetail(props: { view: TrainingWithJob; onDeleted: () => void }) {
  const t = () => props.view.training;
  const status = () => props.view.status;
  const job = () => props.view.job;
  const total = () => t().config.total_steps;
  const synthetic = () => t().source.kind === 'synthetic';
  const error = () => t().error ?? (status() === 'failed' ? job()?.error?.message : undefined);
  const action = () => (status() === 'failed' ? job()?.error?.action : undefined);
  const runs = () => t().runs ?? [];

  const [compare, setCompare] = createSignal<ComparedRun[]>([]);
  const others = createLiveData(
    () => t().id,
    async (id) => (await listTrainings({ sort: { field: 'createdAt', dir: 'desc' }, page: 0, pageSize: 200 })).rows.filter((r) => r.id !== id),
    [] as TrainingRecord[],
  );
  const toggleCompare = (r: TrainingRecord, on: boolean) =>
    setCompare((c) => (on ? [...c.filter((x) => x.id !== r.id), { id: r.id, name: r.name }] : c.filter((x) => x.id !== r.id)));

  const sae = createLiveData(() => t().saeId, async (id) => (id ? getSae(id) : undefined), undefined as SaeRecord | undefined);
  const eta = () => (status() === 'running' ? (job()?.progress.etaSeconds ?? null) : null);
  const keys = createMemo(() => Object.entries(t().config).filter(([, v]) => v !== undefined && v !== null));

  return (
    <>
      <PageHeader title={t().name}>
        <p class="muted">
          {architectureLabel(t().config.architecture)} · d_in {t().config.d_in} → d_sae {t().config.d_sae} · batch {t().batchSize} ·{' '}
          {describeSource(t().source)} · <A href="/training">All trainings</A>
        </p>
      </PageHeader>
      <section class="card training-status-card" data-testid="training-detail" data-status={status()} data-step={t().step}>
        <div class="row spread">
          <div class="row">
            <span class={`status status-${status()}`} data-testid="training-status">
              {status()}
            </span>
            <span data-testid="training-step" class="mono">
              step {t().step.toLocaleString('en')} / {total().toLocaleString('en')}
            </span>
          </div>
          <TrainingControls id={t().id} status={status()} onDeleted={props.onDeleted} />
        </div>
        <ProgressBar done={t().step} total={total()} active={status() === 'running'} label="Training progress" />
        <dl class="card-facts small">
          <div>
            <dt>Speed</dt>
            <dd data-testid="training-speed">{formatTokensPerSecond(tokensPerSecond(props.view))}</dd>
          </div>
          <div>
            <dt>Elapsed</dt>
            <dd>{formatDuration((t().elapsedMs ?? 0) / 1000)}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{formatDuration(eta())}</dd>
          </div>
          <div>
            <dt>Now</dt>
            <dd class="small">{job()?.progress.message || '—'}</dd>
          </div>
        </dl>
        <Show when={status() === 'interrupted'}>
          <p class="notice warn small">The page closed while this run was training. Resume continues from its last checkpoint; the step count carries on.</p>
        </Show>
        <Show when={status() === 'queued'}>
          <p class="muted small">Waiting for the GPU: one training runs at a time.</p>
        </Show>
        <Show when={error()}>
          <div class="notice bad small" data-testid="training-error">
            <div>{error()}</div>
            <Show when={action()}>
              <div class="muted">{action()}</div>
            </Show>
          </div>
        </Show>
        <Show when={runs().length > 1}>
          <ol class="run-history small" data-testid="run-history">
            <For each={runs()}>
              {(run, i) => (
                <li data-from-step={run.fromStep} data-first-metric-step={run.firstMetricStep ?? ''}>
                  {i() === 0 ? 'Started' : `Resumed from the checkpoint at step ${run.fromStep.toLocaleString('en')}`} ·{' '}
                  {new Date(run.startedAt).toLocaleTimeString()}
                  <Show when={run.firstMetricStep !== undefined}> · first metrics at step {run.firstMetricStep!.toLocaleString('en')}</Show>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <Show when={sae()}>
        {(s) => (
          <section class="card" data-testid="training-sae">
            <div class="row spread">
              <h2>Result</h2>
              <SaeExportMenu sae={s()} />
            </div>
            <p class="small">
              SAE “{s().name}”: loss {metricText(s().metrics?.loss)} · explained variance {metricText(s().metrics?.explained_variance)} · L0{' '}
              {metricText(s().metrics?.l0)}
              <Show when={s().metrics?.mmcs !== undefined}> · MMCS {metricText(s().metrics?.mmcs)}</Show>. It is listed under Trained SAEs on the{' '}
              <A href="/training">Training</A> page.
            </p>
          </section>
        )}
      </Show>

      <Show when={t().source.kind === 'model' ? sae() : undefined}>{(s) => <EvaluationPanel saeId={s().id} />}</Show>

      <MetricCharts trainingId={t().id} name={t().name} synthetic={synthetic()} compare={compare()} />

      <Show when={others().length > 0}>
        <details class="card compare-picker">
          <summary>Compare with other runs</summary>
          <p class="muted small">Their curves are drawn dashed on every chart.</p>
          <ul class="compare-list">
            <For each={others()}>
              {(r) => (
                <li>
                  <label>
                    <input type="checkbox" checked={compare().some((c) => c.id === r.id)} onChange={(e) => toggleCompare(r, e.currentTarget.checked)} /> {r.name}{' '}
                    <span class="muted small">
                      ({architectureLabel(r.config.architecture)}, d_sae {r.config.d_sae}, {r.status})
                    </span>
                  </label>
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>

      <Show when={synthetic()}>
        <RecoveryPanel snapshot={t().recovery} totalFeatures={t().source.kind === 'synthetic' ? (t().source as { features: number }).features : 0} dSae={t().config.d_sae} />
      </Show>

      <CheckpointsTable trainingId={t().id} keep={t().keepCheckpoints ?? 3} />

      <details class="card">
        <summary>Settings</summary>
        <dl class="facts small">
          <For each={keys()}>
            {([k, v]) => (
              <>
                <dt class="mono">{k}</dt>
                <dd class="mono">{String(v)}</dd>
              </>
            )}
          </For>
          <dt class="mono">batch size</dt>
          <dd class="mono">{t().batchSize}</dd>
          <dt class="mono">seed</dt>
          <dd class="mono">{t().seed}</dd>
          <dt class="mono">input scaling</dt>
          <dd class="mono">{String(t().inputScaling ?? false)}</dd>
          <dt class="mono">b_dec init</dt>
          <dd class="mono">{t().bDecInit ?? 'zeros'}</dd>
          <dt class="mono">checkpoint every</dt>
          <dd class="mono">{t().checkpointEvery}</dd>
        </dl>
        <A href={`/training/new?from=${t().id}`} class="button small">
          Train again with changes
        </A>
      </details>
    </>
  );
}
