// A training's checkpoints: step, loss, L0, size, the best one marked; download (.safetensors) and delete.
import { createSignal, For, Show } from 'solid-js';
import { formatBytes } from '../../components/format';
import { checkpointFile, deleteCheckpointWithFile, listCheckpoints, type CheckpointRow } from '../../services/training/checkpoints';
import { metricText } from './describe';
import { saveFile } from './download';
import { createLiveData } from './liveData';

export function CheckpointsTable(props: { trainingId: string; keep: number }) {
  const rows = createLiveData(() => props.trainingId, (id) => listCheckpoints(id), [] as CheckpointRow[]);
  const [error, setError] = createSignal('');
  const download = async (id: string) => {
    setError('');
    try {
      const { fileName, blob } = await checkpointFile(id);
      saveFile(blob, fileName);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const remove = async (id: string) => {
    setError('');
    try {
      await deleteCheckpointWithFile(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section class="card" data-testid="checkpoints">
      <h2>Checkpoints</h2>
      <p class="muted small">
        The newest {props.keep} and the one with the lowest loss are kept. A paused or interrupted run resumes from the newest.
      </p>
      <Show when={error()}>
        <p class="notice bad small">{error()}</p>
      </Show>
      <Show when={rows().length > 0} fallback={<p class="muted">No checkpoint yet.</p>}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>Step</th>
                <th>Loss</th>
                <th>L0</th>
                <th>Expl. var.</th>
                <th>Size</th>
                <th>Saved</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(row) => (
                  <tr data-testid="checkpoint-row" data-step={row.checkpoint.step} data-best={row.best}>
                    <td class="mono">
                      {row.checkpoint.step.toLocaleString('en')}
                      <Show when={row.best}>
                        {' '}
                        <span class="badge ok" title="Lowest loss">
                          best
                        </span>
                      </Show>
                    </td>
                    <td class="mono small">{metricText(row.checkpoint.metrics.loss)}</td>
                    <td class="mono small">{metricText(row.checkpoint.metrics.l0)}</td>
                    <td class="mono small">{metricText(row.checkpoint.metrics.explained_variance)}</td>
                    <td class="small">{formatBytes(row.checkpoint.bytes)}</td>
                    <td class="small">{new Date(row.checkpoint.createdAt).toLocaleTimeString()}</td>
                    <td>
                      <div class="row nowrap">
                        <button class="small" onClick={() => void download(row.checkpoint.id)}>
                          Download
                        </button>
                        <button class="small" onClick={() => void remove(row.checkpoint.id)}>
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
