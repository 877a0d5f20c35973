import { createSignal, Show } from 'solid-js';
import { EmptyState } from '../../components/EmptyState';
import { createLiveQuery } from '../../components/liveQuery';
import { PageHeader } from '../../components/PageHeader';
import { datasetRows, type DatasetRow } from '../../services/datasets/datasets';
import { DatasetList } from './DatasetList';
import { HubImport } from './HubImport';
import { LocalImport } from './LocalImport';
import './datasets.css';

export default function DatasetsPage() {
  const rows = createLiveQuery<DatasetRow[] | null>(() => datasetRows(), null);
  const [tab, setTab] = createSignal<'file' | 'hub'>('file');
  return (
    <div class="page">
      <PageHeader title="Datasets">
        <p>
          Text that flows through a model to produce activations. Datasets are imported once, tokenized with a model's
          tokenizer into fixed-length windows, and kept in browser storage for training and feature analysis.
        </p>
      </PageHeader>
      <section class="card" data-testid="import-panel">
        <h2>Import a dataset</h2>
        <div class="tabs" role="tablist">
          <button role="tab" aria-selected={tab() === 'file'} onClick={() => setTab('file')} data-testid="tab-file">
            From a file
          </button>
          <button role="tab" aria-selected={tab() === 'hub'} onClick={() => setTab('hub')} data-testid="tab-hub">
            From the Hugging Face Hub
          </button>
        </div>
        <Show when={tab() === 'file'} fallback={<HubImport />}>
          <LocalImport />
        </Show>
      </section>
      <Show when={rows()}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState
                title="No datasets yet"
                steps={[
                  'Import a local file (.txt, .jsonl, .csv or .parquet) or pull a dataset from the Hugging Face Hub.',
                  'Choose the text column and tokenize it with one of your models.',
                  'Use the tokenized dataset as the activation source of a training run.',
                ]}
              >
                <p class="muted">Add a model first: tokenization needs its tokenizer.</p>
              </EmptyState>
            }
          >
            <section class="card">
              <h2>Your datasets</h2>
              <DatasetList rows={list()} />
            </section>
          </Show>
        )}
      </Show>
    </div>
  );
}
