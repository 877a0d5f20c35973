// One training in the list: name, status, progress, speed, elapsed and time left, and its controls.
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDuration } from '../../components/format';
import type { TrainingWithJob } from '../../services/training/trainings';
import { architectureLabel, describeSource } from './describe';
import { TrainingControls } from './TrainingControls';

export function tokensPerSecond(view: TrainingWithJob): number | undefined {
  if (view.status !== 'running' || !view.job) return undefined;
  const rate = view.job.progress.rate;
  return rate > 0 ? rate * view.training.batchSize : undefined;
}

export function formatTokensPerSecond(v: number | undefined): string {
  if (v === undefined) return '—';
  return v >= 1e6 ? `${(v / 1e6).toFixed(1)}M tok/s` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k tok/s` : `${Math.round(v)} tok/s`;
}

export function TrainingCard(props: { view: TrainingWithJob }) {
  const t = () => props.view.training;
  const job = () => props.view.job;
  const total = () => t().config.total_steps;
  const eta = () => (props.view.status === 'running' ? (job()?.progress.etaSeconds ?? null) : null);
  return (
    <article class="card training-card" data-testid="training-card" data-training-id={t().id} data-status={props.view.status}>
      <header class="training-card-head">
        <A href={`/training/${t().id}`} class="training-card-name">
          {t().name}
        </A>
        <span class={`status status-${props.view.status}`} data-testid="training-status">
          {props.view.status}
        </span>
      </header>
      <p class="muted small">
        {architectureLabel(t().config.architecture)} · d_in {t().config.d_in} → d_sae {t().config.d_sae} · batch {t().batchSize} · {describeSource(t().source)}
      </p>
      <ProgressBar done={t().step} total={total()} active={props.view.status === 'running'} label={`${t().name} progress`} />
      <dl class="card-facts small">
        <div>
          <dt>Step</dt>
          <dd data-testid="training-step">
            {t().step.toLocaleString('en')} / {total().toLocaleString('en')}
          </dd>
        </div>
        <div>
          <dt>Speed</dt>
          <dd>{formatTokensPerSecond(tokensPerSecond(props.view))}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd>{formatDuration((t().elapsedMs ?? 0) / 1000)}</dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd>{formatDuration(eta())}</dd>
        </div>
      </dl>
      <Show when={props.view.status === 'queued'}>
        <p class="muted small">Waiting for the GPU: one training runs at a time.</p>
      </Show>
      <Show when={props.view.status === 'failed' || props.view.status === 'interrupted'}>
        <p class="notice warn small">
          {t().error ?? job()?.error?.message ?? (props.view.status === 'interrupted' ? 'The page closed while this run was training. Resume continues from its last checkpoint.' : '')}
        </p>
      </Show>
      <TrainingControls id={t().id} status={props.view.status} />
    </article>
  );
}
