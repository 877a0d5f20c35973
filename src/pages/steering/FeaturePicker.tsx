// The features to steer with (1–4): added by index, from a search of labelled features, or from the feature
// browser (it links here with ?features=…). Each has a coefficient in raw decoder units (−300…300, as
// Neuronpedia uses them); large magnitudes get a warning, since they usually break the text.
import { A } from '@solidjs/router';
import { createSignal, For, Index, Show } from 'solid-js';
import type { FeatureRecord } from '../../domain/entities';
import { COEFFICIENT_LIMIT, EXTREME_COEFFICIENT, isExtremeCoefficient, MAX_STEERING_FEATURES } from '../../lm/steering/steering-vector';
import { searchFeatures } from '../../services/steering';
import type { FeatureEntry } from './form';
import { createLiveKeyed } from './live';

export const DEFAULT_COEFFICIENT = 50;

export function FeaturePicker(props: {
  saeId: string;
  dSae: number;
  features: FeatureEntry[];
  onChange: (features: FeatureEntry[]) => void;
  /** sweep: one feature, its coefficient replaced by the strengths */
  single?: boolean;
}) {
  const [indexText, setIndexText] = createSignal('');
  const [search, setSearch] = createSignal('');
  const [problem, setProblem] = createSignal('');
  const results = createLiveKeyed(
    () => ({ saeId: props.saeId, text: search() }),
    (q) => (q.saeId && q.text.trim() ? searchFeatures(q.saeId, q.text) : []),
    [] as FeatureRecord[],
  );
  const limit = () => (props.single ? 1 : MAX_STEERING_FEATURES);
  const full = () => props.features.length >= limit();

  const add = (index: number, label?: string) => {
    setProblem('');
    if (!Number.isInteger(index) || index < 0 || index >= props.dSae) return setProblem(`Feature indices run from 0 to ${props.dSae - 1}.`);
    if (props.features.some((f) => f.index === index)) return setProblem(`Feature #${index} is already chosen.`);
    if (full()) return setProblem(props.single ? 'A sweep varies one feature; remove it to choose another.' : `At most ${MAX_STEERING_FEATURES} features at once.`);
    props.onChange([...props.features, { index, coefficient: DEFAULT_COEFFICIENT, ...(label ? { label } : {}) }]);
    setIndexText('');
  };
  const setCoefficient = (i: number, value: number) => props.onChange(props.features.map((f, j) => (j === i ? { ...f, coefficient: value } : f)));
  const remove = (i: number) => props.onChange(props.features.filter((_, j) => j !== i));

  return (
    <fieldset class="form-group feature-picker" data-testid="feature-picker">
      <legend>Features</legend>
      <Show when={props.features.length > 0} fallback={<p class="muted small">No feature chosen yet.</p>}>
        <ul class="chosen-features">
          <Index each={props.features}>
            {(feature, i) => (
              <li data-testid="chosen-feature" data-index={feature().index}>
                <div class="row nowrap">
                  <span class="mono">#{feature().index}</span>
                  <span class="feature-label" title={feature().label}>
                    {feature().label ?? ''}
                  </span>
                  <button class="small" aria-label={`Remove feature ${feature().index}`} onClick={() => remove(i)}>
                    Remove
                  </button>
                </div>
                <Show when={!props.single}>
                  <div class="row nowrap coefficient">
                    <input
                      type="range"
                      min={-COEFFICIENT_LIMIT}
                      max={COEFFICIENT_LIMIT}
                      step="1"
                      aria-label={`Coefficient of feature ${feature().index} (slider)`}
                      value={feature().coefficient}
                      onInput={(e) => setCoefficient(i, Number(e.currentTarget.value))}
                    />
                    <input
                      type="number"
                      class="coefficient-input"
                      min={-COEFFICIENT_LIMIT}
                      max={COEFFICIENT_LIMIT}
                      step="any"
                      data-testid="coefficient-input"
                      aria-label={`Coefficient of feature ${feature().index}`}
                      value={feature().coefficient}
                      onChange={(e) => {
                        const v = Number(e.currentTarget.value);
                        if (Number.isFinite(v)) setCoefficient(i, Math.max(-COEFFICIENT_LIMIT, Math.min(COEFFICIENT_LIMIT, v)));
                      }}
                    />
                  </div>
                  <Show when={isExtremeCoefficient(feature().coefficient)}>
                    <p class="notice warn small" data-testid="extreme-coefficient">
                      Beyond ±{EXTREME_COEFFICIENT} models usually repeat themselves or produce gibberish; that can still be informative.
                    </p>
                  </Show>
                </Show>
              </li>
            )}
          </Index>
        </ul>
      </Show>
      <div class="row">
        <label class="field">
          <span>Add by index</span>
          <input
            type="number"
            min="0"
            max={props.dSae - 1}
            placeholder={`0 – ${props.dSae - 1}`}
            data-testid="feature-index-input"
            value={indexText()}
            disabled={full()}
            onInput={(e) => setIndexText(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && add(Number(indexText()))}
          />
        </label>
        <div class="field">
          <span>&nbsp;</span>
          <button data-testid="add-feature" disabled={full() || indexText().trim() === ''} onClick={() => add(Number(indexText()))}>
            Add
          </button>
        </div>
        <label class="field grow">
          <span>Search labelled features</span>
          <input type="search" placeholder="label, category or token" data-testid="feature-search" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
      </div>
      <Show when={problem()}>
        <p class="no small" role="alert">
          {problem()}
        </p>
      </Show>
      <Show when={search().trim() !== ''}>
        <Show when={results().length > 0} fallback={<p class="muted small">No labelled feature matches. Label features in the feature browser, or add one by index.</p>}>
          <ul class="feature-results">
            <For each={results()}>
              {(f) => (
                <li class="row nowrap">
                  <span class="mono">#{f.index}</span>
                  <span class="feature-label">{f.label || (f.topTokens ?? []).slice(0, 5).join(' ')}</span>
                  <button class="small" disabled={full() || props.features.some((c) => c.index === f.index)} onClick={() => add(f.index, f.label || undefined)}>
                    Add
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <p class="muted small">
        Coefficients are in raw units of each feature’s decoder direction; the steering vector Σ coefficient · W_dec[f] is added to the activation at the SAE’s hook at every
        position. Browse features in the <A href={`/features/${encodeURIComponent(props.saeId)}`}>feature browser</A>.
      </p>
    </fieldset>
  );
}
