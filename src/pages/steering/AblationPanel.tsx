// Ablation and clamping at the prompt: zero chosen features (or fix them to a value) in the SAE's
// reconstruction at every position, and see how the next token's distribution moves.
import { createSignal, Index, Show } from 'solid-js';
import { startAblation } from '../../services/steering';
import { errorText } from './errors';
import { ablationRequest, type AblationChoice, type SteeringForm } from './form';

export function AblationPanel(props: { form: SteeringForm; dSae: number; onStarted: (jobId: string) => void }) {
  const [choices, setChoices] = createSignal<AblationChoice[]>([]);
  const [indexText, setIndexText] = createSignal('');
  const [keepError, setKeepError] = createSignal(true);
  const [problem, setProblem] = createSignal('');

  const add = () => {
    const index = Number(indexText());
    if (!Number.isInteger(index) || index < 0 || index >= props.dSae) return setProblem(`Feature indices run from 0 to ${props.dSae - 1}.`);
    if (choices().some((c) => c.index === index)) return setProblem(`Feature #${index} is already listed.`);
    setProblem('');
    setChoices([...choices(), { index, action: 'ablate', value: 0 }]);
    setIndexText('');
  };
  const update = (i: number, patch: Partial<AblationChoice>) => setChoices(choices().map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const run = async () => {
    setProblem('');
    try {
      const job = await startAblation(ablationRequest(props.form, choices(), keepError()));
      props.onStarted(job.id);
    } catch (err) {
      setProblem(errorText(err));
    }
  };

  return (
    <section class="card ablation-panel" data-testid="ablation-panel">
      <h2>Ablate or clamp features</h2>
      <p class="muted small">
        Edits the SAE’s features at every position of the prompt and compares the model’s next-token distribution before and after (top tokens, KL divergence).
      </p>
      <Index each={choices()}>
        {(c, i) => (
          <div class="row nowrap" data-testid="ablation-choice">
            <span class="mono">#{c().index}</span>
            <select aria-label={`What to do with feature ${c().index}`} value={c().action} onChange={(e) => update(i, { action: e.currentTarget.value === 'clamp' ? 'clamp' : 'ablate' })}>
              <option value="ablate">set to 0 (ablate)</option>
              <option value="clamp">clamp to a value</option>
            </select>
            <Show when={c().action === 'clamp'}>
              <input type="number" step="any" aria-label={`Clamp value of feature ${c().index}`} value={c().value} onChange={(e) => update(i, { value: Number(e.currentTarget.value) })} />
            </Show>
            <button class="small" onClick={() => setChoices(choices().filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        )}
      </Index>
      <div class="row">
        <label class="field">
          <span>Feature index</span>
          <input type="number" min="0" max={props.dSae - 1} data-testid="ablation-index" value={indexText()} onInput={(e) => setIndexText(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Enter' && add()} />
        </label>
        <div class="field">
          <span>&nbsp;</span>
          <button data-testid="ablation-add" disabled={indexText().trim() === ''} onClick={add}>
            Add
          </button>
        </div>
      </div>
      <label class="checkbox small">
        <input type="checkbox" checked={keepError()} onChange={(e) => setKeepError(e.currentTarget.checked)} /> Keep the SAE’s error term (only the edited features change; untick to replace
        the activation by the edited reconstruction)
      </label>
      <Show when={problem()}>
        <p class="no small" role="alert">
          {problem()}
        </p>
      </Show>
      <div class="row">
        <button class="primary" data-testid="run-ablation" disabled={choices().length === 0 || props.form.prompt.trim() === ''} onClick={() => void run()}>
          Compare next token
        </button>
      </div>
    </section>
  );
}
