import { createMemo, createSignal, For, Show } from 'solid-js';
import type { JobRecord } from '../domain/job';
import { jobActions, type JobAction } from '../services/jobActions';
import { cancelJob, pauseJob, resumeJob } from '../services/jobs';
import { formatDuration, formatRate } from './format';
import { ProgressBar } from './ProgressBar';

const ACTION_LABELS: Record<JobAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel' };
const RUN_ACTION: Record<JobAction, (id: string) => Promise<unknown>> = { pause: pauseJob, resume: resumeJob, cancel: cancelJob };

/** Jobs with their status, progress, rate, time left, message and controls. */
export function JobTable(props: { jobs: JobRecord[]; empty?: string }) {
  // Rows are keyed by id: a progress update replaces the job object but keeps its row (and its buttons).
  const ids = createMemo(() => props.jobs.map((job) => job.id), [], { equals: sameItems });
  const byId = createMemo(() => new Map(props.jobs.map((job) => [job.id, job])));
  return (
    <Show when={props.jobs.length > 0} fallback={<p class="muted">{props.empty ?? 'No jobs yet.'}</p>}>
      <div class="table-wrap">
        <table class="data" data-testid="job-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Rate</th>
              <th>Time left</th>
              <th>Message</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={ids()}>
              {(id) => (
                <Show when={byId().get(id)}>
                  {(job) => <JobRow job={job()} />}
                </Show>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}

/** The row's message: what the job last said, or what a stopped job's state means for the user. */
function statusMessage(job: JobRecord): string {
  const resume = job.resumable ? ' Resume continues from the last checkpoint.' : '';
  if (job.status === 'interrupted') return `Stopped when the page closed or reloaded.${resume}`;
  if (job.status === 'paused') return `Paused.${resume}`;
  return job.progress.message;
}

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function JobRow(props: { job: JobRecord }) {
  const [error, setError] = createSignal('');
  const act = async (action: JobAction) => {
    setError('');
    try {
      await RUN_ACTION[action](props.job.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const progress = () => props.job.progress;
  const running = () => props.job.status === 'running';
  return (
    <tr data-testid="job-row" data-job-id={props.job.id} data-status={props.job.status}>
      <td>
        <div>{props.job.title}</div>
        <div class="muted small mono">{props.job.kind}</div>
      </td>
      <td>
        <span class={`status status-${props.job.status}`} data-testid="job-status">
          {props.job.status}
        </span>
      </td>
      <td class="job-progress">
        <ProgressBar done={progress().done} total={progress().total} active={running()} label={`${props.job.title} progress`} />
        <div class="muted small" data-testid="job-progress-text">
          <Show when={progress().total > 0} fallback={progress().phase}>
            {progress().done} / {progress().total} · {progress().phase}
          </Show>
        </div>
      </td>
      <td class="small">{running() ? formatRate(progress().rate) : '—'}</td>
      <td class="small">{running() ? formatDuration(progress().etaSeconds) : '—'}</td>
      <td class="job-message small" data-testid="job-message">
        <Show when={props.job.error} fallback={statusMessage(props.job)}>
          {(err) => (
            <>
              <div class="no">{err().message}</div>
              <Show when={err().action}>
                <div class="muted">{err().action}</div>
              </Show>
            </>
          )}
        </Show>
        <Show when={error()}>
          <div class="no">{error()}</div>
        </Show>
      </td>
      <td>
        <div class="row">
          <For each={jobActions(props.job)}>
            {(action) => (
              <button class="small" onClick={() => void act(action)}>
                {ACTION_LABELS[action]}
              </button>
            )}
          </For>
        </div>
      </td>
    </tr>
  );
}
