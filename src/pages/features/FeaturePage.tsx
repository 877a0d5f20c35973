// One feature, in the spirit of Neuronpedia: its label, category, notes and favourite mark (editable,
// saved), how often and how strongly it fires, its activation histogram, the tokens its decoder direction
// promotes and suppresses, and its top and quantile-sampled examples with every token shaded by the
// feature's activation (the value on hover). Dataset text is rendered as text only.
import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js';
import { PageHeader } from '../../components/PageHeader';
import { TokenText } from '../../components/TokenText';
import { visibleToken } from '../../components/token-shading';
import type { FeatureExampleRecord } from '../../domain/entities';
import { ANNOTATION_LIMITS, featureDetail, saveAnnotation, toggleFavourite, type FeatureDetail, type TokenEffectView } from '../../services/features/features';
import { ActivationHistogram } from './ActivationHistogram';
import { formatActivation, formatCount, formatDensity } from './format';
import { createLiveData } from './live';
import { featureHref, saeFeaturesHref } from './routes';
import './features.css';

export default function FeaturePage() {
  const params = useParams<{ saeId: string; index: string }>();
  const navigate = useNavigate();
  const index = () => (/^\d+$/.test(params.index) ? Number(params.index) : -1);
  const detail = createLiveData(
    () => ({ saeId: params.saeId, index: index() }),
    (p) => featureDetail(p.saeId, p.index),
    undefined as FeatureDetail | undefined,
  );
  // the answer for this feature (not the previous one's, still held while the next loads)
  const d = () => {
    const v = detail.value();
    return v && v.index === index() && v.sae.id === params.saeId ? v : undefined;
  };
  const feature = () => d()?.feature;
  const go = (i: number) => navigate(featureHref(params.saeId, i));
  const onKey = (e: KeyboardEvent) => {
    const target = e.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
    const n = d()?.sae.dSae ?? 0;
    if (e.key === 'ArrowRight' && index() + 1 < n) go(index() + 1);
    else if (e.key === 'ArrowLeft' && index() > 0) go(index() - 1);
  };
  return (
    <div class="page feature-page" tabindex="-1" onKeyDown={onKey}>
      <Show
        when={d()}
        fallback={
          <Show when={detail.loaded()} fallback={<p class="muted">Loading…</p>}>
            <PageHeader title="Feature not found">
              <p>
                There is no feature {params.index} of this SAE. <A href="/features">Back to the SAEs</A>
              </p>
            </PageHeader>
          </Show>
        }
      >
        {(view) => (
          <>
            <PageHeader title={`Feature ${index()}`}>
              <p class="row">
                <A href={saeFeaturesHref(params.saeId)} data-testid="back-to-features">
                  ← {view().sae.name}
                </A>
                <span class="muted">
                  {formatCount(index() + 1)} of {formatCount(view().sae.dSae)}
                </span>
                <button class="small" disabled={index() <= 0} onClick={() => go(index() - 1)} aria-label="Previous feature">
                  ← Previous
                </button>
                <button class="small" disabled={index() + 1 >= view().sae.dSae} onClick={() => go(index() + 1)} aria-label="Next feature">
                  Next →
                </button>
              </p>
            </PageHeader>
            <div class="feature-layout">
              <div class="stack">
                <Annotations detail={view()} />
                <section class="card">
                  <h2>Activity</h2>
                  <Show when={feature()?.density !== undefined} fallback={<p class="muted">{view().logitNote}</p>}>
                    <dl class="facts" data-testid="feature-stats">
                      <dt>Density</dt>
                      <dd>
                        {formatDensity(feature()!.density)}
                        <Show when={feature()!.fired !== undefined && feature()!.tokens}>
                          <span class="muted">
                            {' '}
                            ({formatCount(feature()!.fired!)} of {formatCount(feature()!.tokens!)} tokens)
                          </span>
                        </Show>
                        <Show when={feature()!.dead === 1}>
                          <span class="flag">dead</span>
                        </Show>
                        <Show when={feature()!.dense === 1}>
                          <span class="flag">dense</span>
                        </Show>
                      </dd>
                      <dt>Max activation</dt>
                      <dd class="mono">{formatActivation(feature()!.maxActivation)}</dd>
                      <dt>Mean when firing</dt>
                      <dd class="mono">{formatActivation(feature()!.meanActivation)}</dd>
                    </dl>
                    <ActivationHistogram bars={view().histogram} notFiring={view().notFiring} />
                  </Show>
                </section>
                <LogitEffects detail={view()} />
              </div>
              <Examples examples={view().examples} max={feature()?.maxActivation} />
            </div>
          </>
        )}
      </Show>
    </div>
  );
}

