import { useSearchParams } from '@solidjs/router';
import { createMemo, Show } from 'solid-js';
import { EmptyState } from '../../components/EmptyState';
import { JobTable } from '../../components/JobTable';
import { createLiveQuery } from '../../components/liveQuery';
import { PageHeader } from '../../components/PageHeader';
import type { ModelRecord } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';
import { listModels } from '../../services/models/models';
import { queryJobs } from '../../services/jobs';
import { AddFromHub } from './AddFromHub';
import { LocalImport } from './LocalImport';
import { ModelCard } from './ModelCard';
import { ModelList } from './ModelList';
import './models.css';

/** Downloads and imports under way or stopped (finished ones are on each model's card and in System). */
function activeModelJobs(jobs: JobRecord[]): JobRecord[] {
  return jobs.filter((j) => (j.kind === 'download-model' || j.kind === 'analyse-model') && j.status !== 'completed' && j.status !== 'cancelled');
}

export default function ModelsPage() {
  const [params] = useSearchParams();
  const models = createLiveQuery<ModelRecord[] | null>(listModels, null);
  const jobs = createLiveQuery<JobRecord[]>(async () => activeModelJobs(await queryJobs({ lane: 'io' })), []);
  const selected = createMemo(() => models()?.find((m) => m.id === params.model));

  return (
    <div class="page models-page">
      <PageHeader title="Models">
        <p>
          The language models whose internals you study. Each model is stored in your browser (ONNX graph and weights, tokenizer,
          config) and runs on your GPU through WebGPU, or on the CPU where WebGPU is missing; nothing leaves your machine.
        </p>
      </PageHeader>

      <div class="grid-2" style={{ 'margin-bottom': 'var(--gap)' }}>
        <section class="card" data-testid="add-model">
          <h2>Add from the Hugging Face Hub</h2>
          <AddFromHub />
        </section>
        <section class="card" data-testid="add-model-files">
          <h2>Import files from this computer</h2>
          <LocalImport />
        </section>
      </div>

      <Show when={jobs().length > 0}>
        <section class="card" data-testid="model-downloads">
          <h2>Downloads</h2>
          <JobTable jobs={jobs()} />
        </section>
      </Show>

      <Show when={models()}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={
              <EmptyState
                title="No models yet"
                steps={[
                  'Add a small model from the Hugging Face Hub (an ONNX export such as Xenova/gpt2), or drop its ONNX files here.',
                  'Open its card: see the hook points found in each layer and try a prompt.',
                  'Tokenize a dataset with it (Datasets), then extract activations or train a sparse autoencoder on a hook.',
                ]}
              >
                <p class="muted">Everything else in the studio starts from a model, so this is the first step.</p>
              </EmptyState>
            }
          >
            <section class="card">
              <h2>Your models</h2>
              <ModelList models={list()} />
            </section>
          </Show>
        )}
      </Show>

      {/* keyed by id: a new record of the same model updates the card instead of rebuilding it */}
      <Show when={selected()?.id} keyed>
        {(id) => <Show when={selected()?.id === id ? selected() : undefined}>{(model) => <ModelCard model={model()} />}</Show>}
      </Show>
    </div>
  );
}
