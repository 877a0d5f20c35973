// An SAE's evaluation inside its model: splice its reconstruction in at its hook on held-out token windows
// and report CE loss (clean, spliced, hook zeroed), CE loss recovered, KL, explained variance, L0 and
// dead/dense fractions, beside its training metrics. Mounted on the SAE's pages (Steering, training run).
import { liveQuery } from 'dexie';
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import type { DatasetRecord, SaeEvaluation, SaeRecord, TokenizationRecord } from '../domain/entities';
import type { JobRecord } from '../domain/job';
import { DEFAULT_EVALUATION_WINDOWS, evaluationBlocker, evaluationJobs, evaluationTokenizations, startEvaluation } from '../services/evaluation';
import { cancelJob } from '../services/jobs';
import { db } from '../store/db';
import { ProgressBar } from './ProgressBar';

interface PanelData {
  sae: SaeRecord | undefined;
  tokenizations: { tokenization: TokenizationRecord; dataset: DatasetRecord | undefined }[];
  job: JobRecord | undefined;
}

async function panelData(saeId: string): Promise<PanelData> {
  const sae = await db().saes.get(saeId);
  if (!sae) return { sae, tokenizations: [], job: undefined };
  const tokenizations = await evaluationTokenizations(sae);
  const datasets = await db().datasets.bulkGet(tokenizations.map((t) => t.datasetId));
  const [job] = await evaluationJobs(saeId);
  return { sae, tokenizations: tokenizations.map((tokenization, i) => ({ tokenization, dataset: datasets[i] })), job };
}

function fixed(value: number | undefined, digits = 3): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

interface MetricRow {
  id: string;
  label: string;
  help: string;
  value: (e: SaeEvaluation) => number;
  digits?: number;
  /** the training metric shown beside it */
  training?: (m: NonNullable<SaeRecord['metrics']>) => number | undefined;
}

const METRICS: readonly MetricRow[] = [
  { id: 'ce-loss-recovered', label: 'CE loss recovered', help: '(CE zero-ablated − CE spliced) / (CE zero-ablated − CE clean): 1 is lossless, 0 is as bad as deleting the activation.', value: (e) => e.ceLossRecovered },
  { id: 'ce-clean', label: 'CE loss, clean', help: 'Next-token cross-entropy of the unmodified model (nats).', value: (e) => e.ceClean },
  { id: 'ce-spliced', label: 'CE loss, with the SAE', help: 'With the SAE’s reconstruction in place of the activation.', value: (e) => e.ceSpliced },
  { id: 'ce-zero', label: 'CE loss, hook zeroed', help: 'With the activation replaced by zeros.', value: (e) => e.ceZero },
  { id: 'kl', label: 'KL(clean ‖ spliced)', help: 'Mean KL divergence of the next-token distributions (nats).', value: (e) => e.kl, digits: 4 },
  { id: 'explained-variance', label: 'Explained variance', help: '1 − Σ‖x − x̂‖² / Σ‖x − mean‖² over the evaluated tokens.', value: (e) => e.explainedVariance, training: (m) => m.explained_variance },
  { id: 'l0', label: 'L0', help: 'Active features per token.', value: (e) => e.l0, digits: 1, training: (m) => m.l0 },
  { id: 'dead', label: 'Dead fraction', help: 'Share of features that never fired on the evaluated tokens.', value: (e) => e.deadFraction, training: (m) => m.dead_fraction },
  { id: 'dense', label: 'Dense fraction', help: 'Share of features firing on more than the dense threshold of tokens.', value: (e) => e.denseFraction },
];

