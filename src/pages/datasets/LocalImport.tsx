import { useNavigate } from '@solidjs/router';
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { formatBytes } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';
import { importLocalDataset } from '../../services/datasets/datasets';
import { importSpecFor, inspectLocalFile, textFieldsOf, type FileSniff } from '../../services/datasets/local';
import { ErrorNotice, shownError, type ShownError } from './ErrorNotice';

/** Drop a file (or pick one), see what it holds, choose how to read it, import it. */
export function LocalImport() {
  const navigate = useNavigate();
  const [file, setFile] = createSignal<File | null>(null);
  const [sniff, setSniff] = createSignal<FileSniff | null>(null);
  const [sniffing, setSniffing] = createSignal(false);
  const [error, setError] = createSignal<ShownError | null>(null);
  const [dragging, setDragging] = createSignal(false);
  const [field, setField] = createSignal('');
  const [split, setSplit] = createSignal<'line' | 'paragraph'>('line');
  const [onMalformed, setOnMalformed] = createSignal<'skip' | 'stop'>('skip');
  const [limit, setLimit] = createSignal('');
  const [name, setName] = createSignal('');
  const [copied, setCopied] = createSignal<number | null>(null);

  const choose = async (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(chosen);
    setSniff(null);
    setError(null);
    setName(chosen.name);
    setLimit('');
    setSniffing(true);
    try {
      const result = await inspectLocalFile(chosen, chosen.name);
      setSniff(result);
      if (result.format === 'txt') setSplit(result.suggestedSplit);
      else setField(result.suggested ?? textFieldsOf(result)[0] ?? '');
    } catch (err) {
      setError(shownError(err));
    } finally {
      setSniffing(false);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void choose(event.dataTransfer?.files[0]);
  };

  const parsedLimit = (): number | undefined | 'bad' => {
    const text = limit().trim();
    if (text === '') return undefined;
    const n = Number(text);
    return Number.isInteger(n) && n >= 1 ? n : 'bad';
  };

  const start = async () => {
    const f = file();
    const s = sniff();
    if (!f || !s) return;
    const l = parsedLimit();
    if (l === 'bad') {
      setError({ message: 'The row limit must be a whole number of at least 1.', action: 'Enter a positive number, or leave it empty to import every row.' });
      return;
    }
    setError(null);
    setCopied(0);
    try {
      const spec = importSpecFor(s, { field: field(), split: split(), onMalformed: onMalformed(), ...(l === undefined ? {} : { limit: l }) });
      const { dataset } = await importLocalDataset({ file: f, fileName: f.name, name: name(), spec }, { onProgress: (bytes) => setCopied(bytes) });
      navigate(`/datasets/${dataset.id}`);
    } catch (err) {
      setError(shownError(err));
    } finally {
      setCopied(null);
    }
  };

  const paragraphsSuggested = () => {
    const s = sniff();
    return s?.format === 'txt' && s.suggestedSplit === 'paragraph';
  };

  const formatLabel = (s: FileSniff): string => {
    if (s.format === 'jsonl') return s.layout === 'jsonl' ? 'JSON Lines' : 'JSON array';
    return { txt: 'Plain text', csv: 'CSV', parquet: 'Parquet' }[s.format];
  };

  return (
    <div data-testid="local-import">
      <label
        class="drop-zone"
        classList={{ dragging: dragging() }}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        <input type="file" accept=".txt,.text,.md,.jsonl,.ndjson,.json,.csv,.tsv,.parquet" onChange={(e) => void choose(e.currentTarget.files?.[0])} data-testid="dataset-file" />
        <strong>Drop a file here, or click to choose one</strong>
        <span class="muted small">.txt (a document per line or paragraph) · .jsonl / .json · .csv / .tsv · .parquet — read as a stream, so large files are fine</span>
      </label>

      <Show when={file()}>
        {(f) => (
          <p class="small" style={{ 'margin-top': '10px' }}>
            <strong data-testid="chosen-file">{f().name}</strong> <span class="muted">· {formatBytes(f().size)}</span>
            <Show when={sniffing()}>
              <span class="muted"> · reading its first records…</span>
            </Show>
          </p>
        )}
      </Show>
      <ErrorNotice error={error()} testId="import-error" />

      <Show when={sniff()}>
        {(s) => (
          <div data-testid="import-options">
            <p class="small">
              Format: <strong data-testid="detected-format">{formatLabel(s())}</strong>
            </p>
            <div class="form-grid">
              <Switch>
                <Match when={s().format === 'txt'}>
                  {
                    <fieldset class="choice">
                      <legend>One document per</legend>
                      <label>
                        <input type="radio" name="txt-split" checked={split() === 'line'} onChange={() => setSplit('line')} /> line
                      </label>
                      <label>
                        <input type="radio" name="txt-split" checked={split() === 'paragraph'} onChange={() => setSplit('paragraph')} /> paragraph (separated by blank lines)
                      </label>
                      <Show when={paragraphsSuggested()}>
                        <span class="muted small">Blank lines separate blocks of text here, so paragraphs are suggested.</span>
                      </Show>
                    </fieldset>
                  }
                </Match>
                <Match when={s().format === 'jsonl' || s().format === 'csv' || s().format === 'parquet'}>
                  <label class="field">
                    <span>{s().format === 'jsonl' ? 'Text field' : 'Text column'}</span>
                    <Show
                      when={s().format === 'jsonl'}
                      fallback={
                        <select value={field()} onChange={(e) => setField(e.currentTarget.value)} data-testid="text-field">
                          <For each={textFieldsOf(s())}>{(name) => <option value={name}>{name}</option>}</For>
                        </select>
                      }
                    >
                      <input list="sniffed-fields" value={field()} onInput={(e) => setField(e.currentTarget.value)} data-testid="text-field" />
                      <datalist id="sniffed-fields">
                        <For each={textFieldsOf(s())}>{(name) => <option value={name} />}</For>
                      </datalist>
                    </Show>
                  </label>
                  <Show when={s().format === 'jsonl' || s().format === 'csv'}>
                    <fieldset class="choice">
                      <legend>Malformed lines</legend>
                      <label>
                        <input type="radio" name="malformed" checked={onMalformed() === 'skip'} onChange={() => setOnMalformed('skip')} /> skip them (and list them)
                      </label>
                      <label>
                        <input type="radio" name="malformed" checked={onMalformed() === 'stop'} onChange={() => setOnMalformed('stop')} /> stop the import
                      </label>
                    </fieldset>
                  </Show>
                </Match>
              </Switch>
              <label class="field">
                <span>Name</span>
                <input value={name()} onInput={(e) => setName(e.currentTarget.value)} data-testid="dataset-name" />
              </label>
              <label class="field">
                <span>Row limit (empty: all)</span>
                <input inputmode="numeric" value={limit()} onInput={(e) => setLimit(e.currentTarget.value)} placeholder="all rows" data-testid="row-limit" />
              </label>
            </div>
            <SniffPreview sniff={s()} field={field()} />
            <div class="row" style={{ 'margin-top': '12px' }}>
              <button class="primary" disabled={copied() !== null || (s().format !== 'txt' && field().trim() === '')} onClick={() => void start()} data-testid="start-import">
                Import
              </button>
              <Show when={copied() !== null && file()}>
                {(f) => (
                  <div style={{ flex: 1 }}>
                    <ProgressBar done={copied() ?? 0} total={f().size} active label="Copying the file into browser storage" />
                    <span class="muted small">Copying the file into browser storage…</span>
                  </div>
                )}
              </Show>
            </div>
          </div>
        )}
      </Show>
    </div>
  );
}

/** What the first records look like: lines for text, the chosen field's sample otherwise. */
function SniffPreview(props: { sniff: FileSniff; field: string }) {
  const lines = (): string[] => {
    const s = props.sniff;
    if (s.format === 'txt') return s.lines;
    const f = s.fields.find((x) => x.name === props.field);
    return f && f.sample !== '' ? [f.sample] : [];
  };
  const note = (): string => {
    const s = props.sniff;
    if (s.format === 'parquet') return `${s.rows.toLocaleString('en')} rows in ${s.rowGroups} row group${s.rowGroups === 1 ? '' : 's'}; columns: ${s.columns.map((c) => `${c.name} (${c.type})`).join(', ')}.`;
    if (s.format === 'jsonl' || s.format === 'csv') {
      const bad = s.malformed > 0 ? ` ${s.malformed} of them malformed.` : '';
      return `Looked at the first ${s.records} records.${bad}`;
    }
    return '';
  };
  return (
    <div class="small">
      <Show when={note()}>
        <p class="muted" data-testid="sniff-note">
          {note()}
        </p>
      </Show>
      <Show when={lines().length > 0}>
        <pre class="sniff-lines" data-testid="sniff-sample">
          {lines().join('\n')}
        </pre>
      </Show>
    </div>
  );
}
