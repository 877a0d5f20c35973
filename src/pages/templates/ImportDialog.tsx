// Importing a template file: pick the file and what to do with names already taken, then see the report
// (imported, renamed, replaced, skipped, or why nothing was imported).
import { createSignal, For, Show } from 'solid-js';
import {
  DUPLICATE_POLICIES,
  formatImportError,
  MAX_DOCUMENT_CHARS,
  summariseImport,
  emptyImportReport,
  type DuplicatePolicy,
  type ImportReport,
} from '../../domain/templates';

const POLICY_LABELS: Record<DuplicatePolicy, { label: string; help: string }> = {
  skip: { label: 'Skip', help: 'keep the template you have and leave the file’s one out' },
  rename: { label: 'Keep both', help: 'import the file’s one as “Name (2)”' },
  replace: { label: 'Replace', help: 'overwrite your template with the file’s one (built-ins are never replaced)' },
};

export function ImportDialog(props: { noun: string; onImport: (text: string, policy: DuplicatePolicy) => Promise<ImportReport>; onClose: () => void }) {
  const [file, setFile] = createSignal<File | undefined>();
  const [policy, setPolicy] = createSignal<DuplicatePolicy>('skip');
  const [report, setReport] = createSignal<ImportReport | undefined>();
  const [busy, setBusy] = createSignal(false);

  const fileProblem = (message: string): ImportReport => ({ ...emptyImportReport(), errors: [{ entry: null, field: '', message }] });

  const run = async () => {
    const chosen = file();
    if (!chosen) return;
    setBusy(true);
    setReport(undefined);
    try {
      if (chosen.size > MAX_DOCUMENT_CHARS * 4) setReport(fileProblem(`${chosen.name} is too large for a template file.`));
      else setReport(await props.onImport(await chosen.text(), policy()));
    } catch (err) {
      setReport(fileProblem(`The import failed: ${err instanceof Error ? err.message : String(err)}`));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="import-dialog">
      <p class="muted">Choose a JSON file exported from miStudio’s Templates page. It is checked in full first: if anything in it is wrong, nothing is imported.</p>
      <label class="field">
        <span>Template file</span>
        <input
          type="file"
          accept=".json,application/json"
          data-testid="import-file"
          onChange={(e) => {
            setFile(e.currentTarget.files?.[0]);
            setReport(undefined);
          }}
        />
      </label>
      <fieldset class="form-group">
        <legend>When a {props.noun} with the same name exists</legend>
        <For each={DUPLICATE_POLICIES}>
          {(p) => (
            <label class="radio">
              <input type="radio" name="duplicate-policy" value={p} checked={policy() === p} data-testid={`import-policy-${p}`} onChange={() => setPolicy(p)} />
              <strong>{POLICY_LABELS[p].label}</strong> <span class="muted">— {POLICY_LABELS[p].help}</span>
            </label>
          )}
        </For>
      </fieldset>
      <div class="row form-actions">
        <button type="button" class="primary" disabled={!file() || busy()} data-testid="import-submit" onClick={() => void run()}>
          Import
        </button>
        <button type="button" data-testid="import-close" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
      <Show when={report()}>{(r) => <ImportReportView report={r()} />}</Show>
    </div>
  );
}

function ImportReportView(props: { report: ImportReport }) {
  const failed = () => props.report.errors.length > 0;
  return (
    <section class="notice import-report" classList={{ bad: failed(), ok: !failed() }} data-testid="import-report" role="status">
      <p data-testid="import-summary">
        <strong>{summariseImport(props.report)}</strong>
      </p>
      <Show when={failed()}>
        <ul data-testid="import-errors">
          <For each={props.report.errors}>{(e) => <li>{formatImportError(e)}</li>}</For>
        </ul>
      </Show>
      <Show when={props.report.imported.length > 0}>
        <p class="small">Imported: {props.report.imported.join(', ')}</p>
      </Show>
      <Show when={props.report.renamed.length > 0}>
        <ul class="small" data-testid="import-renamed">
          <For each={props.report.renamed}>
            {(r) => (
              <li>
                “{r.from}” imported as “{r.to}”
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.report.replaced.length > 0}>
        <p class="small">Replaced: {props.report.replaced.join(', ')}</p>
      </Show>
      <Show when={props.report.skipped.length > 0}>
        <ul class="small" data-testid="import-skipped">
          <For each={props.report.skipped}>
            {(s) => (
              <li>
                Skipped “{s.name}”: {s.reason}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
