// Project bundles on the System page: export chosen templates and SAEs (features, labels, examples, and
// optionally model and dataset files) to one file, or import such a file into this studio.
import { createResource, createSignal, For, Show } from 'solid-js';
import type { ImportPlan } from '../../interop';
import { applyBundlePlan, bundleExport, planBundleFile, type BundleImportResult } from '../../services/interop/bundle';
import { downloadExport } from '../../services/interop/download';
import { db } from '../../store/db';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from './ErrorText';
import './interop.css';

export function BundlePanel() {
  const [exporting, setExporting] = createSignal(false);
  const [importing, setImporting] = createSignal(false);
  return (
    <section class="card" data-testid="bundle-panel">
      <h2>Project bundle</h2>
      <p class="muted small">One file with templates, SAEs, feature results and labels (and, if you choose, the models and datasets), to move your work to another browser or computer.</p>
      <div class="row">
        <button class="small" onClick={() => setExporting(true)} data-testid="bundle-export-open">
          Export project bundle
        </button>
        <button class="small" onClick={() => setImporting(true)} data-testid="bundle-import-open">
          Import project bundle
        </button>
      </div>
      <Dialog class="interop-dialog" open={exporting()} title="Export a project bundle" testid="bundle-export-dialog" onClose={() => setExporting(false)}>
        <BundleExportForm onDone={() => setExporting(false)} />
      </Dialog>
      <Dialog class="interop-dialog" open={importing()} title="Import a project bundle" testid="bundle-import-dialog" onClose={() => setImporting(false)}>
        <BundleImportForm />
      </Dialog>
    </section>
  );
}

interface Choice {
  id: string;
  name: string;
}

function ChoiceList(props: { legend: string; items: readonly Choice[]; chosen: ReadonlySet<string>; onChange: (next: Set<string>) => void; testid: string }) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(props.chosen);
    if (on) next.add(id);
    else next.delete(id);
    props.onChange(next);
  };
  return (
    <fieldset data-testid={props.testid}>
      <legend>
        {props.legend} ({props.chosen.size} of {props.items.length})
      </legend>
      <Show when={props.items.length > 0} fallback={<span class="muted small">None in the studio.</span>}>
        <div class="row small">
          <button type="button" class="small" onClick={() => props.onChange(new Set(props.items.map((i) => i.id)))}>
            All
          </button>
          <button type="button" class="small" onClick={() => props.onChange(new Set())}>
            None
          </button>
        </div>
        <div class="choice-list">
          <For each={props.items}>
            {(item) => (
              <label>
                <input type="checkbox" checked={props.chosen.has(item.id)} onChange={(e) => toggle(item.id, e.currentTarget.checked)} /> {item.name}
              </label>
            )}
          </For>
        </div>
      </Show>
    </fieldset>
  );
}

