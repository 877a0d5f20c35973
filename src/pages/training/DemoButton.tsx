// The one-click built-in demo: a TopK SAE on toy superposition (48 true features in 16 dimensions). Opens
// the new run's page, where the curves and the recovered-feature heat map fill in live.
import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { demoSpec } from '../../sae/training/demo';
import { createTraining } from '../../services/training/trainings';

export function DemoButton(props: { label?: string; class?: string }) {
  const navigate = useNavigate();
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const start = async () => {
    setError('');
    setBusy(true);
    try {
      const training = await createTraining(demoSpec());
      navigate(`/training/${training.id}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="demo-button">
      <button class={props.class ?? 'primary'} disabled={busy()} onClick={() => void start()} data-testid="start-demo">
        {props.label ?? 'Try it: toy superposition'}
      </button>
      <Show when={error()}>
        <span class="no small">{error()}</span>
      </Show>
    </span>
  );
}
