// One SAE's features: its latest extraction run (progress, or its summary), the form to extract features,
// and the browser of every latent.
import { A, useParams, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { PageHeader } from '../../components/PageHeader';
import type { FeatureExtractionRecord, SaeRecord } from '../../domain/entities';
import { listExtractions } from '../../services/features/extractions';
import { getSae } from '../../services/training/saes';
import { ExtractionForm } from './ExtractionForm';
import { ExtractionStatus } from './ExtractionStatus';
import { FeatureBrowser } from './FeatureBrowser';
import { formatCount } from './format';
import { createLiveData } from './live';
import './features.css';

interface SaeView {
  sae: SaeRecord | undefined;
  latest: FeatureExtractionRecord | undefined;
  ready: FeatureExtractionRecord | undefined;
}

export default function SaeFeaturesPage() {
  const params = useParams<{ saeId: string }>();
  const [search, setSearch] = useSearchParams<{ extract?: string }>();
  const view = createLiveData(
    () => params.saeId,
    async (id): Promise<SaeView> => {
      const runs = await listExtractions(id);
      return { sae: await getSae(id), latest: runs[runs.length - 1], ready: runs.filter((r) => r.status === 'ready').pop() };
    },
    { sae: undefined, latest: undefined, ready: undefined },
  );
  const [formOpen, setFormOpen] = createSignal<boolean | null>(null);
  // open by itself when asked for (?extract=1) or when nothing was extracted yet
  const showForm = () => formOpen() ?? (search.extract === '1' || (view.loaded() && !view.value().latest));
  const closeForm = () => {
    setFormOpen(false);
    if (search.extract) setSearch({ extract: undefined });
  };
  return (
    <div class="page features-page">
      <Show
        when={view.value().sae?.id === params.saeId ? view.value().sae : undefined}
        fallback={
          <Show when={view.loaded()} fallback={<p class="muted">Loading…</p>}>
            <PageHeader title="SAE not found">
              <p>
                This SAE does not exist (any more). <A href="/features">Back to the SAEs</A>
              </p>
            </PageHeader>
          </Show>
        }
      >
        {(sae) => (
          <>
            <PageHeader title={sae().name}>
              <p class="row">
                <A href="/features">← All SAEs</A>
                <span class="muted">
                  {sae().architecture} · d_in {formatCount(sae().dIn)} → {formatCount(sae().dSae)} features{sae().hook ? ` · ${sae().hook}` : ''}
                </span>
              </p>
            </PageHeader>
            <section class="card">
              <div class="row spread">
                <h2>Extraction</h2>
                <Show when={!showForm()}>
                  <button class="primary" onClick={() => setFormOpen(true)} data-testid="open-extraction">
                    Extract features
                  </button>
                </Show>
              </div>
              <Show when={view.value().latest} fallback={<p class="muted small">No extraction has run yet: start one to collect statistics and examples for every feature.</p>}>
                {(latest) => <ExtractionStatus extraction={latest()} />}
              </Show>
              <Show when={view.value().ready && view.value().ready?.id !== view.value().latest?.id}>
                <p class="muted small">The features below come from the extraction finished {new Date(view.value().ready!.finishedAt ?? view.value().ready!.updatedAt).toLocaleString()}.</p>
              </Show>
            </section>
            <Show when={showForm()}>
              <ExtractionForm saeId={sae().id} onStarted={closeForm} onCancel={closeForm} />
            </Show>
            <FeatureBrowser saeId={sae().id} />
          </>
        )}
      </Show>
    </div>
  );
}
