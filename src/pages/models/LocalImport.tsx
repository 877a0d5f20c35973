import { useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { importModelFiles } from '../../services/models/models';
import { ErrorNotice } from './ErrorNotice';
import { shownError, type ShownError } from './shownError';

/** Drop (or pick) a model's files: .onnx (+ .onnx_data), config.json, tokenizer.json, tokenizer_config.json. */
export function LocalImport() {
  const [, setSearchParams] = useSearchParams();
  const [busy, setBusy] = createSignal(false);
  const [dragging, setDragging] = createSignal(false);
  const [done, setDone] = createSignal<string | null>(null);
  const [error, setError] = createSignal<ShownError | null>(null);

  const importFiles = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      const { model } = await importModelFiles(files);
      setDone(`Imported ${model.name} (${model.files.length} file${model.files.length === 1 ? '' : 's'}).`);
      setSearchParams({ model: model.id });
    } catch (err) {
      setError(shownError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="model-import">
      <label
        class="drop-zone"
        classList={{ dragging: dragging() }}
        data-testid="model-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void importFiles([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <strong>Drop the model’s files here, or click to choose them</strong>
        <span class="muted small">the .onnx graph (and its .onnx_data weights), config.json, tokenizer.json and tokenizer_config.json, together</span>
        <input
          type="file"
          multiple
          accept=".onnx,.onnx_data,.data,.json"
          disabled={busy()}
          onChange={(e) => {
            const input = e.currentTarget;
            void importFiles([...(input.files ?? [])]).finally(() => {
              input.value = '';
            });
          }}
          data-testid="model-files"
        />
      </label>
      <Show when={busy()}>
        <p class="muted small">Storing the files…</p>
      </Show>
      <Show when={done()}>
        <div class="notice ok" style={{ 'margin-top': '10px' }} data-testid="model-import-message">
          {done()} The graph is read for hook points in the background.
        </div>
      </Show>
      <ErrorNotice error={error()} testId="model-import-message" />
    </div>
  );
}
