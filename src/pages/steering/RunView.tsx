// A steering run as it streams: its status (waiting for the GPU, generating, stopped, failed), a Stop
// button, and the outputs side by side: one column per variant (baseline, each feature, each strength),
// one row per sample. Ablation runs show the next-token distribution before and after instead.
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { ProgressBar } from '../../components/ProgressBar';
import type { JobRecord } from '../../domain/job';
import type { AblateRunResult, GenerateRunResult, SteeringOutput } from '../../lm/steering/run-params';
import type { StopReason } from '../../lm/generate';
import { defaultExperimentName, runRequest, runResult, saveExperiment, stopSteeringRun } from '../../services/steering';
import { errorText } from './errors';

const STOP_REASONS: Record<StopReason, string> = {
  length: 'reached the token limit',
  eos: 'ended (EOS)',
  'stop-sequence': 'hit a stop sequence',
  context: 'filled the context',
  stopped: 'stopped',
};

export function statusText(job: JobRecord): string {
  switch (job.status) {
    case 'queued':
      return 'Waiting for the GPU (another job may be running)…';
    case 'running':
      return job.progress.message || 'Running…';
    case 'completed':
      return job.progress.message || 'Done.';
    case 'cancelled':
      return 'Stopped. The outputs so far are kept.';
    case 'paused':
    case 'interrupted':
      return 'Stopped before the end; resume it from the job list on the System page.';
    case 'failed':
      return job.error ? `${job.error.message}${job.error.action ? ` ${job.error.action}` : ''}` : 'The run failed.';
  }
}

export function RunView(props: { job: JobRecord }) {
  const result = () => runResult(props.job);
  const active = () => props.job.status === 'queued' || props.job.status === 'running';
  return (
    <section class="card run-view" data-testid="run-view" data-job-id={props.job.id} data-status={props.job.status}>
      <div class="row spread">
        <h2>{props.job.title}</h2>
        <Show when={active()}>
          <button class="warn-action" data-testid="stop-run" onClick={() => void stopSteeringRun(props.job.id)}>
            Stop
          </button>
        </Show>
      </div>
      <p class={`small status-${props.job.status}`} data-testid="run-status" role="status">
        {statusText(props.job)}
      </p>
      <Show when={active()}>
        <ProgressBar done={props.job.progress.done} total={props.job.progress.total} active label="Run progress" />
      </Show>
      <Switch>
        <Match when={result()?.kind === 'generate' ? (result() as GenerateRunResult) : undefined}>
          {(r) => <GenerationOutputs job={props.job} result={r()} />}
        </Match>
        <Match when={result()?.kind === 'ablate' ? (result() as AblateRunResult) : undefined}>{(r) => <AblationOutputs result={r()} />}</Match>
      </Switch>
    </section>
  );
}

function GenerationOutputs(props: { job: JobRecord; result: GenerateRunResult }) {
  const samples = () => Math.max(1, ...props.result.outputs.map((o) => o.sample + 1));
  const output = (variant: number, sample: number): SteeringOutput | undefined => props.result.outputs.find((o) => o.variant === variant && o.sample === sample);
  const prompt = () => {
    try {
      return runRequest(props.job).prompt;
    } catch {
      return '';
    }
  };
  return (
    <>
      <p class="small muted">
        Prompt ({props.result.promptTokens} tokens, {props.result.backend}
        {props.result.kvCache ? ', KV cache' : ', recomputed each step'}): <span class="prompt-echo">{prompt()}</span>
      </p>
      <div class="outputs" style={{ 'grid-template-columns': `repeat(${props.result.variants.length}, minmax(12rem, 1fr))` }} data-testid="run-outputs">
        <For each={props.result.variants}>
          {(v) => (
            <div class="output-head" data-testid="variant-label">
              {v.label}
            </div>
          )}
        </For>
        <For each={Array.from({ length: samples() }, (_, s) => s)}>
          {(s) => (
            <For each={props.result.variants}>
              {(_, v) => {
                const o = () => output(v(), s);
                return (
                  <div class="output" data-testid="run-output" data-variant={v()} data-sample={s} data-done={o()?.done ? 'true' : 'false'}>
                    <span class="output-text">{o()?.text ?? ''}</span>
                    <Show when={o()?.done && o()?.stopReason}>{(reason) => <span class="muted small stop-reason"> — {STOP_REASONS[reason() as StopReason]}</span>}</Show>
                  </div>
                );
              }}
            </For>
          )}
        </For>
      </div>
      <Show when={props.job.status !== 'queued' && props.job.status !== 'running'}>
        <SaveExperiment job={props.job} />
      </Show>
    </>
  );
}

function SaveExperiment(props: { job: JobRecord }) {
  const [name, setName] = createSignal('');
  const [message, setMessage] = createSignal('');
  const placeholder = () => {
    try {
      const r = runRequest(props.job);
      return 'mode' in r ? defaultExperimentName(r.prompt, r.mode) : '';
    } catch {
      return '';
    }
  };
  const save = async () => {
    try {
      const e = await saveExperiment(props.job.id, name());
      setMessage(`Saved as “${e.name}”.`);
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  return (
    <div class="row save-experiment">
      <input aria-label="Experiment name" placeholder={placeholder()} value={name()} onInput={(e) => setName(e.currentTarget.value)} data-testid="experiment-name" />
      <button data-testid="save-experiment" onClick={() => void save()}>
        Save experiment
      </button>
      <Show when={message()}>
        <span class="small muted" role="status" data-testid="save-experiment-message">
          {message()}
        </span>
      </Show>
    </div>
  );
}

function percent(p: number): string {
  return `${(p * 100).toFixed(p < 0.01 ? 2 : 1)}%`;
}

function tokenLabel(text: string): string {
  return JSON.stringify(text);
}

export function AblationOutputs(props: { result: AblateRunResult }) {
  const r = () => props.result;
  return (
    <div class="ablation-result" data-testid="ablation-result">
      <p>
        Next token after <span class="mono">{tokenLabel(r().lastToken)}</span>: KL(before ‖ after) ={' '}
        <strong data-testid="ablation-kl">{r().kl.toPrecision(3)}</strong> nats.
      </p>
      <p class="small muted">
        Edited features at the last token (before editing):{' '}
        {r()
          .editedActivations.map((a) => `#${a.index} = ${a.value.toPrecision(3)}`)
          .join(', ')}
        . Most active there: {r().activeFeatures.map((a) => `#${a.index} (${a.value.toPrecision(3)})`).join(', ') || 'none'}.
      </p>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th>Token</th>
              <th>Before</th>
              <th>After</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            <For each={r().changes}>
              {(c) => (
                <tr data-testid="ablation-token">
                  <td class="mono">{tokenLabel(r().tokenText[c.id] ?? String(c.id))}</td>
                  <td class="mono">{percent(c.before)}</td>
                  <td class="mono">{percent(c.after)}</td>
                  <td class={`mono ${c.after >= c.before ? 'yes' : 'no'}`}>
                    {c.after >= c.before ? '+' : '−'}
                    {percent(Math.abs(c.after - c.before))}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </div>
  );
}
