// Training: every run as a card (live status, progress, speed, time left, controls), the one-click demo,
// and the trained SAEs with SAELens export.
import { A } from '@solidjs/router';
import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import type { TrainingRecord, TrainingStatus } from '../../domain/entities';
import { listTrainingsWithJobs, reconcileTrainings, type TrainingWithJob } from '../../services/training/trainings';
import type { ListResult } from '../../store/query';
import { DemoButton } from './DemoButton';
import { createLiveData } from './liveData';
import { SaeList } from './SaeList';
import { TrainingCard } from './TrainingCard';
import './training.css';
import { Pager } from '../../components/Pager';

const PAGE_SIZE = 12;

type SortKey = 'newest' | 'oldest' | 'name' | 'status';
const SORTS: Record<SortKey, { field: keyof TrainingRecord & string; dir: 'asc' | 'desc'; label: string }> = {
  newest: { field: 'createdAt', dir: 'desc', label: 'Newest first' },
  oldest: { field: 'createdAt', dir: 'asc', label: 'Oldest first' },
  name: { field: 'name', dir: 'asc', label: 'Name' },
  status: { field: 'status', dir: 'asc', label: 'Status' },
};

const STATUS_FILTERS: { value: '' | TrainingStatus; label: string }[] = [
  { value: '', label: 'All statuses' },
  { value: 'running', label: 'Running' },
  { value: 'queued', label: 'Queued' },
  { value: 'paused', label: 'Paused' },
  { value: 'completed', label: 'Completed' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

export default function TrainingPage() {
  const [search, setSearch] = createSignal('');
  const [sort, setSort] = createSignal<SortKey>('newest');
  const [status, setStatus] = createSignal<'' | TrainingStatus>('');
  const [page, setPage] = createSignal(0);
  onMount(() => void reconcileTrainings().catch((e: unknown) => console.warn('miStudio: could not update training statuses', e)));
  const trainings = createLiveData(
    () => ({ search: search(), sort: sort(), status: status(), page: page() }),
    (q) =>
      listTrainingsWithJobs({
        search: q.search,
        sort: { field: SORTS[q.sort].field, dir: SORTS[q.sort].dir },
        filters: q.status ? { status: q.status } : {},
        page: q.page,
        pageSize: PAGE_SIZE,
      }),
    { rows: [], total: 0 } as ListResult<TrainingWithJob>,
  );
  // cards are keyed by id: a progress update replaces the row object but keeps its card (and its buttons)
  const ids = createMemo(() => trainings().rows.map((v) => v.training.id), [], { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const byId = createMemo(() => new Map(trainings().rows.map((v) => [v.training.id, v])));
  const pages = () => Math.max(1, Math.ceil(trainings().total / PAGE_SIZE));
  const filtering = () => search() !== '' || status() !== '';
  return (
    <div class="page training-page">
      <PageHeader title="Training">
        <p>
          Train sparse autoencoders (ReLU, TopK, BatchTopK, JumpReLU) on your GPU. Runs show live loss, sparsity and dead-latent
          curves, save checkpoints, and survive a reload.
        </p>
      </PageHeader>
      <div class="row toolbar">
        <A href="/training/new" class="button primary" data-testid="new-training">
          New training
        </A>
        <DemoButton class="" />
        <span class="muted small">The demo trains a TopK SAE on 48 known features squeezed into 16 dimensions and shows how many it recovers.</span>
      </div>
      <Show
        when={trainings().total > 0 || filtering()}
        fallback={
          <EmptyState
            title="No training runs yet"
            steps={[
              'Try the toy superposition demo: one click, results in about a minute.',
              'Or start a new training from a template, and adjust architecture, dictionary size and sparsity.',
              'Watch the run; pause, resume or stop it at any point. The finished SAE appears below, ready to export.',
            ]}
          />
        }
      >
        <div class="row toolbar">
          <input type="search" placeholder="Search runs" aria-label="Search runs" value={search()} onInput={(e) => (setSearch(e.currentTarget.value), setPage(0))} />
          <select aria-label="Status" value={status()} onChange={(e) => (setStatus(e.currentTarget.value as '' | TrainingStatus), setPage(0))}>
            <For each={STATUS_FILTERS}>{(f) => <option value={f.value}>{f.label}</option>}</For>
          </select>
          <select aria-label="Sort" value={sort()} onChange={(e) => setSort(e.currentTarget.value as SortKey)}>
            <For each={Object.entries(SORTS)}>{([k, s]) => <option value={k}>{s.label}</option>}</For>
          </select>
          <span class="muted small">
            {trainings().total} run{trainings().total === 1 ? '' : 's'}
          </span>
        </div>
        <Show when={trainings().rows.length > 0} fallback={<p class="muted">No run matches.</p>}>
          <div class="training-cards" data-testid="training-list">
            <For each={ids()}>{(id) => <Show when={byId().get(id)}>{(view) => <TrainingCard view={view()} />}</Show>}</For>
          </div>
        </Show>
        <Pager page={page()} pages={pages()} onPage={setPage} />
      </Show>
      <SaeList />
    </div>
  );
}
