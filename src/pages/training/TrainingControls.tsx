// Pause / Resume / Cancel / Delete for a training, offered by its status. Delete asks once more inline.
import { createSignal, Show } from 'solid-js';
import type { TrainingStatus } from '../../domain/entities';
import { trainingActions } from '../../sae/training/training-status';
import { cancelTraining, deleteTraining, pauseTraining, resumeTraining } from '../../services/training/trainings';

export function TrainingControls(props: { id: string; status: TrainingStatus; onDeleted?: () => void }) {
  const [error, setError] = createSignal('');
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const actions = () => trainingActions(props.status);
  const act = async (work: () => Promise<unknown>) => {
    setError('');
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="training-controls">
      <div class="row">
        <Show when={actions().pause}>
          <button class="small" disabled={busy()} onClick={() => void act(() => pauseTraining(props.id))}>
            Pause
          </button>
        </Show>
        <Show when={actions().resume}>
          <button class="small primary" disabled={busy()} onClick={() => void act(() => resumeTraining(props.id))}>
            Resume
          </button>
        </Show>
        <Show when={actions().cancel}>
          <button class="small" disabled={busy()} onClick={() => void act(() => cancelTraining(props.id))}>
            Cancel
          </button>
        </Show>
        <Show
          when={confirming()}
          fallback={
            <button class="small" disabled={busy()} onClick={() => setConfirming(true)}>
              Delete
            </button>
          }
        >
          <button
            class="small danger"
            disabled={busy()}
            onClick={() =>
              void act(async () => {
                await deleteTraining(props.id);
                props.onDeleted?.();
              })
            }
          >
            Delete run and checkpoints
          </button>
          <button class="small" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </Show>
      </div>
      <Show when={error()}>
        <p class="notice bad small">{error()}</p>
      </Show>
    </div>
  );
}
