// Steering: pick a model and one of its SAEs, pick features and coefficients, and generate from a prompt:
// the baseline and each steered variant side by side (compare), one feature over several strengths (sweep),
// or all features together (combined), streamed token by token and stoppable. Also: ablation at the prompt,
// saved experiments, prompt templates, and the SAE's evaluation inside the model.
// Deep links (links.ts): ?sae=…[&model=…]&features=12,40:-80 (from the feature browser), ?template=…, ?experiment=….
import { useSearchParams } from '@solidjs/router';
import { createSignal, For, onMount, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { EvaluationPanel } from '../../components/EvaluationPanel';
import { PageHeader } from '../../components/PageHeader';
import type { SaeRecord, SteeringExperiment } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { STEERING_MODES, SWEEP_STRENGTHS, type SteeringMode } from '../../lm/steering/plan';
import { experimentRequest, getExperiment, runRequest, startGeneration, steeringRuns } from '../../services/steering';
import { saeAttachment } from '../../services/steeringAssets';
import { promptTemplates } from '../../services/steeringTemplates';
import { ensureBuiltInTemplates } from '../../services/templates/seed';
import { db } from '../../store/db';
import { AblationPanel } from './AblationPanel';
import { errorText } from './errors';
import { ExperimentsPanel, ExperimentView } from './ExperimentsPanel';
import { FeaturePicker } from './FeaturePicker';
import { emptyForm, featuresFromQuery, formFromRequest, type SteeringForm } from './form';
import { generationRequest } from './form';
import { GenerationSettings } from './GenerationSettings';
import { createLiveKeyed } from './live';
import { ModelSaePicker } from './ModelSaePicker';
import { PromptField } from './PromptField';
import { PromptTemplatesTab } from './PromptTemplatesTab';
import { RunView } from './RunView';
import './steering.css';

const MODE_HELP: Record<SteeringMode, string> = {
  compare: 'the unsteered baseline and each feature on its own, side by side',
  sweep: `one feature at ${SWEEP_STRENGTHS.min}–${SWEEP_STRENGTHS.max} strengths`,
  combined: 'the baseline and all features added together',
};

export default function SteeringPage() {
  const [params] = useSearchParams<{ model?: string; sae?: string; features?: string; template?: string; experiment?: string }>();
  const [form, setForm] = createStore<SteeringForm>({
    ...emptyForm(),
    modelId: params.model ?? '',
    saeId: params.sae ?? '',
    features: featuresFromQuery(params.features),
  });
  const [sae, setSae] = createSignal<SaeRecord | undefined>();
  const [jobId, setJobId] = createSignal<string | undefined>();
  const [experiment, setExperiment] = createSignal<SteeringExperiment | undefined>();
  const [problem, setProblem] = createSignal('');
  const [starting, setStarting] = createSignal(false);
  // a link naming only the SAE: find its model before the pickers choose one themselves
  const [ready, setReady] = createSignal(!(params.sae && !params.model));

  const job = createLiveKeyed(jobId, (id) => (id ? db().jobs.get(id) : undefined), undefined as JobRecord | undefined);
  const runs = createLiveKeyed(() => form.saeId, (id) => (id ? steeringRuns(id) : []), [] as JobRecord[]);

  onMount(() => {
    if (!ready() && params.sae) {
      void db()
        .saes.get(params.sae)
        .then((s) => s && setForm('modelId', saeAttachment(s).modelId ?? ''))
        .finally(() => setReady(true));
    }
    void ensureBuiltInTemplates().catch((err: unknown) => setProblem(`The built-in prompt templates could not be set up: ${errorText(err)}`));
    if (params.template) void promptTemplates.get(params.template).then((t) => t && setForm('prompt', t.prompt));
    if (params.experiment) void getExperiment(params.experiment).then((e) => e && openExperiment(e));
  });

  const chooseModel = (id: string) => {
    if (id === form.modelId) return;
    setForm({ modelId: id, saeId: '', features: [] });
  };
  const chooseSae = (next: SaeRecord | undefined) => {
    setSae(next);
    const id = next?.id ?? '';
    if (id !== form.saeId) setForm({ saeId: id, features: [] });
  };
  const chooseMode = (mode: SteeringMode) => {
    setForm('mode', mode);
    if (mode === 'sweep' && form.features.length > 1) setForm('features', form.features.slice(0, 1));
  };

  const openExperiment = (e: SteeringExperiment) => {
    setForm(formFromRequest(experimentRequest(e)));
    setExperiment(e);
    setJobId(undefined);
    setProblem('');
  };
  const openRun = (run: JobRecord) => {
    try {
      const request = runRequest(run);
      if ('mode' in request) setForm({ ...formFromRequest(request), features: request.features.map((f) => ({ ...f })) });
    } catch {
      // an unreadable old run still shows its outputs
    }
    setExperiment(undefined);
    setJobId(run.id);
  };

  const generate = async () => {
    setProblem('');
    setStarting(true);
    try {
      const started = await startGeneration(generationRequest(form));
      setExperiment(undefined);
      setJobId(started.id);
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setStarting(false);
    }
  };

  return (
    <div class="page steering-page">
      <PageHeader title="Steering">
        <p>
          Change what a model writes by adding SAE feature directions to its activations while it generates. Compare steered and unsteered text side by side,
          sweep a feature’s strength, ablate features at a prompt, and keep the experiments you want to revisit.
        </p>
      </PageHeader>
      <Show when={ready()}>
        <ModelSaePicker modelId={form.modelId} saeId={form.saeId} onModel={chooseModel} onSae={chooseSae} />
      </Show>
      <Show when={sae()}>
        {(s) => (
          <>
            <div class="steering-grid">
              <section class="card steering-form" data-testid="steering-form">
                <h2>Steer</h2>
                <PromptField prompt={form.prompt} prependBos={form.prependBos} onPrompt={(t) => setForm('prompt', t)} onPrependBos={(on) => setForm('prependBos', on)} />
                <fieldset class="form-group">
                  <legend>Mode</legend>
                  <div class="row">
                    <For each={STEERING_MODES}>
                      {(mode) => (
                        <label class="checkbox" title={MODE_HELP[mode]}>
                          <input type="radio" name="steering-mode" value={mode} checked={form.mode === mode} data-testid={`mode-${mode}`} onChange={() => chooseMode(mode)} /> {mode}
                        </label>
                      )}
                    </For>
                  </div>
                  <p class="muted small">{MODE_HELP[form.mode]}</p>
                  <Show when={form.mode === 'sweep'}>
                    <label class="field">
                      <span>Strengths</span>
                      <input data-testid="sweep-strengths" value={form.strengths} onInput={(e) => setForm('strengths', e.currentTarget.value)} placeholder="−100, −50, 0, 50, 100" />
                    </label>
                  </Show>
                </fieldset>
                <FeaturePicker saeId={s().id} dSae={s().dSae} features={form.features} single={form.mode === 'sweep'} onChange={(f) => setForm('features', f)} />
                <GenerationSettings values={form.generation} onChange={(key, value) => setForm('generation', key, value)} />
                <Show when={problem()}>
                  <p class="notice bad" role="alert" data-testid="steering-problem">
                    {problem()}
                  </p>
                </Show>
                <div class="row">
                  <button class="primary" data-testid="generate" disabled={starting()} onClick={() => void generate()}>
                    Generate
                  </button>
                </div>
              </section>
              <div class="stack">
                <Show when={job()}>{(j) => <RunView job={j()} />}</Show>
                <Show when={!job() && experiment()}>{(e) => <ExperimentView experiment={e()} onClose={() => setExperiment(undefined)} />}</Show>
                <Show when={!job() && !experiment()}>
                  <section class="card muted small">Outputs appear here as they are generated.</section>
                </Show>
                <Show when={runs().length > 0}>
                  <section class="card recent-runs">
                    <h2>Recent runs</h2>
                    <ul>
                      <For each={runs().slice(0, 8)}>
                        {(run) => (
                          <li>
                            <button class="link" classList={{ current: run.id === jobId() }} onClick={() => openRun(run)}>
                              {run.title}
                            </button>{' '}
                            <span class={`small status-${run.status}`}>{run.status}</span>
                          </li>
                        )}
                      </For>
                    </ul>
                  </section>
                </Show>
              </div>
            </div>
            <AblationPanel form={form} dSae={s().dSae} onStarted={(id) => (setExperiment(undefined), setJobId(id))} />
            <EvaluationPanel saeId={s().id} />
          </>
        )}
      </Show>
      <ExperimentsPanel onOpen={openExperiment} />
      <details class="card prompt-templates">
        <summary>
          <h2>Prompt templates</h2>
        </summary>
        <PromptTemplatesTab />
      </details>
    </div>
  );
}
