import { createSignal, For, Show } from 'solid-js';
import { createLiveQuery } from '../../components/liveQuery';
import type { JobRecord } from '../../domain/job';
import type { PromptResult } from '../../lm/runner/prompt';
import { lastPromptResult, runPrompt } from '../../services/models/prompt-results';
import { getJob } from '../../store/repos/jobs';
import { ErrorNotice } from './ErrorNotice';
import { shownError, type ShownError } from './shownError';

/** Visible form of a token: spaces and line breaks shown, so "Ġthe"-style pieces read as they are. */
function visible(text: string): string {
  return text.replace(/\n/g, '⏎').replace(/\t/g, '⇥').replace(/ /g, '·');
}

/** Type a prompt; see its tokens and the model's most likely next tokens (a GPU job, one forward pass). */
export function TryPrompt(props: { modelId: string }) {
  const [prompt, setPrompt] = createSignal('The big rabbit');
  const [jobId, setJobId] = createSignal<string | null>(null);
  const [error, setError] = createSignal<ShownError | null>(null);
  const result = createLiveQuery<PromptResult | undefined>(() => lastPromptResult(props.modelId), undefined);
  const job = createLiveQuery<JobRecord | undefined>(() => {
    const id = jobId();
    return id ? getJob(id) : undefined;
  }, undefined);
  const running = () => {
    const j = job();
    return j !== undefined && (j.status === 'queued' || j.status === 'running');
  };
  const run = async () => {
    setError(null);
    try {
      setJobId((await runPrompt(props.modelId, prompt())).id);
    } catch (err) {
      setError(shownError(err));
    }
  };
  const maxProbability = () => Math.max(1e-9, ...(result()?.next.map((n) => n.probability) ?? [0]));
  return (
    <div data-testid="try-prompt">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label class="field">
          <span>Prompt</span>
          <textarea value={prompt()} onInput={(e) => setPrompt(e.currentTarget.value)} data-testid="prompt-input" />
        </label>
        <div class="row" style={{ 'margin-top': '8px' }}>
          <button type="submit" class="primary" disabled={running() || prompt().trim() === ''} data-testid="prompt-run">
            Run
          </button>
          <Show when={running()}>
            <span class="muted small">{job()?.progress.message || 'Waiting for the GPU worker…'}</span>
          </Show>
        </div>
      </form>
      <Show when={job()?.error}>{(e) => <ErrorNotice error={e()} testId="prompt-error" />}</Show>
      <ErrorNotice error={error()} testId="prompt-error" />
      <Show when={result()}>
        {(r) => (
          <div style={{ 'margin-top': '12px' }} data-testid="prompt-result">
            <Show when={r().backend === 'wasm'}>
              <div class="notice warn small" data-testid="prompt-wasm-notice" style={{ 'margin-bottom': '8px' }}>
                WebGPU is not available here, so the model ran on the CPU (WebAssembly): correct, but slower.
              </div>
            </Show>
            <p class="muted small">
              “{r().prompt}” is {r().tokens.length} token{r().tokens.length === 1 ? '' : 's'} · {r().ms.toFixed(0)} ms on {r().backend === 'webgpu' ? 'WebGPU' : 'the CPU'}
            </p>
            <div class="tokens" data-testid="prompt-tokens">
              <For each={r().tokens}>
                {(t) => (
                  <span title={`id ${t.id}`} data-testid="prompt-token">
                    {visible(t.text)}
                  </span>
                )}
              </For>
            </div>
            <table class="data" style={{ 'margin-top': '10px' }}>
              <thead>
                <tr>
                  <th>Next token</th>
                  <th>id</th>
                  <th>Probability</th>
                </tr>
              </thead>
              <tbody>
                <For each={r().next}>
                  {(n) => (
                    <tr data-testid="next-token-row">
                      <td class="mono">{visible(n.text)}</td>
                      <td class="small muted">{n.id}</td>
                      <td class="small">
                        <span class="bar" style={{ width: `${Math.max(2, (n.probability / maxProbability()) * 120)}px` }} /> {(n.probability * 100).toFixed(1)}%
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </div>
  );
}