export function EvaluationPanel(props: { saeId: string }) {
  const [data, setData] = createSignal<PanelData>({ sae: undefined, tokenizations: [], job: undefined });
  const [tokenizationId, setTokenizationId] = createSignal('');
  const [windows, setWindows] = createSignal(String(DEFAULT_EVALUATION_WINDOWS));
  const [problem, setProblem] = createSignal('');
  createEffect(() => {
    const subscription = liveQuery(() => panelData(props.saeId)).subscribe({
      next: (next) => setData(next),
      error: (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
    });
    onCleanup(() => subscription.unsubscribe());
  });
  createEffect(() => {
    const list = data().tokenizations;
    if (list.length > 0 && !list.some((t) => t.tokenization.id === tokenizationId())) setTokenizationId(list[0].tokenization.id);
  });
  const active = () => data().job?.status === 'queued' || data().job?.status === 'running';
  // imported SAEs have no training metrics to show beside the evaluation
  const hasTraining = () => Object.keys(data().sae?.metrics ?? {}).length > 0;
  const blocker = () => (data().sae ? evaluationBlocker(data().sae as SaeRecord) : null);

  const start = async () => {
    setProblem('');
    try {
      await startEvaluation({ saeId: props.saeId, tokenizationId: tokenizationId(), windows: Number(windows()) });
    } catch (err) {
      setProblem(err instanceof Error ? `${err.message}${'action' in err && typeof err.action === 'string' ? ` ${err.action}` : ''}` : String(err));
    }
  };

  return (
    <section class="card evaluation-panel" data-testid="evaluation-panel">
      <h2>Evaluation in the model</h2>
      <Show when={!blocker()} fallback={<p class="muted small">{blocker()}</p>}>
        <p class="muted small">
          Splices the SAE’s reconstruction into the model at its hook on held-out token windows (the last windows of the chosen tokenization) and compares next-token losses.
        </p>
        <Show
          when={data().tokenizations.length > 0}
          fallback={<p class="muted small">Tokenize a dataset with this SAE’s model first (Datasets page); evaluation runs on those token windows.</p>}
        >
          <div class="row">
            <label class="field">
              <span>Token windows</span>
              <select data-testid="evaluation-tokenization" value={tokenizationId()} onChange={(e) => setTokenizationId(e.currentTarget.value)}>
                <For each={data().tokenizations}>
                  {(t) => (
                    <option value={t.tokenization.id}>
                      {t.dataset?.name ?? 'dataset'} · {t.tokenization.windows.toLocaleString('en')} windows of {t.tokenization.contextLength}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <label class="field">
              <span>Windows to evaluate</span>
              <input type="number" min="1" data-testid="evaluation-windows" value={windows()} onInput={(e) => setWindows(e.currentTarget.value)} />
            </label>
            <div class="field">
              <span>&nbsp;</span>
              <button class="primary" data-testid="evaluate" disabled={active() || !tokenizationId()} onClick={() => void start()}>
                Evaluate
              </button>
            </div>
          </div>
        </Show>
        <Show when={problem()}>
          <p class="no small" role="alert">
            {problem()}
          </p>
        </Show>
        <Show when={data().job}>
          {(job) => (
            <div class="evaluation-job" data-testid="evaluation-job" data-status={job().status}>
              <Show when={active()}>
                <div class="row nowrap">
                  <ProgressBar done={job().progress.done} total={job().progress.total} active label="Evaluation progress" />
                  <button class="small" onClick={() => void cancelJob(job().id)}>
                    Stop
                  </button>
                </div>
              </Show>
              <p class="small muted">
                {job().status === 'failed' ? `Failed: ${job().error?.message ?? ''} ${job().error?.action ?? ''}` : job().status === 'queued' ? 'Waiting for the GPU…' : job().progress.message}
              </p>
            </div>
          )}
        </Show>
        <Show when={data().sae?.evaluation}>
          {(e) => (
            <div class="table-wrap">
              <table class="data" data-testid="evaluation-result">
                <thead>
                  <tr>
                    <th>Metric</th>
                    <th>Evaluation</th>
                    <Show when={hasTraining()}>
                      <th>End of training</th>
                    </Show>
                  </tr>
                </thead>
                <tbody>
                  <For each={METRICS}>
                    {(m) => (
                      <tr data-testid={`metric-${m.id}`}>
                        <td title={m.help}>{m.label}</td>
                        <td class="mono" data-testid={`value-${m.id}`}>
                          {fixed(m.value(e()), m.digits)}
                        </td>
                        <Show when={hasTraining()}>
                          <td class="mono muted">{m.training ? fixed(m.training(data().sae?.metrics ?? {}), m.digits) : ''}</td>
                        </Show>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <p class="small muted">
                {e().windows} windows, {e().tokens.toLocaleString('en')} tokens at {e().hook}; dense means firing on more than {(e().denseThreshold * 100).toFixed(0)}% of tokens.
                Evaluated {new Date(e().evaluatedAt).toLocaleString()}.
              </p>
            </div>
          )}
        </Show>
      </Show>
    </section>
  );
}
