// The create/edit form for any kind of template, drawn from its field list: a label, an input and help text
// per field, and the validation messages of the template services next to the fields they are about.
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import { TemplateValidationError, type FieldProblem } from '../../domain/templates';
import { isVisible, type FormField, type FormValues } from './formFields';

export interface FormGroup {
  id: string;
  title: string;
  /** starts folded (opens by itself when one of its fields has a problem) */
  collapsed?: boolean;
}

export function TemplateForm(props: {
  fields: readonly FormField[];
  groups: readonly FormGroup[];
  initial: FormValues;
  submitLabel: string;
  onSubmit: (values: FormValues) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = createSignal<FormValues>({ ...props.initial });
  const [problems, setProblems] = createSignal<readonly FieldProblem[]>([]);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  let form: HTMLFormElement | undefined;

  const visible = createMemo(() => props.fields.filter((f) => isVisible(f, values())));
  const problemAt = (path: string) => problems().find((p) => p.field === path)?.message;
  /** problems no visible field shows (the whole template, or a field of the file that is not on the form) */
  const otherProblems = createMemo(() => problems().filter((p) => !visible().some((f) => f.path === p.field)));
  const set = (path: string, value: string | boolean) => setValues((v) => ({ ...v, [path]: value }));

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await props.onSubmit(values());
      setProblems([]);
    } catch (err) {
      if (err instanceof TemplateValidationError) {
        setProblems(err.problems);
        // the fields are marked by now (Solid updates synchronously): take the user to the first one
        form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      }
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} class="template-form" data-testid="template-form" onSubmit={(e) => void submit(e)} novalidate>
      <Show when={problems().length > 0}>
        <div class="notice bad" role="alert" data-testid="form-problems">
          <p>Please correct the {problems().length === 1 ? 'field' : `${problems().length} fields`} marked below.</p>
          <Show when={otherProblems().length > 0}>
            <ul>
              <For each={otherProblems()}>{(p) => <li>{p.field ? `${p.field}: ${p.message}` : p.message}</li>}</For>
            </ul>
          </Show>
        </div>
      </Show>
      <Show when={error()}>
        <p class="notice bad" role="alert" data-testid="form-error">
          {error()}
        </p>
      </Show>
      <For each={props.groups}>
        {(group) => {
          const fields = () => visible().filter((f) => f.group === group.id);
          const body = () => (
            <div class="form-grid">
              <For each={fields()}>{(field) => <Field field={field} value={values()[field.path]} problem={problemAt(field.path)} onInput={(v) => set(field.path, v)} />}</For>
            </div>
          );
          return (
            <Show when={fields().length > 0}>
              <Show
                when={group.collapsed}
                fallback={
                  <fieldset class="form-group">
                    <legend>{group.title}</legend>
                    {body()}
                  </fieldset>
                }
              >
                <details class="form-group" open={fields().some((f) => problemAt(f.path) !== undefined)}>
                  <summary>{group.title}</summary>
                  {body()}
                </details>
              </Show>
            </Show>
          );
        }}
      </For>
      <div class="row form-actions">
        <button type="submit" class="primary" disabled={busy()} data-testid="form-submit">
          {props.submitLabel}
        </button>
        <button type="button" onClick={() => props.onCancel()} data-testid="form-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

function Field(props: { field: FormField; value: string | boolean | undefined; problem: string | undefined; onInput: (value: string | boolean) => void }) {
  const id = `tf-${props.field.path.replace(/\W/g, '-')}`;
  const describedBy = () => `${id}-help${props.problem ? ` ${id}-error` : ''}`;
  const text = () => (typeof props.value === 'string' ? props.value : '');
  const common = () => ({
    id,
    'data-testid': `field-${props.field.path}`,
    'aria-describedby': describedBy(),
    'aria-invalid': props.problem ? ('true' as const) : undefined,
  });
  return (
    <div class="field" classList={{ invalid: props.problem !== undefined, wide: props.field.kind === 'textarea' || props.field.kind === 'tokens', check: props.field.kind === 'checkbox' }}>
      <Switch
        fallback={
          <>
            <label for={id}>{props.field.label}</label>
            <input {...common()} type="text" inputMode={props.field.kind === 'integer' ? 'numeric' : props.field.kind === 'number' ? 'decimal' : undefined} placeholder={props.field.placeholder ?? ''} value={text()} onInput={(e) => props.onInput(e.currentTarget.value)} />
          </>
        }
      >
        <Match when={props.field.kind === 'checkbox'}>
          <label for={id}>
            <input {...common()} type="checkbox" checked={props.value === true} onChange={(e) => props.onInput(e.currentTarget.checked)} /> {props.field.label}
          </label>
        </Match>
        <Match when={props.field.kind === 'textarea' || props.field.kind === 'tokens'}>
          <label for={id}>{props.field.label}</label>
          <textarea {...common()} rows={props.field.kind === 'tokens' ? 4 : 3} classList={{ mono: props.field.kind === 'tokens' }} value={text()} onInput={(e) => props.onInput(e.currentTarget.value)} />
        </Match>
        <Match when={props.field.kind === 'choice' || props.field.kind === 'yesno'}>
          <label for={id}>{props.field.label}</label>
          <select {...common()} value={text()} onChange={(e) => props.onInput(e.currentTarget.value)}>
            <For each={props.field.choices ?? []}>
              {(choice) => (
                <option value={choice.value} selected={choice.value === text()}>
                  {choice.label}
                </option>
              )}
            </For>
          </select>
        </Match>
      </Switch>
      <p class="field-help" id={`${id}-help`}>
        {props.field.help}
      </p>
      <Show when={props.problem}>
        <p class="field-error" id={`${id}-error`} data-testid={`error-${props.field.path}`}>
          {props.problem}
        </p>
      </Show>
    </div>
  );
}
