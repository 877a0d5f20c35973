// Templates: saved settings for training and for feature extraction, on two tabs (?tab=extraction deep-links
// the second). Built-in starters are seeded before the lists are shown.
import { useSearchParams } from '@solidjs/router';
import { createSignal, Match, onMount, Show, Switch } from 'solid-js';
import { PageHeader } from '../../components/PageHeader';
import { ensureBuiltInTemplates } from '../../services/templates';
import { PromptTemplatesTab } from '../steering/PromptTemplatesTab';
import { ExtractionTab } from './ExtractionTab';
import { TrainingTab } from './TrainingTab';
import './templates.css';

type Tab = 'training' | 'extraction' | 'prompt';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'training', label: 'Training' },
  { id: 'extraction', label: 'Extraction' },
  { id: 'prompt', label: 'Prompt' },
];

export default function TemplatesPage() {
  const [params, setParams] = useSearchParams<{ tab?: string }>();
  const tab = (): Tab => (params.tab === 'extraction' || params.tab === 'prompt' ? params.tab : 'training');
  const [seedError, setSeedError] = createSignal('');
  // the lists wait for the built-ins, so they never flash "no templates" on a first visit
  const [ready, setReady] = createSignal(false);
  onMount(() => {
    ensureBuiltInTemplates()
      .catch((err: unknown) => setSeedError(`The built-in templates could not be set up: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => setReady(true));
  });
  return (
    <div class="page templates-page">
      <PageHeader title="Templates">
        <p>
          Saved settings for training and feature extraction, so a good configuration is one click away. Built-in templates cover common SAE set-ups and
          are read-only (duplicate one to change it); your own can be favourited, exported and imported as JSON.
        </p>
      </PageHeader>
      <Show when={seedError()}>
        <p class="notice bad" role="alert">
          {seedError()}
        </p>
      </Show>
      <div class="tabs" role="tablist" aria-label="Template kinds">
        {TABS.map((t) => (
          <button role="tab" class="tab" aria-selected={tab() === t.id} data-testid={`tab-${t.id}`} onClick={() => setParams({ tab: t.id === 'training' ? undefined : t.id })}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        <Show when={ready()} fallback={<p class="muted">Loading templates…</p>}>
          <Switch>
            <Match when={tab() === 'training'}>
              <TrainingTab />
            </Match>
            <Match when={tab() === 'extraction'}>
              <ExtractionTab />
            </Match>
            <Match when={tab() === 'prompt'}>
              <PromptTemplatesTab />
            </Match>
          </Switch>
        </Show>
      </div>
    </div>
  );
}
