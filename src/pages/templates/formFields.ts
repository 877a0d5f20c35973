// The template form, described as data: which fields it shows (some only for one architecture), their help
// text, and how the raw text of the inputs becomes the object the template services validate, and back.
// Pure (no DOM), so it is tested in Node. Invalid text is passed on as text, so the domain's validation
// reports it ("must be a number (got "abc")") next to the field.

export type FieldKind = 'text' | 'textarea' | 'integer' | 'number' | 'checkbox' | 'choice' | 'yesno' | 'tokens';

/** Raw input values by field path: text for inputs, booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;

export interface FormField {
  /** dotted path into the template object, e.g. 'config.lr' */
  path: string;
  label: string;
  help: string;
  kind: FieldKind;
  /** empty input leaves the field out, so the default applies */
  optional?: boolean;
  placeholder?: string;
  choices?: readonly { value: string; label: string }[];
  /** shown (and written) only when this holds */
  when?: (values: FormValues) => boolean;
  group: string;
}

export function isVisible(field: FormField, values: FormValues): boolean {
  return field.when ? field.when(values) : true;
}

/** Builds the template object from the visible fields' raw values. */
export function formToInput(fields: readonly FormField[], values: FormValues): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    if (!isVisible(field, values)) continue;
    const value = parseValue(field, values[field.path]);
    if (value !== undefined) setPath(input, field.path, value);
  }
  return input;
}

/** The raw values that show a stored template in the form (fields it lacks are empty). */
export function templateToForm(fields: readonly FormField[], template: object): FormValues {
  const values: FormValues = {};
  for (const field of fields) values[field.path] = formatValue(field, getPath(template, field.path));
  return values;
}

function parseValue(field: FormField, raw: string | boolean | undefined): unknown {
  if (field.kind === 'checkbox') return raw === true;
  const text = typeof raw === 'string' ? raw : '';
  switch (field.kind) {
    case 'text':
      return text;
    case 'textarea':
      return field.optional && text.trim() === '' ? undefined : text;
    case 'integer':
    case 'number': {
      const trimmed = text.trim();
      if (trimmed === '') return undefined;
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : trimmed;
    }
    case 'choice':
      return text === '' ? undefined : text;
    case 'yesno':
      return text === 'yes' ? true : text === 'no' ? false : undefined;
    case 'tokens':
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map(unescapeToken);
  }
}

function formatValue(field: FormField, value: unknown): string | boolean {
  if (field.kind === 'checkbox') return value === true;
  if (value === undefined || value === null) return '';
  if (field.kind === 'yesno') return value === true ? 'yes' : value === false ? 'no' : '';
  if (field.kind === 'tokens') return Array.isArray(value) ? value.map((t) => escapeToken(String(t))).join('\n') : '';
  return String(value);
}

/** Tokens are one per line; a newline or tab inside a token is written \n or \t, a backslash \\. */
export function escapeToken(token: string): string {
  return token.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

export function unescapeToken(line: string): string {
  return line.replace(/\\(\\|n|t)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

function getPath(source: object, path: string): unknown {
  let node: unknown = source;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
    else node = node[key] = {};
  }
  node[keys[keys.length - 1]!] = value;
}
