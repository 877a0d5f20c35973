// Inputs of the new-training form: a label, the control, its help text and its error, wired to one field.
import { For, Show, type JSX } from 'solid-js';
import type { FieldErrors, FormField, TrainingFormValues } from '../../sae/training/form';
import { FIELD_TEXT } from './fields';

export interface FormBinding {
  values: () => TrainingFormValues;
  set: <K extends FormField>(field: K, value: TrainingFormValues[K]) => void;
  /** the error to show for a field (only once the user has touched it or tried to submit) */
  error: (field: FormField) => string | undefined;
  touch: (field: FormField) => void;
}

function FieldFrame(props: { field: FormField; children: JSX.Element; error: string | undefined; help?: string }) {
  const text = FIELD_TEXT[props.field];
  return (
    <div class="form-field" classList={{ invalid: props.error !== undefined }} data-field={props.field}>
      <label for={`f-${props.field}`}>{text.label}</label>
      {props.children}
      <p class="field-help" id={`h-${props.field}`}>
        {props.help ?? text.help}
      </p>
      <Show when={props.error}>
        <p class="field-error" role="alert" data-testid={`error-${props.field}`}>
          {props.error}
        </p>
      </Show>
    </div>
  );
}

type TextField = { [K in FormField]: TrainingFormValues[K] extends string ? K : never }[FormField];

export function NumberInput(props: { form: FormBinding; field: TextField; placeholder?: string; help?: string; step?: string }) {
  return (
    <FieldFrame field={props.field} error={props.form.error(props.field)} help={props.help}>
      <input
        id={`f-${props.field}`}
        type="text"
        inputmode="decimal"
        autocomplete="off"
        aria-describedby={`h-${props.field}`}
        aria-invalid={props.form.error(props.field) !== undefined}
        placeholder={props.placeholder}
        value={props.form.values()[props.field] as string}
        onInput={(e) => props.form.set(props.field, e.currentTarget.value as TrainingFormValues[TextField])}
        onBlur={() => props.form.touch(props.field)}
      />
    </FieldFrame>
  );
}

export function TextInput(props: { form: FormBinding; field: TextField }) {
  return (
    <FieldFrame field={props.field} error={props.form.error(props.field)}>
      <input
        id={`f-${props.field}`}
        type="text"
        aria-describedby={`h-${props.field}`}
        value={props.form.values()[props.field] as string}
        onInput={(e) => props.form.set(props.field, e.currentTarget.value as TrainingFormValues[TextField])}
        onBlur={() => props.form.touch(props.field)}
      />
    </FieldFrame>
  );
}

export interface Choice<V extends string> {
  value: V;
  label: string;
  disabled?: boolean;
}

type ChoiceField = 'sourceKind' | 'architecture' | 'sizeMode' | 'lengthMode' | 'bDecInit' | 'cacheId' | 'modelId' | 'tokenizationId' | 'hook';

export function SelectInput<K extends ChoiceField>(props: { form: FormBinding; field: K; choices: Choice<TrainingFormValues[K]>[]; help?: string }) {
  return (
    <FieldFrame field={props.field} error={props.form.error(props.field)} help={props.help}>
      <select
        id={`f-${props.field}`}
        aria-describedby={`h-${props.field}`}
        value={props.form.values()[props.field]}
        onChange={(e) => props.form.set(props.field, e.currentTarget.value as TrainingFormValues[K])}
      >
        <For each={props.choices}>
          {(c) => (
            <option value={c.value} disabled={c.disabled} selected={c.value === props.form.values()[props.field]}>
              {c.label}
            </option>
          )}
        </For>
      </select>
    </FieldFrame>
  );
}

export function CheckboxInput(props: { form: FormBinding; field: 'inputScaling' | 'normalizeDecoder' | 'applyBDecToInput' }) {
  const text = () => FIELD_TEXT[props.field];
  return (
    <div class="form-field checkbox" data-field={props.field}>
      <label>
        <input
          type="checkbox"
          checked={props.form.values()[props.field]}
          aria-describedby={`h-${props.field}`}
          onChange={(e) => props.form.set(props.field, e.currentTarget.checked)}
        />{' '}
        {text().label}
      </label>
      <p class="field-help" id={`h-${props.field}`}>
        {text().help}
      </p>
    </div>
  );
}

export function errorsToShow(errors: FieldErrors, touched: ReadonlySet<string>, submitted: boolean): (field: FormField) => string | undefined {
  return (field) => (submitted || touched.has(field) ? errors[field] : undefined);
}
