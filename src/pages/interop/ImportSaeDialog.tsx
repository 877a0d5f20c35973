// "Import SAE": a SAELens folder (or its files), a .zip of one, or a folder of a Hub repository. The SAE is
// read and checked first and shown with how it fits the studio's models; only "Import" stores anything.
import { createSignal, For, Show } from 'solid-js';
import { filesFromFileList, InteropError } from '../../interop';
import { previewSaeImport, saveImportedSae, type SaeImportPreview, type SaeImportSource } from '../../services/interop/sae-import';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from './ErrorText';
import './interop.css';

type SourceKind = 'local' | 'hub';

export function ImportSaeButton() {
  const [open, setOpen] = createSignal(false);
  return (
    <>
      <button class="small" data-testid="import-sae" onClick={() => setOpen(true)}>
        Import SAE
      </button>
      <Dialog class="interop-dialog" open={open()} title="Import an SAE (SAELens)" testid="import-sae-dialog" onClose={() => setOpen(false)}>
        <ImportSaeForm onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function ImportSaeForm(props: { onDone: () => void }) {
  const [kind, setKind] = createSignal<SourceKind>('local');
  const [source, setSource] = createSignal<SaeImportSource | undefined>();
  const [preview, setPreview] = createSignal<SaeImportPreview | undefined>();
  const [error, setError] = createSignal<unknown>();
  const [candidates, setCandidates] = createSignal<readonly string[]>([]);
  const [busy, setBusy] = createSignal(false);
  const [progress, setProgress] = createSignal('');
  const [name, setName] = createSignal('');
  const [modelId, setModelId] = createSignal('');
  const [hook, setHook] = createSignal('');
  const [repo, setRepo] = createSignal('');
  const [revision, setRevision] = createSignal('main');
  const [hubPath, setHubPath] = createSignal('');

  const check = async (next: SaeImportSource) => {
    setSource(next);
    setPreview(undefined);
    setError(undefined);
    setBusy(true);
    try {
      const p = await previewSaeImport(next);
      setPreview(p);
      setCandidates([]);
      setName(p.suggestedName);
      setModelId(p.bestModelId ?? '');
      setHook(p.imported.hookName ?? '');
    } catch (e) {
      setError(e);
      if (e instanceof InteropError && e.candidates.length) setCandidates(e.candidates);
    } finally {
      setBusy(false);
      setProgress('');
    }
  };

  const chooseLocal = (list: FileList | null) => {
    const files = Array.from(list ?? []);
    if (files.length === 0) return;
    const only = files[0]!;
    if (files.length === 1 && only.name.toLowerCase().endsWith('.zip')) void check({ kind: 'zip', file: only, fileName: only.name });
    else void check({ kind: 'files', files: filesFromFileList(files) });
  };

  const chooseFolder = (folder: string) => {
    const current = source();
    if (current?.kind === 'hub') {
      setHubPath(folder);
      checkHub();
    } else if (current) {
      void check({ ...current, folder });
    }
  };

  const checkHub = () => {
    const request: SaeImportSource = { kind: 'hub', repo: repo().trim(), revision: revision().trim() || 'main', path: hubPath().trim() };
    request.onProgress = (loaded, total) => setProgress(total ? `${Math.round((loaded / total) * 100)} %` : `${(loaded / 1024 ** 2).toFixed(1)} MiB`);
    void check(request);
  };

  const chosen = () => preview()?.models.find((m) => m.model.id === modelId());

  const save = async () => {
    const p = preview();
    if (!p) return;
    setBusy(true);
    setError(undefined);
    try {
      const options: Parameters<typeof saveImportedSae>[1] = { name: name() };
      if (modelId()) options.modelId = modelId();
      if (hook().trim()) options.hook = hook().trim();
      await saveImportedSae(p, options);
      props.onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <fieldset>
        <legend>From</legend>
        <label>
          <input type="radio" name="sae-source" checked={kind() === 'local'} onChange={() => setKind('local')} /> this computer
        </label>{' '}
        <label>
          <input type="radio" name="sae-source" checked={kind() === 'hub'} onChange={() => setKind('hub')} data-testid="import-sae-hub" /> Hugging Face Hub
        </label>
      </fieldset>
      <Show when={kind() === 'local'}>
        <label class="field">
          <span>A folder SAELens saved (cfg.json + sae_weights.safetensors)</span>
          {/* webkitdirectory is not in Solid's JSX types; set it on the element */}
          <input type="file" data-testid="import-sae-folder" ref={(el) => el.setAttribute('webkitdirectory', '')} onChange={(e) => chooseLocal(e.currentTarget.files)} />
        </label>
        <label class="field">
          <span>…or a .zip of it, or its files (a single .safetensors with a threshold or log_threshold works too)</span>
          <input type="file" multiple accept=".zip,.json,.safetensors" data-testid="import-sae-files" onChange={(e) => chooseLocal(e.currentTarget.files)} />
        </label>
      </Show>
      <Show when={kind() === 'hub'}>
        <label class="field">
          <span>Repository</span>
          <input value={repo()} placeholder="jbloom/GPT2-Small-SAEs-Reformatted" onInput={(e) => setRepo(e.currentTarget.value)} data-testid="import-sae-repo" />
        </label>
        <div class="row">
          <label class="field">
            <span>Revision</span>
            <input value={revision()} onInput={(e) => setRevision(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Folder in the repository</span>
            <input value={hubPath()} placeholder="blocks.8.hook_resid_pre" onInput={(e) => setHubPath(e.currentTarget.value)} data-testid="import-sae-path" />
          </label>
        </div>
        <button class="small" disabled={busy() || !repo().trim()} onClick={checkHub} data-testid="import-sae-fetch">
          Download and check
        </button>
      </Show>
      <Show when={busy()}>
        <p class="muted small">Reading and checking… {progress()}</p>
      </Show>
      <Show when={error() !== undefined}>
        <ErrorText error={error()} />
      </Show>
      <Show when={candidates().length > 0}>
        <label class="field">
          <span>Which SAE?</span>
          <select data-testid="import-sae-candidate" onChange={(e) => chooseFolder(e.currentTarget.value)}>
            <option value="">Choose…</option>
            <For each={candidates()}>{(c) => <option value={c}>{c || '(top level)'}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={preview()}>
        {(p) => (
          <div class="stack" data-testid="import-sae-preview">
            <p class="small">
              {p().imported.architecture} SAE, d_in {p().imported.dIn} → d_sae {p().imported.dSae}
              {p().imported.k !== undefined ? `, k = ${p().imported.k}` : ''}; hook {p().imported.hookName ?? 'not stated'}; model {p().imported.modelName ?? 'not stated'}.
            </p>
            <Show when={p().imported.warnings.length > 0}>
              <ul class="messages small muted">
                <For each={p().imported.warnings}>{(w) => <li>{w}</li>}</For>
              </ul>
            </Show>
            <label class="field">
              <span>Name</span>
              <input value={name()} onInput={(e) => setName(e.currentTarget.value)} data-testid="import-sae-name" />
            </label>
            <label class="field">
              <span>Model it reads</span>
              <select value={modelId()} onChange={(e) => setModelId(e.currentTarget.value)} data-testid="import-sae-model">
                <option value="">None (attach later)</option>
                <For each={p().models}>
                  {(m) => (
                    <option value={m.model.id}>
                      {m.model.name} (d_model {m.model.dModel}){m.compatibility.compatible ? '' : ' — does not fit'}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <Show when={p().models.length === 0}>
              <p class="notice small">There is no ready model in the studio to check this SAE against. You can import it now and attach it to a model later.</p>
            </Show>
            <Show when={p().models.length > 0 && !p().bestModelId}>
              <p class="notice small" data-testid="import-sae-no-fit">No model in the studio fits this SAE; it can be imported without a model.</p>
            </Show>
            <Show when={chosen()}>
              {(c) => (
                <ul class="messages small">
                  <For each={c().compatibility.problems}>{(problem) => <li class="no">{problem.message}</li>}</For>
                  <For each={c().compatibility.notes}>{(note) => <li class="muted">{note}</li>}</For>
                </ul>
              )}
            </Show>
            <label class="field">
              <span>Hook point</span>
              <input value={hook()} onInput={(e) => setHook(e.currentTarget.value)} placeholder="blocks.0.hook_resid_post" list="import-sae-hooks" />
              <datalist id="import-sae-hooks">
                <For each={chosen()?.model.hookPoints ?? []}>{(h) => <option value={h} />}</For>
              </datalist>
            </label>
            <div class="actions">
              <button disabled={busy() || !name().trim() || chosen()?.compatibility.problems.some((x) => x.field === 'd_in') === true} onClick={() => void save()} data-testid="import-sae-confirm">
                Import
              </button>
            </div>
          </div>
        )}
      </Show>
    </div>
  );
}
