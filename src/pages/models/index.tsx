import { createSignal, For, Show } from 'solid-js';
import { EmptyState } from '../../components/EmptyState';
import { formatBytes } from '../../components/format';
import { createLiveQuery } from '../../components/liveQuery';
import { PageHeader } from '../../components/PageHeader';
import type { ModelRecord } from '../../domain/entities';
import { modelRepo } from '../../store/repos/models';
import { importLocalModel } from '../../services/models/importLocal';

export default function ModelsPage() {
  const models = createLiveQuery<ModelRecord[] | null>(async () => (await modelRepo.all()).sort((a, b) => b.createdAt - a.createdAt), null);
  return (
    <div class="page">
      <PageHeader title="Models">
        <p>
          The language models whose internals you study. Each model is stored in your browser (ONNX weights, tokenizer and
          config) and runs on your GPU through WebGPU; nothing leaves your machine.
        </p>
      </PageHeader>
      <LocalModelImport />
      <Show when={models()}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState
                title="No models yet"
                steps={[
                  'Download a small model from the Hugging Face Hub (an ONNX export such as a GPT-2 or Pythia variant), or import ONNX files from disk.',
                  'Pick the layer (hook point) whose activations you want to train a sparse autoencoder on.',
                  'Then go to Datasets to bring in text for it.',
                ]}
              >
                <p class="muted">Everything else in the studio starts from a model, so this is the first step.</p>
              </EmptyState>
            }
          >
            <section class="card">
              <h2>Your models</h2>
              <div class="table-wrap">
                <table class="data" data-testid="model-table">
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Family</th>
                      <th>Files</th>
                      <th>Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={list()}>
                      {(m) => (
                        <tr data-testid="model-row" data-status={m.status}>
                          <td>{m.name}</td>
                          <td class="small">
                            {m.info?.family ?? '—'}
                            <Show when={m.info?.layers}> · {m.info?.layers} layers</Show>
                            <Show when={m.info?.dModel}> · d_model {m.info?.dModel}</Show>
                          </td>
                          <td class="small">{m.files.map((f) => `${f.name} (${formatBytes(f.bytes)})`).join(', ')}</td>
                          <td>
                            <span class={`status status-${m.status === 'ready' ? 'completed' : m.status}`}>{m.status}</span>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </section>
          </Show>
        )}
      </Show>
    </div>
  );
}

/** Minimal import of model files from disk (the full Models page comes later). */
function LocalModelImport() {
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ ok: boolean; text: string; action?: string } | null>(null);
  const choose = async (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])];
    if (files.length === 0) return;
    setBusy(true);
    setMessage(null);
    try {
      const model = await importLocalModel(files);
      setMessage({ ok: true, text: `Imported ${model.name} (${model.files.length} file${model.files.length === 1 ? '' : 's'}).` });
    } catch (err) {
      const action = typeof err === 'object' && err !== null && 'action' in err && typeof err.action === 'string' ? err.action : undefined;
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err), ...(action ? { action } : {}) });
    } finally {
      setBusy(false);
      input.value = '';
    }
  };
  return (
    <section class="card" data-testid="model-import">
      <h2>Import local model files</h2>
      <p class="muted small">Choose the model's .onnx file (and .onnx_data), config.json, tokenizer.json and tokenizer_config.json together.</p>
      <label class="row">
        <span class="visually-hidden">Model files</span>
        <input type="file" multiple accept=".onnx,.onnx_data,.data,.json" disabled={busy()} onChange={(e) => void choose(e.currentTarget)} data-testid="model-files" />
      </label>
      <Show when={message()}>
        {(m) => (
          <div class={`notice ${m().ok ? 'ok' : 'bad'}`} style={{ 'margin-top': '10px' }} data-testid="model-import-message">
            <div>{m().text}</div>
            <Show when={m().action}>
              <div class="muted small">{m().action}</div>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
