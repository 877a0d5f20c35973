// Trained SAEs: architecture, sizes, source and final metrics; Export ▾ (SAELens or Neuronpedia zip); delete.
import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import type { SaeRecord } from '../../domain/entities';
import type { ListResult } from '../../store/query';
import { deleteSae, listSaes } from '../../services/training/saes';
import { ImportSaeButton } from '../interop/ImportSaeDialog';
import { SaeExportMenu } from '../interop/SaeExportMenu';
import { architectureLabel, describeSource, metricText } from './describe';
import { createLiveData } from './liveData';
import { Pager } from '../../components/Pager';

const PAGE_SIZE = 20;

export function SaeList() {
  const [search, setSearch] = createSignal('');
  const [page, setPage] = createSignal(0);
  const saes = createLiveData(
    () => ({ search: search(), page: page() }),
    (q) => listSaes({ search: q.search, sort: { field: 'createdAt', dir: 'desc' }, page: q.page, pageSize: PAGE_SIZE }),
    { rows: [], total: 0 } as ListResult<SaeRecord>,
  );
  const pages = () => Math.max(1, Math.ceil(saes().total / PAGE_SIZE));
  return (
    <section class="card" data-testid="sae-list">
      <div class="row spread">
        <h2>Trained SAEs</h2>
        <ImportSaeButton />
        <input type="search" placeholder="Search SAEs" aria-label="Search SAEs" value={search()} onInput={(e) => (setSearch(e.currentTarget.value), setPage(0))} />
      </div>
      <Show when={saes().total > 0} fallback={<p class="muted">{search() ? 'No SAE matches.' : 'A finished training leaves its SAE here, ready to export to SAELens.'}</p>}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>SAE</th>
                <th>Architecture</th>
                <th>d_in → d_sae</th>
                <th>Source</th>
                <th>Loss</th>
                <th>Expl. var.</th>
                <th>L0</th>
                <th>MMCS</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={saes().rows}>{(sae) => <SaeRow sae={sae} />}</For>
            </tbody>
          </table>
        </div>
        <Pager page={page()} pages={pages()} onPage={setPage} />
      </Show>
    </section>
  );
}

function SaeRow(props: { sae: SaeRecord }) {
  const [error, setError] = createSignal('');
  const [confirming, setConfirming] = createSignal(false);
  const m = () => props.sae.metrics ?? {};
  const remove = async () => {
    try {
      await deleteSae(props.sae.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <tr data-testid="sae-row" data-sae-id={props.sae.id}>
      <td>
        <div>{props.sae.name}</div>
        <Show when={props.sae.origin.kind === 'training' ? props.sae.origin.trainingId : undefined}>
          {(id) => (
            <A class="small" href={`/training/${id()}`}>
              training run
            </A>
          )}
        </Show>
        <Show when={error()}>
          <div class="no small">{error()}</div>
        </Show>
      </td>
      <td>{architectureLabel(props.sae.architecture)}</td>
      <td class="mono small">
        {props.sae.dIn} → {props.sae.dSae}
      </td>
      <td class="small">{describeSource(props.sae.source)}</td>
      <td class="mono small">{metricText(m().loss)}</td>
      <td class="mono small">{metricText(m().explained_variance)}</td>
      <td class="mono small">{metricText(m().l0)}</td>
      <td class="mono small">{metricText(m().mmcs)}</td>
      <td>
        <div class="row nowrap">
          <A class="button small" href={`/features/${props.sae.id}`} data-testid="sae-features">
            Features
          </A>
          <SaeExportMenu sae={props.sae} />
          <Show
            when={confirming()}
            fallback={
              <button class="small" onClick={() => setConfirming(true)}>
                Delete
              </button>
            }
          >
            <button class="small danger" onClick={() => void remove()}>
              Delete SAE
            </button>
            <button class="small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </Show>
        </div>
      </td>
    </tr>
  );
}
