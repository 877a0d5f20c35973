// New training: the form (started from a template, an earlier run or the defaults), live validation, a
// GPU memory and time estimate against this device's limits, "Start training" and "Save as template".
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, createResource, createSignal, Match, onMount, Show, Switch } from 'solid-js';
import { PageHeader } from '../../components/PageHeader';
import { formatBytes, formatDuration } from '../../components/format';
import { TemplateValidationError } from '../../domain/templates';
import { ARCHITECTURE_LABELS } from '../../domain/templates';
import { ARCHITECTURES } from '../../sae/config';
import { GPU_THROUGHPUT } from '../../sae/training/estimate';
import {
  defaultFormValues,
  formDSae,
  formTotalSteps,
  formValuesFromTemplate,
  formValuesFromTraining,
  parseNumber,
  parseTrainingForm,
  type FormField,
  type TrainingFormValues,
  withSourceChoice,
} from '../../sae/training/form';
import { trainingSourceChoices } from '../../services/training/sources';
import { deviceInfo, estimateTraining, measuredThroughput } from '../../services/training/estimates';
import { saveSpecAsTemplate, templateForForm } from '../../services/training/templates';
import { createTraining, getTraining } from '../../services/training/trainings';
import { CheckboxInput, errorsToShow, NumberInput, SelectInput, TextInput, type FormBinding } from './FormFields';
import { SourcePicker } from './SourcePicker';
import './training.css';