function Annotations(props: { detail: FeatureDetail }) {
  const [label, setLabel] = createSignal('');
  const [category, setCategory] = createSignal('');
  const [notes, setNotes] = createSignal('');
  const [state, setState] = createSignal<'clean' | 'dirty' | 'saving' | 'saved'>('clean');
  const [error, setError] = createSignal('');
  // load the stored text when another feature opens (not on every live update, which would drop edits);
  // a memo, so an update of the same feature (a new detail object) does not count as another feature
  const which = createMemo(() => `${props.detail.sae.id}:${props.detail.index}`);
  createEffect(
    on(
      which,
      () => {
        const f = props.detail.feature;
        setLabel(f?.label ?? '');
        setCategory(f?.category ?? '');
        setNotes(f?.notes ?? '');
        setState('clean');
        setError('');
      },
    ),
  );
  const edit = (set: (v: string) => void) => (e: { currentTarget: { value: string } }) => {
    set(e.currentTarget.value);
    setState('dirty');
  };
  const save = async (event?: SubmitEvent) => {
    event?.preventDefault();
    setState('saving');
    setError('');
    try {
      const saved = await saveAnnotation(props.detail.sae.id, props.detail.index, { label: label(), category: category(), notes: notes() });
      setLabel(saved.label);
      setCategory(saved.category);
      setState('saved');
    } catch (e) {
      setError(e instanceof Error ? `${e.message}${'action' in e && typeof e.action === 'string' ? ` ${e.action}` : ''}` : String(e));
      setState('dirty');
    }
  };
  const favourite = () => props.detail.feature?.favourite === 1;
  return (
    <form class="card annotations" onSubmit={(e) => void save(e)} data-testid="feature-annotations">
      <div class="row spread">
        <h2>About this feature</h2>
        <button
          type="button"
          class="star big"
          classList={{ on: favourite() }}
          aria-pressed={favourite()}
          aria-label={favourite() ? 'Remove from favourites' : 'Add to favourites'}
          onClick={() => void toggleFavourite(props.detail.sae.id, props.detail.index).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))}
          data-testid="feature-page-favourite"
        >
          {favourite() ? '★' : '☆'}
        </button>
      </div>
      <label class="field">
        <span>Label</span>
        <input type="text" value={label()} maxlength={ANNOTATION_LIMITS.label} placeholder="What does it respond to?" onInput={edit(setLabel)} data-testid="feature-label" />
      </label>
      <label class="field">
        <span>Category</span>
        <input type="text" value={category()} maxlength={ANNOTATION_LIMITS.category} placeholder="e.g. syntax, topic, token" onInput={edit(setCategory)} data-testid="feature-category" />
      </label>
      <label class="field">
        <span>Notes</span>
        <textarea rows={3} value={notes()} maxlength={ANNOTATION_LIMITS.notes} onInput={edit(setNotes)} data-testid="feature-notes" />
      </label>
      <div class="row">
        <button type="submit" class="primary" disabled={state() === 'saving' || state() === 'clean'} data-testid="save-feature">
          Save
        </button>
        <span class="small muted" data-testid="save-state" aria-live="polite">
          {state() === 'saved' ? 'Saved' : state() === 'dirty' ? 'Unsaved changes' : state() === 'saving' ? 'Saving…' : ''}
        </span>
      </div>
      <Show when={error()}>
        <p class="notice bad small" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}

function EffectList(props: { title: string; effects: readonly TokenEffectView[]; testId: string }) {
  return (
    <div>
      <h3>{props.title}</h3>
      <ol class="effects" data-testid={props.testId}>
        <For each={props.effects}>
          {(e) => (
            <li>
              <span class="token-chip">{visibleToken(e.text)}</span>
              <span class="mono small">{e.value >= 0 ? '+' : ''}{formatActivation(e.value)}</span>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}

function LogitEffects(props: { detail: FeatureDetail }) {
  return (
    <section class="card">
      <h2>Logit effects</h2>
      <Show when={props.detail.promoted.length + props.detail.suppressed.length > 0} fallback={<p class="muted small">{props.detail.logitNote}</p>}>
        <p class="muted small">The decoder direction through the unembedding (after the final norm’s scale): the tokens it makes more and less likely.</p>
        <div class="grid-2 effects-grid">
          <EffectList title="Promoted" effects={props.detail.promoted} testId="promoted-tokens" />
          <EffectList title="Suppressed" effects={props.detail.suppressed} testId="suppressed-tokens" />
        </div>
      </Show>
    </section>
  );
}

function ExampleRow(props: { example: FeatureExampleRecord; max: number | undefined }) {
  return (
    <li class="example" data-testid="feature-example" data-kind={props.example.kind}>
      <span class="mono small act" title="activation of the example’s own token">
        {formatActivation(props.example.act ?? props.example.activations[props.example.focus ?? 0])}
      </span>
      <TokenText tokens={props.example.tokens} activations={props.example.activations} {...(props.max ? { max: props.max } : {})} {...(props.example.focus !== undefined ? { focus: props.example.focus } : {})} />
    </li>
  );
}

function Examples(props: { examples: readonly FeatureExampleRecord[]; max: number | undefined }) {
  const top = createMemo(() => props.examples.filter((e) => e.kind === 'top'));
  const bands = createMemo(() => {
    const byBand = new Map<number, FeatureExampleRecord[]>();
    for (const e of props.examples) {
      if (e.kind !== 'quantile') continue;
      const list = byBand.get(e.band ?? 0);
      if (list) list.push(e);
      else byBand.set(e.band ?? 0, [e]);
    }
    // strongest band first, like the top examples
    return [...byBand.entries()].sort((a, b) => b[0] - a[0]);
  });
  return (
    <section class="card examples" data-testid="feature-examples">
      <h2>Top activations</h2>
      <Show when={top().length > 0} fallback={<p class="muted">No examples: the feature did not fire on the tokens seen, or no extraction has run yet.</p>}>
        <ol class="example-list">
          <For each={top()}>{(e) => <ExampleRow example={e} max={props.max} />}</For>
        </ol>
      </Show>
      <Show when={bands().length > 0}>
        <h2>Across the activation range</h2>
        <For each={bands()}>
          {([band, list]) => (
            <div class="band">
              <h3 class="small muted">
                Band {band + 1} · activations {formatActivation(Math.min(...list.map((e) => e.act ?? 0)))} – {formatActivation(Math.max(...list.map((e) => e.act ?? 0)))}
              </h3>
              <ol class="example-list">
                <For each={list}>{(e) => <ExampleRow example={e} max={props.max} />}</For>
              </ol>
            </div>
          )}
        </For>
      </Show>
    </section>
  );
}