function BundleExportForm(props: { onDone: () => void }) {
  const [choices] = createResource(async () => {
    const d = db();
    const named = (rows: { id: string; name: string }[]): Choice[] => rows.map((r) => ({ id: r.id, name: r.name })).sort((a, b) => a.name.localeCompare(b.name));
    return { training: named(await d.trainingTemplates.toArray()), extraction: named(await d.extractionTemplates.toArray()), saes: named(await d.saes.toArray()) };
  });
  const [training, setTraining] = createSignal<Set<string>>(new Set());
  const [extraction, setExtraction] = createSignal<Set<string>>(new Set());
  const [saes, setSaes] = createSignal<Set<string>>(new Set());
  const [features, setFeatures] = createSignal(true);
  const [assets, setAssets] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const nothing = () => training().size + extraction().size + saes().size === 0;

  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const file = await bundleExport({
        trainingTemplateIds: [...training()],
        extractionTemplateIds: [...extraction()],
        saeIds: [...saes()],
        includeFeatures: features(),
        includeModelsAndDatasets: assets(),
      });
      await downloadExport(file);
      props.onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <Show when={choices()} fallback={<p class="muted">Reading the studio…</p>}>
        {(c) => (
          <>
            <ChoiceList legend="Training templates" items={c().training} chosen={training()} onChange={setTraining} testid="bundle-training-templates" />
            <ChoiceList legend="Extraction templates" items={c().extraction} chosen={extraction()} onChange={setExtraction} testid="bundle-extraction-templates" />
            <ChoiceList legend="SAEs" items={c().saes} chosen={saes()} onChange={setSaes} testid="bundle-saes" />
          </>
        )}
      </Show>
      <label>
        <input type="checkbox" checked={features()} onChange={(e) => setFeatures(e.currentTarget.checked)} /> the SAEs’ feature results, labels and examples
      </label>
      <label>
        <input type="checkbox" checked={assets()} onChange={(e) => setAssets(e.currentTarget.checked)} data-testid="bundle-include-assets" /> include model and dataset files (can be large)
      </label>
      <Show when={error() !== undefined}>
        <ErrorText error={error()} />
      </Show>
      <div class="actions">
        <button disabled={busy() || nothing()} onClick={() => void run()} data-testid="bundle-export">
          {busy() ? 'Exporting…' : 'Export'}
        </button>
      </div>
    </div>
  );
}

function BundleImportForm() {
  const [plan, setPlan] = createSignal<ImportPlan | undefined>();
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const [progress, setProgress] = createSignal('');
  const [result, setResult] = createSignal<BundleImportResult | undefined>();

  const choose = async (file: File | undefined) => {
    setPlan(undefined);
    setResult(undefined);
    setError(undefined);
    if (!file) return;
    setBusy(true);
    try {
      setPlan(await planBundleFile(file));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    const p = plan();
    if (!p) return;
    setBusy(true);
    setError(undefined);
    try {
      const done = await applyBundlePlan(p, { onProgress: (n, total) => setProgress(total ? `${Math.round((n / total) * 100)} %` : '') });
      setResult(done);
      setPlan(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setProgress('');
    }
  };

  const summary = (rows: ImportPlan['rows'] | BundleImportResult['counts']) => {
    const count = (v: number | readonly unknown[]) => (typeof v === 'number' ? v : v.length);
    return `${count(rows.trainingTemplates) + count(rows.extractionTemplates)} templates, ${count(rows.saes)} SAEs, ${count(rows.features)} feature rows, ${count(rows.featureExamples)} examples, ${count(rows.models)} models, ${count(rows.datasets)} datasets`;
  };

  return (
    <div class="stack">
      <p class="muted small">The whole file is checked first; if anything in it is wrong, nothing is imported.</p>
      <label class="field">
        <span>Bundle file (.zip)</span>
        <input type="file" accept=".zip,application/zip" onChange={(e) => void choose(e.currentTarget.files?.[0])} data-testid="bundle-import-file" />
      </label>
      <Show when={busy()}>
        <p class="muted small">Working… {progress()}</p>
      </Show>
      <Show when={error() !== undefined}>
        <ErrorText error={error()} />
      </Show>
      <Show when={plan()}>
        {(p) => (
          <div class="stack" data-testid="bundle-import-plan">
            <p>It holds {summary(p().rows)}.</p>
            <Show when={p().remapped.length > 0}>
              <p class="small muted">{p().remapped.length} items are already in the studio and will be added as copies.</p>
            </Show>
            <Show when={p().warnings.length > 0}>
              <ul class="messages small">
                <For each={p().warnings}>{(w) => <li>{w}</li>}</For>
              </ul>
            </Show>
            <div class="actions">
              <button disabled={busy()} onClick={() => void run()} data-testid="bundle-import">
                Import
              </button>
            </div>
          </div>
        )}
      </Show>
      <Show when={result()}>
        {(r) => (
          <p class="yes" role="status" data-testid="bundle-import-done">
            Imported {summary(r().counts)}.
          </p>
        )}
      </Show>
    </div>
  );
}
