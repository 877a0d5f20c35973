import { useSearchParams } from '@solidjs/router';
import { createResource, createSignal, Show, type JSX } from 'solid-js';
import { formatBytes } from '../../components/format';
import { JobTable } from '../../components/JobTable';
import { createLiveQuery } from '../../components/liveQuery';
import type { ModelRecord } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { deleteModel, modelAnalysis, modelJobs, pickedTensors } from '../../services/models/models';
import { CachesPanel } from './CachesPanel';
import { ErrorNotice } from './ErrorNotice';
import { ExtractPanel } from './ExtractPanel';
import { formatCount, modelBytes, statusClass } from './format';
import { HookPoints, TensorPicker } from './HookPoints';
import { shownError, type ShownError } from './shownError';
import { TryPrompt } from './TryPrompt';

function Section(props: { title: string; testId?: string; children: JSX.Element }) {
  return (
    <section class="card-section" data-testid={props.testId}>
      <h3>{props.title}</h3>
      {props.children}
    </section>
  );
}

/** Everything about one model: facts, hook points, tensors to pick, a prompt to try, extraction and caches. */
export function ModelCard(props: { model: ModelRecord }) {
  const [, setSearchParams] = useSearchParams();
  const analysisKey = () => props.model.files.find((f) => f.role === 'analysis')?.blobKey;
  const [analysis] = createResource(
    () => analysisKey() ?? false,
    () => modelAnalysis(props.model),
  );
  const picked = createLiveQuery<string[]>(() => pickedTensors(props.model.id), []);
  const jobs = createLiveQuery<JobRecord[]>(async () => (await modelJobs(props.model.id)).filter((j) => j.kind !== 'try-prompt'), []);
  const [error, setError] = createSignal<ShownError | null>(null);
  const remove = async () => {
    if (!confirm(`Delete ${props.model.name}, its tokenizations and its activation caches?`)) return;
    try {
      await deleteModel(props.model.id);
      setSearchParams({ model: undefined });
    } catch (err) {
      setError(shownError(err));
    }
  };
  const info = () => props.model.info ?? {};
  const source = () => {
    const s = props.model.source;
    return s.kind === 'hub' ? `${s.repo} · ${s.file} @ ${s.revision.slice(0, 10)}` : 'Files from this computer';
  };
  const hasGraph = () => props.model.files.some((f) => f.role === 'model');
  const hasTokenizer = () => props.model.files.some((f) => f.role === 'tokenizer');

  return (
    <section class="card" data-testid="model-card" data-model-id={props.model.id}>
      <div class="row" style={{ 'justify-content': 'space-between' }}>
        <h2 data-testid="model-card-name">{props.model.name}</h2>
        <div class="row">
          <span class={statusClass(props.model.status)} data-testid="model-card-status">
            {props.model.status}
          </span>
          <button class="small" onClick={() => void remove()} data-testid="model-delete">
            Delete model
          </button>
        </div>
      </div>
      <ErrorNotice error={error()} testId="model-card-error" />
      <dl class="facts" data-testid="model-facts">
        <dt>Source</dt>
        <dd class="small">{source()}</dd>
        <dt>Architecture</dt>
        <dd data-testid="card-family">{info().family ?? '—'}</dd>
        <dt>Layers</dt>
        <dd data-testid="card-layers">{info().layers ?? '—'}</dd>
        <dt>d_model</dt>
        <dd data-testid="card-dmodel">{info().dModel ?? '—'}</dd>
        <dt>Heads</dt>
        <dd data-testid="card-heads">{info().heads ?? '—'}</dd>
        <dt>Vocabulary</dt>
        <dd data-testid="card-vocab">{info().vocab?.toLocaleString('en') ?? '—'}</dd>
        <dt>Context</dt>
        <dd>{info().contextLength?.toLocaleString('en') ?? '—'}</dd>
        <dt>Parameters</dt>
        <dd data-testid="card-params">
          {formatCount(info().params)}
          <Show when={info().params}> ({info().params?.toLocaleString('en')})</Show>
        </dd>
        <dt>File size</dt>
        <dd data-testid="card-size">{formatBytes(modelBytes(props.model))}</dd>
        <dt>dtype</dt>
        <dd data-testid="card-dtype">{info().dtype ?? '—'}</dd>
        <Show when={analysis()}>
          {(a) => (
            <>
              <dt>Graph</dt>
              <dd class="small">
                opset {a().opset} · {a().inputs.map((i) => i.name).join(', ')} → {a().outputs.map((o) => o.name).join(', ')}
                <Show when={a().quantized}> · quantized</Show>
              </dd>
            </>
          )}
        </Show>
      </dl>
      <Show when={!hasTokenizer()}>
        <div class="notice warn small" style={{ 'margin-top': '10px' }}>
          This model has no tokenizer.json: prompts and dataset tokenization need one. Import it together with the model files.
        </div>
      </Show>

      <Show when={props.model.status === 'ready' && hasGraph()} fallback={<JobTable jobs={jobs()} empty="No jobs for this model yet." />}>
        <Show
          when={analysis()}
          fallback={
            <p class="muted small" data-testid="analysis-pending">
              {analysis.loading ? 'Reading the analysis…' : 'The graph is being read for hook points…'}
            </p>
          }
        >
          {(a) => (
            <>
              <Section title="Hook points" testId="hook-points">
                <HookPoints analysis={a()} />
              </Section>
              <Section title="Pick other tensors" testId="tensor-picks">
                <TensorPicker modelId={props.model.id} analysis={a()} picked={picked()} />
              </Section>
              <Show when={hasTokenizer()}>
                <Section title="Try it" testId="try-it">
                  <TryPrompt modelId={props.model.id} />
                </Section>
              </Show>
              <Section title="Extract activations" testId="extract">
                <ExtractPanel modelId={props.model.id} analysis={a()} picked={picked()} />
              </Section>
            </>
          )}
        </Show>
        <Section title="Activation caches" testId="caches">
          <CachesPanel modelId={props.model.id} />
        </Section>
        <Section title="Jobs" testId="model-jobs">
          <JobTable jobs={jobs()} empty="No jobs for this model yet." />
        </Section>
      </Show>
    </section>
  );
}
