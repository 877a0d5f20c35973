// Features: every SAE with where its features stand (extracted or not, labelled, favourites), a way into
// its feature browser, and a button to extract its features.
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { saeFeatureSummaries, type SaeFeaturesSummary } from '../../services/features/features';
import { ExtractionStatus } from './ExtractionStatus';
import { formatCount } from './format';
import { installFeaturesDebugHook } from './debugHook';
import { createLiveData } from './live';
import { saeFeaturesHref } from './routes';
import './features.css';

export default function FeaturesPage() {
  installFeaturesDebugHook();
  const summaries = createLiveData(() => 0, saeFeatureSummaries, [] as SaeFeaturesSummary[]);
  return (
    <div class="page features-page">
      <PageHeader title="Features">
        <p>
          The latents a sparse autoencoder learned. For each feature: how often it fires, its top-activating text with the tokens highlighted, its
          activation histogram and the tokens it promotes. Label, categorise and favourite them.
        </p>
      </PageHeader>
      <Show
        when={summaries.value().length > 0}
        fallback={
          <Show when={summaries.loaded()}>
            <EmptyState
              title="No features to browse yet"
              steps={[
                'Train an SAE (or import one in SAELens format).',
                'Run feature extraction over a tokenized dataset to collect statistics and examples.',
                'Browse, search and label the features here.',
              ]}
            />
          </Show>
        }
      >
        <div class="table-wrap card">
          <table class="data" data-testid="sae-features-list">
            <thead>
              <tr>
                <th>SAE</th>
                <th>Features</th>
                <th>Extraction</th>
                <th>Labelled</th>
                <th>★</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={summaries.value()}>
                {(s) => (
                  <tr data-testid="sae-features-row" data-sae-id={s.sae.id}>
                    <td>
                      <A href={saeFeaturesHref(s.sae.id)}>{s.sae.name}</A>
                      <div class="muted small">
                        {s.sae.architecture}
                        {s.sae.hook ? ` · ${s.sae.hook}` : ''}
                      </div>
                    </td>
                    <td class="mono">{formatCount(s.sae.dSae)}</td>
                    <td>
                      <Show when={s.latest} fallback={<span class="muted small">not extracted</span>}>
                        {(latest) => <ExtractionStatus extraction={latest()} />}
                      </Show>
                    </td>
                    <td class="mono">{formatCount(s.labelled)}</td>
                    <td class="mono">{formatCount(s.favourites)}</td>
                    <td>
                      <div class="row nowrap">
                        <A class="button small" href={saeFeaturesHref(s.sae.id)}>
                          Browse
                        </A>
                        <A class="button small" href={saeFeaturesHref(s.sae.id, true)} data-testid="extract-features">
                          Extract features
                        </A>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </div>
  );
}
