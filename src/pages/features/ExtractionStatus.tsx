// Where an SAE's latest extraction run stands: queued or running with its progress, speed and time left
// (Pause, Resume — from where it stopped — and Cancel), finished with its summary, or failed with why and
// what to do.
import { Match, Show, Switch } from 'solid-js';
import { formatDuration } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';
import type { FeatureExtractionRecord } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { cancelExtraction, extractionJob } from '../../services/features/extractions';
import { jobActions } from '../../services/jobActions';
import { pauseJob, resumeJob } from '../../services/jobs';
import { formatCount } from './format';
import { createLiveData } from './live';

const ACTIVE_JOB: ReadonlySet<JobRecord['status']> = new Set(['queued', 'running', 'paused', 'interrupted']);

export function ExtractionStatus(props: { extraction: FeatureExtractionRecord }) {
  const job = createLiveData(
    () => props.extraction.id,
    (id) => extractionJob({ id }),
    undefined as JobRecord | undefined,
  );
  const active = () => {
    const j = job.value();
    return j !== undefined && ACTIVE_JOB.has(j.status) && props.extraction.status !== 'ready' && props.extraction.status !== 'failed';
  };
  const resume = () => {
    const j = job.value();
    if (j) void resumeJob(j.id).catch((e: unknown) => console.warn('miStudio: could not resume the extraction', e));
  };
  const pause = () => {
    const j = job.value();
    if (j) void pauseJob(j.id).catch((e: unknown) => console.warn('miStudio: could not pause the extraction', e));
  };
  const cancel = () => void cancelExtraction(props.extraction.id).catch((e: unknown) => console.warn('miStudio: could not cancel the extraction', e));
  return (
    <div class="extraction-status" data-testid="extraction-status" data-status={props.extraction.status}>
      <Switch>
        <Match when={active()}>
          <div class="row spread">
            <span>
              <span class={`status status-${job.value()!.status}`}>{job.value()!.status}</span> {job.value()!.progress.message || 'Waiting for the GPU'}
            </span>
            <span class="row nowrap">
              <Show when={jobActions(job.value()!).includes('pause')}>
                <button class="small" onClick={pause} data-testid="pause-extraction" title="Stops after the current batch and saves where the run stands">
                  Pause
                </button>
              </Show>
              <Show when={jobActions(job.value()!).includes('resume')}>
                <button class="small" onClick={resume} data-testid="resume-extraction" title="Goes on from where it stopped (at most a minute of work is done again after a closed tab)">
                  Resume
                </button>
              </Show>
              <button class="small" onClick={cancel} data-testid="cancel-extraction">
                Cancel
              </button>
            </span>
          </div>
          <ProgressBar done={job.value()!.progress.done} total={job.value()!.progress.total} active={job.value()!.status === 'running'} label="Extraction progress" />
          <span class="muted small" data-testid="extraction-eta">
            {job.value()!.progress.total > 0 ? `${formatCount(job.value()!.progress.done)} / ${formatCount(job.value()!.progress.total)} windows` : ''}
            {job.value()!.progress.etaSeconds !== null && job.value()!.status === 'running' ? ` · about ${formatDuration(job.value()!.progress.etaSeconds)} left` : ''}
          </span>
        </Match>
        <Match when={props.extraction.status === 'ready'}>
          <p class="small">
            <span class="status status-completed">ready</span> {formatCount(props.extraction.tokens)} tokens ·{' '}
            <Show when={props.extraction.summary}>
              {(s) => (
                <span data-testid="extraction-summary">
                  {formatCount(s().alive)} alive, {formatCount(s().dead)} dead, {formatCount(s().dense)} dense (over {Math.round(s().denseThreshold * 100)}% of tokens)
                </span>
              )}
            </Show>
            <Show when={props.extraction.finishedAt}>{(t) => <span class="muted"> · {new Date(t()).toLocaleString()}</span>}</Show>
          </p>
        </Match>
        <Match when={props.extraction.status === 'failed'}>
          <p class="notice bad small" data-testid="extraction-failed">
            The last extraction did not finish: {props.extraction.error ?? 'it stopped.'} {props.extraction.errorAction ?? ''}
          </p>
        </Match>
        <Match when={true}>
          <p class="muted small">The last extraction is waiting to run again ({props.extraction.status}).</p>
        </Match>
      </Switch>
    </div>
  );
}
