// One tab of the Templates page, for any kind of template: search, filters, sortable columns, paging,
// selection, row actions (favourite, duplicate, edit, delete, export, and extras such as "Use"), the
// create/edit form, export and import. Rows come live from the database, so changes made anywhere show.
import { createEffect, createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import type { DuplicatePolicy, ImportReport } from '../../domain/templates';
import type { ListFilters, ListQuery, ListResult, SortDirection } from '../../store/query';
import type { TemplateService } from '../../services/templates';
import { downloadText } from './download';
import { formToInput, templateToForm, type FormField, type FormValues } from './formFields';
import { ImportDialog } from './ImportDialog';
import { Dialog } from '../../components/Dialog';
import { TemplateForm, type FormGroup } from './TemplateForm';
import { createLiveList } from './liveList';

/** What the tab needs of a row. */
export interface TemplateRowBase {
  id: string;
  name: string;
  description: string;
  builtIn: boolean;
  favourite: 0 | 1;
}

export interface Column<R> {
  id: string;
  label: string;
  /** the row field a click on the header sorts by */
  sortField?: keyof R & string;
  cell: (row: R) => JSX.Element;
  numeric?: boolean;
}

export interface ChoiceFilter<R> {
  field: keyof R & string;
  label: string;
  choices: readonly { value: string; label: string }[];
}

export interface TemplateFormSpec<R> {
  groups: readonly FormGroup[];
  /** the form's fields; may depend on the template being edited */
  fields: (editing: R | undefined) => readonly FormField[];
  newValues: FormValues;
  /** adjusts the object built from the form before it is saved (default: as built) */
  toInput?: (input: Record<string, unknown>, editing: R | undefined) => Record<string, unknown>;
}

type Origin = 'all' | 'builtIn' | 'mine';
type Editing<R> = { mode: 'create' } | { mode: 'edit'; row: R };

const PAGE_SIZES = [10, 25, 50];

export function TemplatesTab<F extends { name: string }, R extends TemplateRowBase>(props: {
  kind: string;
  service: TemplateService<F, R>;
  columns: readonly Column<R>[];
  filters?: readonly ChoiceFilter<R>[];
  form: TemplateFormSpec<R>;
  rowActions?: (row: R) => JSX.Element;
}) {
  const noun = () => props.service.kind.noun;
  const [search, setSearch] = createSignal('');
  const [favouritesOnly, setFavouritesOnly] = createSignal(false);
  const [origin, setOrigin] = createSignal<Origin>('all');
  const [choiceFilters, setChoiceFilters] = createSignal<Record<string, string>>({});
  const [sort, setSort] = createSignal<{ field: keyof R & string; dir: SortDirection }>({ field: 'name', dir: 'asc' });
  const [page, setPage] = createSignal(0);
  const [pageSize, setPageSize] = createSignal(PAGE_SIZES[0]!);
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = createSignal<Editing<R> | undefined>();
  const [deleting, setDeleting] = createSignal<R | undefined>();
  const [importing, setImporting] = createSignal(false);
  const [notice, setNotice] = createSignal<{ kind: 'ok' | 'bad'; text: string } | undefined>();

  const query = createMemo((): ListQuery<R> => {
    const filters: Record<string, unknown> = {};
    if (favouritesOnly()) filters.favourite = 1;
    if (origin() !== 'all') filters.builtIn = origin() === 'builtIn';
    for (const [field, value] of Object.entries(choiceFilters())) if (value !== '') filters[field] = value;
    return { search: search(), filters: filters as ListFilters<R>, sort: sort(), page: page(), pageSize: pageSize() };
  });
  const result = createLiveList<ListQuery<R>, ListResult<R> | undefined>(query, (q) => props.service.list(q), undefined, (err) =>
    setNotice({ kind: 'bad', text: `Could not read the ${noun()}s: ${messageOf(err)}` }),
  );
  const rows = () => result()?.rows ?? [];
  const total = () => result()?.total ?? 0;
  const pageCount = () => Math.max(1, Math.ceil(total() / pageSize()));

  // after deletions or a narrower filter, stay on a page that exists
  createEffect(() => {
    if (result() && page() > 0 && page() >= pageCount()) setPage(pageCount() - 1);
  });

  const refilter = <T,>(setter: (v: T) => void) => (v: T) => {
    setter(v);
    setPage(0);
  };

  const act = async (work: () => Promise<string | undefined>) => {
    setNotice(undefined);
    try {
      const text = await work();
      if (text) setNotice({ kind: 'ok', text });
    } catch (err) {
      setNotice({ kind: 'bad', text: messageOf(err) });
    }
  };

  const exportTemplates = (ids: readonly string[] | undefined) =>
    act(async () => {
      const file = await props.service.exportTemplates(ids);
      downloadText(file.text, file.filename);
      return `Exported ${file.count} ${noun()}${file.count === 1 ? '' : 's'} to ${file.filename}.`;
    });

  const toggleSelected = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allOnPageSelected = () => rows().length > 0 && rows().every((r) => selected().has(r.id));

  const sortBy = (field: keyof R & string) => {
    setSort((s) => (s.field === field ? { field, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { field, dir: 'asc' }));
    setPage(0);
  };

  const save = async (values: FormValues) => {
    const current = editing();
    const row = current?.mode === 'edit' ? current.row : undefined;
    const built = formToInput(props.form.fields(row), values);
    const input = props.form.toInput ? props.form.toInput(built, row) : built;
    const saved = row ? await props.service.update(row.id, input) : await props.service.create(input);
    setEditing(undefined);
    setNotice({ kind: 'ok', text: `Saved “${saved.name}”.` });
  };

  const importFile = (text: string, policy: DuplicatePolicy): Promise<ImportReport> => props.service.importTemplates(text, policy);

  const editingRow = () => {
    const e = editing();
    return e?.mode === 'edit' ? e.row : undefined;
  };

  return (
    <section class="templates-tab" data-testid={`templates-${props.kind}`}>
      <div class="toolbar">
        <input
          type="search"
          class="search"
          placeholder={`Search ${noun()}s`}
          aria-label={`Search ${noun()}s`}
          data-testid="template-search"
          value={search()}
          onInput={(e) => refilter(setSearch)(e.currentTarget.value)}
        />
        <For each={props.filters ?? []}>
          {(filter) => (
            <select
              aria-label={filter.label}
              data-testid={`filter-${filter.field}`}
              onChange={(e) => refilter(setChoiceFilters)({ ...choiceFilters(), [filter.field]: e.currentTarget.value })}
            >
              <For each={filter.choices}>{(c) => <option value={c.value}>{c.label}</option>}</For>
            </select>
          )}
        </For>
        <select aria-label="Origin" data-testid="filter-origin" onChange={(e) => refilter(setOrigin)(e.currentTarget.value as Origin)}>
          <option value="all">Built-in and mine</option>
          <option value="builtIn">Built-in only</option>
          <option value="mine">Mine only</option>
        </select>
        <label class="inline-check">
          <input type="checkbox" data-testid="filter-favourite" checked={favouritesOnly()} onChange={(e) => refilter(setFavouritesOnly)(e.currentTarget.checked)} />
          Favourites only
        </label>
      </div>
      <div class="toolbar actions">
        <button class="primary" data-testid="new-template" onClick={() => setEditing({ mode: 'create' })}>
          New template
        </button>
        <button data-testid="import-open" onClick={() => setImporting(true)}>
          Import…
        </button>
        <button data-testid="export-selected" disabled={selected().size === 0} onClick={() => void exportTemplates([...selected()])}>
          Export selected{selected().size > 0 ? ` (${selected().size})` : ''}
        </button>
        <button data-testid="export-all" onClick={() => void exportTemplates(undefined)}>
          Export all
        </button>
      </div>

      <Show when={notice()}>
        {(n) => (
          <p class="notice" classList={{ ok: n().kind === 'ok', bad: n().kind === 'bad' }} role={n().kind === 'bad' ? 'alert' : 'status'} data-testid="templates-notice">
            {n().text}
          </p>
        )}
      </Show>

      <div class="table-wrap">
        <table class="data templates-table" data-testid="templates-table">
          <thead>
            <tr>
              <th class="narrow">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  data-testid="select-page"
                  checked={allOnPageSelected()}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    for (const r of rows()) toggleSelected(r.id, on);
                  }}
                />
              </th>
              <th class="narrow">
                <span class="visually-hidden">Favourite</span>
              </th>
              <For each={props.columns}>
                {(col) => (
                  <th classList={{ num: col.numeric === true }} aria-sort={col.sortField && sort().field === col.sortField ? (sort().dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                    <Show when={col.sortField} fallback={col.label}>
                      {(field) => (
                        <button class="sort" data-testid={`sort-${col.id}`} onClick={() => sortBy(field())}>
                          {col.label}
                          <span aria-hidden="true">{sort().field === field() ? (sort().dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                        </button>
                      )}
                    </Show>
                  </th>
                )}
              </For>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(row) => (
                <tr data-testid="template-row" data-template-id={row.id} data-builtin={String(row.builtIn)} data-name={row.name}>
                  <td class="narrow">
                    <input type="checkbox" aria-label={`Select ${row.name}`} data-testid="row-select" checked={selected().has(row.id)} onChange={(e) => toggleSelected(row.id, e.currentTarget.checked)} />
                  </td>
                  <td class="narrow">
                    <button
                      class="star"
                      classList={{ on: row.favourite === 1 }}
                      aria-pressed={row.favourite === 1}
                      aria-label={`Favourite ${row.name}`}
                      title={row.favourite === 1 ? 'Remove from favourites' : 'Add to favourites'}
                      data-testid="row-favourite"
                      onClick={() => void act(async () => void (await props.service.toggleFavourite(row.id)))}
                    >
                      {row.favourite === 1 ? '★' : '☆'}
                    </button>
                  </td>
                  <For each={props.columns}>{(col) => <td classList={{ num: col.numeric === true }}>{col.cell(row)}</td>}</For>
                  <td>
                    <div class="row-actions">
                      {props.rowActions?.(row)}
                      <button class="small" data-testid="row-duplicate" onClick={() => void act(async () => `Duplicated as “${(await props.service.duplicate(row.id)).name}”.`)}>
                        Duplicate
                      </button>
                      <button
                        class="small"
                        data-testid="row-edit"
                        disabled={row.builtIn}
                        title={row.builtIn ? 'Built-in templates are read-only: duplicate it to make an editable copy.' : undefined}
                        onClick={() => setEditing({ mode: 'edit', row })}
                      >
                        Edit
                      </button>
                      <button
                        class="small"
                        data-testid="row-delete"
                        disabled={row.builtIn}
                        title={row.builtIn ? 'Built-in templates cannot be deleted.' : undefined}
                        onClick={() => setDeleting(() => row)}
                      >
                        Delete
                      </button>
                      <button class="small" data-testid="row-export" onClick={() => void exportTemplates([row.id])}>
                        Export
                      </button>
                    </div>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={result() && total() === 0}>
        <p class="muted empty-list" data-testid="templates-empty">
          No {noun()}s match. Clear the search or filters, or create a new one.
        </p>
      </Show>

      <div class="pager">
        <span class="muted small" data-testid="pager-status">
          {total() === 0 ? 'None' : `${page() * pageSize() + 1}–${Math.min(total(), (page() + 1) * pageSize())} of ${total()}`}
        </span>
        <button class="small" data-testid="pager-prev" disabled={page() === 0} onClick={() => setPage((p) => p - 1)}>
          Previous
        </button>
        <span class="small">
          Page {page() + 1} of {pageCount()}
        </span>
        <button class="small" data-testid="pager-next" disabled={page() + 1 >= pageCount()} onClick={() => setPage((p) => p + 1)}>
          Next
        </button>
        <select
          aria-label="Rows per page"
          data-testid="pager-size"
          onChange={(e) => {
            setPageSize(Number(e.currentTarget.value));
            setPage(0);
          }}
        >
          <For each={PAGE_SIZES}>{(n) => <option value={n}>{n} per page</option>}</For>
        </select>
      </div>

      <Dialog open={editing() !== undefined} wide title={editingRow() ? `Edit “${editingRow()!.name}”` : `New ${noun()}`} testid="template-dialog" onClose={() => setEditing(undefined)}>
        <TemplateForm
          fields={props.form.fields(editingRow())}
          groups={props.form.groups}
          initial={editingRow() ? templateToForm(props.form.fields(editingRow()), editingRow()!) : props.form.newValues}
          submitLabel={editingRow() ? 'Save changes' : 'Create template'}
          onSubmit={save}
          onCancel={() => setEditing(undefined)}
        />
      </Dialog>

      <Dialog open={deleting() !== undefined} title={`Delete ${noun()}?`} testid="delete-dialog" onClose={() => setDeleting(undefined)}>
        <p>
          Delete “{deleting()?.name}”? This cannot be undone; export it first if you may want it again.
        </p>
        <div class="row form-actions">
          <button
            class="primary danger"
            data-testid="confirm-delete"
            onClick={() => {
              const row = deleting();
              setDeleting(undefined);
              if (row)
                void act(async () => {
                  await props.service.remove(row.id);
                  toggleSelected(row.id, false);
                  return `Deleted “${row.name}”.`;
                });
            }}
          >
            Delete
          </button>
          <button data-testid="cancel-delete" onClick={() => setDeleting(undefined)}>
            Cancel
          </button>
        </div>
      </Dialog>

      <Dialog open={importing()} title={`Import ${noun()}s`} testid="import-dialog" onClose={() => setImporting(false)}>
        <ImportDialog noun={noun()} onImport={importFile} onClose={() => setImporting(false)} />
      </Dialog>
    </section>
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