export default function NewTrainingPage() {
  const [params] = useSearchParams<{ template?: string; from?: string }>();
  const navigate = useNavigate();
  const [values, setValues] = createSignal<TrainingFormValues>(defaultFormValues());
  const [touched, setTouched] = createSignal<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [notice, setNotice] = createSignal<{ kind: 'ok' | 'bad' | 'warn'; text: string } | undefined>();
  const [templateId, setTemplateId] = createSignal<string | undefined>();
  const [templateName, setTemplateName] = createSignal('');
  const [sourceNote, setSourceNote] = createSignal('');

  onMount(async () => {
    try {
      if (params.template) {
        const t = await templateForForm(params.template);
        if (!t) return setNotice({ kind: 'bad', text: `The template ${params.template} does not exist (it may have been deleted). The form shows the defaults.` });
        setValues(formValuesFromTemplate(t));
        setTemplateId(t.id);
        setNotice({ kind: 'ok', text: `Started from the template “${t.name}”. Change anything before you start.` });
        if (!t.source) {
          setSourceNote(
            'This template is meant for a model’s activations: choose cached activations or a model below (d_in then follows the source). Left on synthetic data, it trains on toy activations of the same width.',
          );
        }
      } else if (params.from) {
        const r = await getTraining(params.from);
        if (r) setValues(formValuesFromTraining(r));
      }
    } catch (e) {
      setNotice({ kind: 'bad', text: e instanceof Error ? e.message : String(e) });
    }
  });

  const [choices] = createResource(() => trainingSourceChoices().catch(() => undefined));
  const parsed = createMemo(() => parseTrainingForm(values(), choices()));
  const errors = () => {
    const p = parsed();
    return p.ok ? {} : p.errors;
  };
  const form: FormBinding = {
    values,
    set: (field, value) => setValues((v) => withSourceChoice({ ...v, [field]: value }, field, choices())),
    error: (field: FormField) => errorsToShow(errors(), touched(), submitted())(field),
    touch: (field) => setTouched((t) => new Set([...t, field])),
  };

  const [device] = createResource(() => deviceInfo().catch(() => undefined));
  const [measured] = createResource(() => measuredThroughput(GPU_THROUGHPUT).catch(() => undefined));
  const estimate = createMemo(() => {
    const v = values();
    const shape = {
      architecture: v.architecture,
      d_in: parseNumber(v.dIn),
      d_sae: formDSae(v),
      k: parseNumber(v.k),
      batchSize: parseNumber(v.batchSize),
      totalSteps: formTotalSteps(v),
    };
    if (![shape.d_in, shape.d_sae, shape.batchSize, shape.totalSteps].every((n) => Number.isFinite(n) && n > 0)) return undefined;
    const m = measured();
    return estimateTraining(shape, device(), m);
  });

  const start = async () => {
    setSubmitted(true);
    const p = parsed();
    if (!p.ok) return setNotice({ kind: 'bad', text: p.errors.form ?? 'Some settings need fixing (marked below).' });
    const problems = estimate()?.problems ?? [];
    if (problems.length > 0) return setNotice({ kind: 'bad', text: problems.map((x) => x.message).join(' ') });
    setBusy(true);
    try {
      const id = templateId();
      const training = await createTraining(id ? { ...p.spec, templateId: id } : p.spec);
      navigate(`/training/${training.id}`);
    } catch (e) {
      setNotice({ kind: 'bad', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const saveTemplate = async () => {
    setSubmitted(true);
    const p = parsed();
    if (!p.ok) return setNotice({ kind: 'bad', text: 'Fix the marked settings before saving them as a template.' });
    const name = templateName().trim() || p.spec.name;
    try {
      const t = await saveSpecAsTemplate(p.spec, name);
      setNotice({ kind: 'ok', text: `Saved as the template “${t.name}”.` });
      setTemplateId(t.id);
    } catch (e) {
      setNotice({ kind: 'bad', text: e instanceof TemplateValidationError || e instanceof Error ? e.message : String(e) });
    }
  };

  const arch = () => values().architecture;
  const sparse = () => arch() === 'topk' || arch() === 'batchtopk';

  return (
    <div class="page training-form-page">
      <PageHeader title="New training">
        <p>
          Choose the data, the SAE and the schedule. Every field says what it does; the estimate on the right checks that the run
          fits this GPU. <A href="/training">Back to trainings</A>
        </p>
      </PageHeader>
      <Show when={notice()}>
        {(n) => (
          <p class={`notice ${n().kind}`} data-testid="form-notice">
            {n().text}
          </p>
        )}
      </Show>
      <form
        class="training-form"
        data-testid="training-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <div class="form-columns">
          <div class="form-main">
            <fieldset class="card">
              <legend>Run</legend>
              <TextInput form={form} field="name" />
            </fieldset>
            <SourcePicker form={form} choices={choices()} note={sourceNote()} />
            <fieldset class="card">
              <legend>Architecture and size</legend>
              <div class="field-grid">
                <SelectInput form={form} field="architecture" choices={ARCHITECTURES.map((a) => ({ value: a, label: ARCHITECTURE_LABELS[a] }))} />
                <SelectInput
                  form={form}
                  field="sizeMode"
                  choices={[
                    { value: 'd_sae', label: 'd_sae (latents)' },
                    { value: 'expansion', label: 'Expansion factor × d_in' },
                  ]}
                />
                <Show when={values().sizeMode === 'd_sae'} fallback={<NumberInput form={form} field="expansion" />}>
                  <NumberInput form={form} field="dSae" />
                </Show>
              </div>
              <div class="field-grid">
                <Switch>
                  <Match when={sparse()}>
                    <NumberInput form={form} field="k" />
                    <NumberInput form={form} field="kAux" />
                    <NumberInput form={form} field="auxCoefficient" />
                    <Show when={arch() === 'batchtopk'}>
                      <NumberInput form={form} field="thresholdMomentum" />
                    </Show>
                  </Match>
                  <Match when={arch() === 'relu'}>
                    <NumberInput form={form} field="l1Coefficient" />
                    <NumberInput form={form} field="l1WarmupSteps" />
                  </Match>
                  <Match when={arch() === 'jumprelu'}>
                    <NumberInput form={form} field="l0Coefficient" />
                    <NumberInput form={form} field="bandwidth" />
                    <NumberInput form={form} field="initialThreshold" />
                  </Match>
                </Switch>
              </div>
            </fieldset>
            <fieldset class="card">
              <legend>Optimisation</legend>
              <div class="field-grid">
                <NumberInput form={form} field="lr" />
                <NumberInput form={form} field="lrWarmupSteps" />
                <NumberInput form={form} field="lrDecaySteps" />
                <NumberInput form={form} field="batchSize" />
                <SelectInput
                  form={form}
                  field="lengthMode"
                  choices={[
                    { value: 'steps', label: 'Steps' },
                    { value: 'tokens', label: 'Tokens' },
                  ]}
                />
                <Show when={values().lengthMode === 'steps'} fallback={<NumberInput form={form} field="totalTokens" />}>
                  <NumberInput form={form} field="totalSteps" />
                </Show>
                <NumberInput form={form} field="deadSteps" />
              </div>
            </fieldset>
            <fieldset class="card">
              <legend>Initialisation and checkpoints</legend>
              <div class="field-grid">
                <SelectInput
                  form={form}
                  field="bDecInit"
                  choices={[
                    { value: 'zeros', label: 'Zeros' },
                    { value: 'mean', label: 'Mean of a sample' },
                    { value: 'geometric_median', label: 'Geometric median of a sample' },
                  ]}
                />
                <NumberInput form={form} field="checkpointEvery" />
                <NumberInput form={form} field="keepCheckpoints" />
                <NumberInput form={form} field="seed" />
              </div>
              <CheckboxInput form={form} field="inputScaling" />
            </fieldset>
            <details class="card">
              <summary>Advanced</summary>
              <div class="field-grid">
                <NumberInput form={form} field="gradClip" placeholder="none" />
                <NumberInput form={form} field="adamBeta1" />
                <NumberInput form={form} field="adamBeta2" />
              </div>
              <CheckboxInput form={form} field="normalizeDecoder" />
              <CheckboxInput form={form} field="applyBDecToInput" />
            </details>
          </div>
          <aside class="form-side">
            <section class="card estimate" data-testid="training-estimate">
              <h2>Estimate</h2>
              <Show when={estimate()} fallback={<p class="muted small">Fill in the sizes to see memory and time.</p>}>
                {(e) => (
                  <>
                    <dl class="facts">
                      <dt>Parameters</dt>
                      <dd>{formatBytes(e().memory.paramsBytes)}</dd>
                      <dt>Gradients + Adam</dt>
                      <dd>{formatBytes(e().memory.gradientBytes + e().memory.adamBytes)}</dd>
                      <dt>Activations per batch</dt>
                      <dd>{formatBytes(e().memory.activationBytes)}</dd>
                      <dt>GPU memory</dt>
                      <dd data-testid="estimate-memory">{formatBytes(e().memory.totalBytes)}</dd>
                      <dt>Largest buffer</dt>
                      <dd>
                        {formatBytes(e().memory.largestBuffer.bytes)} <span class="muted small">({e().memory.largestBuffer.name})</span>
                      </dd>
                      <dt>Time</dt>
                      <dd data-testid="estimate-time">≈ {formatDuration(e().seconds)}</dd>
                    </dl>
                    <p class="muted small">Time assumes {e().basis}; the run page shows the real speed.</p>
                    <Show
                      when={e().problems.length === 0}
                      fallback={
                        <p class="notice bad small" data-testid="estimate-problem">
                          {e().problems.map((p) => p.message).join(' ')}
                        </p>
                      }
                    >
                      <Show when={device()?.limits}>
                        {(l) => (
                          <p class="notice ok small">
                            Fits this GPU ({device()?.description || 'WebGPU adapter'}: up to {formatBytes(Math.min(l().maxBufferSize, l().maxStorageBufferBindingSize))} per buffer).
                          </p>
                        )}
                      </Show>
                    </Show>
                    <Show when={device() && !device()!.available}>
                      <p class="notice warn small">No GPU: {device()!.reason}</p>
                    </Show>
                  </>
                )}
              </Show>
            </section>
            <section class="card">
              <button type="submit" class="primary wide" disabled={busy()} data-testid="start-training">
                Start training
              </button>
              <div class="save-template">
                <label for="template-name" class="small">
                  Save these settings as a template
                </label>
                <div class="row">
                  <input id="template-name" type="text" placeholder={values().name} value={templateName()} onInput={(e) => setTemplateName(e.currentTarget.value)} />
                  <button type="button" onClick={() => void saveTemplate()} data-testid="save-template">
                    Save as template
                  </button>
                </div>
              </div>
            </section>
          </aside>
        </div>
      </form>
    </div>
  );
}
