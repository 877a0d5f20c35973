// Saved experiments: search, open (the form and the saved outputs come back), rename, delete.
import { createSignal, For, Show } from 'solid-js';
import type { SteeringExperiment } from '../../domain/entities';
import type { ListResult } from '../../store/query';
import { deleteExperiment, listExperiments, renameExperiment } from '../../services/steering';
import { errorText } from './errors';
import { createLiveKeyed } from './live';
import { Pager } from '../../components/Pager';

const PAGE_SIZE = 10;

export function ExperimentsPanel(props: { onOpen: (experiment: SteeringExperiment) => void }) {
  const [search, setSearch] = createSignal('');
  const [page, setPage] = createSignal(0);
  const [problem, setProblem] = createSignal('');
  const experiments = createLiveKeyed(
    () => ({ search: search(), page: page() }),
    (q) => listExperiments({ search: q.search, sort: { field: 'createdAt', dir: 'desc' }, page: q.page, pageSize: PAGE_SIZE }),
    { rows: [], total: 0 } as ListResult<SteeringExperiment>,
  );
  const pages = () => Math.max(1, Math.ceil(experiments().total / PAGE_SIZE));
  const rename = async (e: SteeringExperiment) => {
    const name = window.prompt('Rename the experiment', e.name);
    if (name === null) return;
    try {
      await renameExperiment(e.id, name);
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  return (
    <section class="card experiments-panel" data-testid="experiments-panel">
      <div class="row spread">
        <h2>Saved experiments</h2>
        <input type="search" placeholder="Search experiments" aria-label="Search experiments" value={search()} onInput={(e) => (setSearch(e.currentTarget.value), setPage(0))} />
      </div>
      <Show when={problem()}>
        <p class="no small" role="alert">
          {problem()}
        </p>
      </Show>
      <Show when={experiments().total > 0} fallback={<p class="muted small">{search() ? 'No experiment matches.' : 'Save a run to keep its prompt, features, settings and outputs.'}</p>}>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th>Name</th>
                <th>Mode</th>
                <th>Features</th>
                <th>Outputs</th>
                <th>Saved</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={experiments().rows}>
                {(e) => (
                  <tr data-testid="experiment-row" data-experiment-id={e.id}>
                    <td>
                      <div>{e.name}</div>
                      <div class="muted small prompt-echo">{e.prompt}</div>
                    </td>
                    <td>{e.mode ?? 'compare'}</td>
                    <td class="mono small">{e.features.map((f) => `#${f.index}×${f.coefficient}`).join(' ')}</td>
                    <td class="mono small">{e.outputs.length}</td>
                    <td class="small">{new Date(e.createdAt).toLocaleString()}</td>
                    <td>
                      <div class="row nowrap">
                        <button class="small" data-testid="open-experiment" onClick={() => props.onOpen(e)}>
                          Open
                        </button>
                        <button class="small" onClick={() => void rename(e)}>
                          Rename
                        </button>
                        <button class="small warn-action" onClick={() => window.confirm(`Delete the experiment “${e.name}”?`) && void deleteExperiment(e.id)}>
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <Pager page={page()} pages={pages()} onPage={setPage} />
      </Show>
    </section>
  );
}

/** A saved experiment's outputs, laid out like a run's: one column per variant. */
export function ExperimentView(props: { experiment: SteeringExperiment; onClose: () => void }) {
  const labels = () => [...new Set(props.experiment.outputs.map((o) => o.label))];
  const samples = () => Math.max(1, ...props.experiment.outputs.map((o) => (o.sample ?? 0) + 1));
  return (
    <section class="card run-view" data-testid="experiment-view">
      <div class="row spread">
        <h2>{props.experiment.name}</h2>
        <button class="small" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
      <p class="small muted">
        Saved {new Date(props.experiment.createdAt).toLocaleString()} · prompt: <span class="prompt-echo">{props.experiment.prompt}</span>
      </p>
      <div class="outputs" style={{ 'grid-template-columns': `repeat(${labels().length}, minmax(12rem, 1fr))` }}>
        <For each={labels()}>{(label) => <div class="output-head">{label}</div>}</For>
        <For each={Array.from({ length: samples() }, (_, s) => s)}>
          {(s) => (
            <For each={labels()}>
              {(label) => (
                <div class="output" data-testid="experiment-output">
                  <span class="output-text">{props.experiment.outputs.find((o) => o.label === label && (o.sample ?? 0) === s)?.text ?? ''}</span>
                </div>
              )}
            </For>
          )}
        </For>
      </div>
    </section>
  );
}
