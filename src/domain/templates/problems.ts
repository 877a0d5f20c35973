// Validation results for templates: every problem names the field it is about (a dotted path such as
// `config.k`), so a form can show it next to that field and an import report can say where a file is wrong.

export interface FieldProblem {
  /** dotted path of the field, e.g. `name`, `config.lr`, `source.activeProb`; '' for the whole template */
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** A template that failed validation; `problems` says which fields and why. */
export class TemplateValidationError extends Error {
  override name = 'TemplateValidationError';
  constructor(readonly problems: readonly FieldProblem[]) {
    super(`The template is not valid: ${problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ')}.`);
  }
}

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** min itself is not allowed */
  minExclusive?: boolean;
  /** max itself is not allowed */
  maxExclusive?: boolean;
  integer?: boolean;
}

/** Reads typed fields out of unknown input (a form, or a parsed JSON file), collecting problems as it goes. */
export class FieldReader {
  readonly problems: FieldProblem[] = [];

  constructor(
    private readonly source: PlainObject,
    /** prefix for field paths, e.g. 'config.' */
    private readonly prefix = '',
  ) {}

  add(field: string, message: string): void {
    this.problems.push({ field: this.prefix + field, message });
  }

  has(key: string): boolean {
    return this.source[key] !== undefined;
  }

  /** A problem for every key of the input not in `known`: a misspelt setting must not pass silently. */
  rejectUnknown(known: readonly string[]): void {
    for (const key of Object.keys(this.source)) {
      if (!known.includes(key)) this.add(key, `unknown field (expected one of: ${known.join(', ')})`);
    }
  }

  number(key: string, rule: NumberRule & { optional: true }): number | undefined;
  number(key: string, rule?: NumberRule & { optional?: false }): number;
  number(key: string, rule: NumberRule & { optional?: boolean } = {}): number | undefined {
    const v = this.source[key];
    if (v === undefined) {
      if (!rule.optional) this.add(key, 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(key, `must be a number (got ${describe(v)})`);
      return undefined;
    }
    const problem = numberProblem(v, rule);
    if (problem) {
      this.add(key, problem);
      return undefined;
    }
    return v;
  }

  integer(key: string, rule: Omit<NumberRule, 'integer'> & { optional: true }): number | undefined;
  integer(key: string, rule?: Omit<NumberRule, 'integer'> & { optional?: false }): number;
  integer(key: string, rule: Omit<NumberRule, 'integer'> & { optional?: boolean } = {}): number | undefined {
    return rule.optional ? this.number(key, { ...rule, optional: true, integer: true }) : this.number(key, { ...rule, optional: false, integer: true });
  }

  boolean(key: string, optional: true): boolean | undefined;
  boolean(key: string, optional?: false): boolean;
  boolean(key: string, optional = false): boolean | undefined {
    const v = this.source[key];
    if (v === undefined) {
      if (!optional) this.add(key, 'is required');
      return undefined;
    }
    if (typeof v !== 'boolean') {
      this.add(key, `must be true or false (got ${describe(v)})`);
      return undefined;
    }
    return v;
  }

  string(key: string, opts: { optional: true; maxLength: number; nonEmpty?: boolean }): string | undefined;
  string(key: string, opts: { optional?: false; maxLength: number; nonEmpty?: boolean }): string;
  string(key: string, opts: { optional?: boolean; maxLength: number; nonEmpty?: boolean }): string | undefined {
    const v = this.source[key];
    if (v === undefined) {
      if (!opts.optional) this.add(key, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(key, `must be text (got ${describe(v)})`);
      return undefined;
    }
    if (opts.nonEmpty && v.trim() === '') {
      this.add(key, 'must not be empty');
      return undefined;
    }
    if (v.length > opts.maxLength) {
      this.add(key, `must be at most ${opts.maxLength} characters (got ${v.length})`);
      return undefined;
    }
    return v;
  }

  object(key: string): PlainObject | undefined {
    const v = this.source[key];
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) {
      this.add(key, `must be an object (got ${describe(v)})`);
      return undefined;
    }
    return v;
  }
}

function numberProblem(v: number, rule: NumberRule): string | undefined {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.integer && !Number.isInteger(v)) return `must be an integer (got ${v})`;
  const { min, max, minExclusive, maxExclusive } = rule;
  const tooLow = min !== undefined && (minExclusive ? v <= min : v < min);
  const tooHigh = max !== undefined && (maxExclusive ? v >= max : v > max);
  if (!tooLow && !tooHigh) return undefined;
  const lower = `${minExclusive ? '>' : '≥'} ${min}`;
  const upper = `${maxExclusive ? '<' : '≤'} ${max}`;
  if (min !== undefined && max !== undefined) return `must be ${kind} ${lower} and ${upper} (got ${v})`;
  if (min !== undefined) return `must be ${kind} ${lower} (got ${v})`;
  return `must be ${kind} ${upper} (got ${v})`;
}

/** A short description of a wrong value for a message: its JSON, cut short, or its type. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const json = JSON.stringify(v);
  if (json === undefined) return typeof v;
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
