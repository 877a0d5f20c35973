// The JSON file templates are exported to and imported from:
//   { "version": 1, "kind": "training-templates", "exported_at": "<ISO time>", "templates": [ ... ] }
// Each entry holds a template's own fields plus `favourite`; ids, the built-in flag and times stay behind
// (an imported template is always the user's own). Parsing checks everything before anything is used.
import { templateFields, type StoredTemplateBase, type TemplateDocumentKind, type TemplateKind, type TemplateKindName } from './kinds';
import { describe, isPlainObject } from './problems';

export const TEMPLATE_DOCUMENT_VERSION = 1;
export const MAX_DOCUMENT_CHARS = 10_000_000;
export const MAX_DOCUMENT_TEMPLATES = 10_000;

export type ExportedTemplate<F> = F & { favourite: boolean };

export interface TemplateDocument<F> {
  version: typeof TEMPLATE_DOCUMENT_VERSION;
  kind: TemplateDocumentKind;
  exported_at: string;
  templates: ExportedTemplate<F>[];
}

/** One thing wrong with an imported file. */
export interface ImportError {
  /** 1-based position of the template in the file; null for the file as a whole */
  entry: number | null;
  /** the entry's name, when it has a readable one */
  name?: string;
  /** dotted field path within the entry ('' for the entry or file as a whole) */
  field: string;
  message: string;
}

/** One checked entry of an imported file. */
export interface ImportEntry<F> {
  fields: F;
  /** undefined when the file does not say */
  favourite?: 0 | 1;
}

export type ParsedTemplateDocument<F> = { ok: true; entries: ImportEntry<F>[] } | { ok: false; errors: ImportError[] };

/** Entry keys a file may carry (e.g. a hand-edited database dump) that import ignores. */
const IGNORED_ENTRY_KEYS = ['id', 'builtIn', 'createdAt', 'updatedAt'];

export function buildTemplateDocument<F extends { name: string }>(
  kind: TemplateKind<F>,
  templates: readonly (F & StoredTemplateBase)[],
  now: Date,
): TemplateDocument<F> {
  return {
    version: TEMPLATE_DOCUMENT_VERSION,
    kind: kind.documentKind,
    exported_at: now.toISOString(),
    templates: templates.map((t) => ({ ...templateFields(kind, t), favourite: t.favourite === 1 })),
  };
}

export function templateDocumentText<F>(doc: TemplateDocument<F>): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** e.g. mistudio-training-templates-2025-01-31.json */
export function templateDocumentFilename(kind: Pick<TemplateKind<{ name: string }>, 'documentKind'>, now: Date): string {
  return `mistudio-${kind.documentKind}-${now.toISOString().slice(0, 10)}.json`;
}

const KIND_OF_DOCUMENT: Record<TemplateDocumentKind, TemplateKindName> = {
  'training-templates': 'training',
  'extraction-templates': 'extraction',
  'prompt-templates': 'prompt',
};

/** Parses and checks a whole file; any problem anywhere makes it unusable, with every problem listed. */
export function parseTemplateDocument<F extends { name: string }>(kind: TemplateKind<F>, text: string): ParsedTemplateDocument<F> {
  const fileError = (message: string): ParsedTemplateDocument<F> => ({ ok: false, errors: [{ entry: null, field: '', message }] });
  if (text.length > MAX_DOCUMENT_CHARS) return fileError(`The file is too large for a template file (${text.length} characters; at most ${MAX_DOCUMENT_CHARS}).`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return fileError(`The file is not valid JSON (${reason}). Choose a file exported from miStudio's Templates page.`);
  }
  if (!isPlainObject(doc)) return fileError(`The file must hold a JSON object with "version", "kind" and "templates" (it holds ${describe(doc)}).`);
  const errors: ImportError[] = [];
  const docError = (field: string, message: string) => errors.push({ entry: null, field, message });
  if (doc.version !== TEMPLATE_DOCUMENT_VERSION) {
    docError('version', `unsupported template file version ${describe(doc.version)}; this studio reads version ${TEMPLATE_DOCUMENT_VERSION}`);
  }
  if (doc.kind !== kind.documentKind) {
    const other = typeof doc.kind === 'string' && doc.kind in KIND_OF_DOCUMENT ? KIND_OF_DOCUMENT[doc.kind as TemplateDocumentKind] : undefined;
    docError(
      'kind',
      other
        ? `this file holds ${other} templates, not ${kind.name} templates; import it on the ${capitalise(other)} tab`
        : `must be "${kind.documentKind}" (got ${describe(doc.kind)})`,
    );
  }
  if (doc.exported_at !== undefined && typeof doc.exported_at !== 'string') docError('exported_at', `must be a date as text (got ${describe(doc.exported_at)})`);
  // entries of an unknown version or another kind would only add noise to the report
  if (errors.length > 0) return { ok: false, errors };
  if (!Array.isArray(doc.templates)) {
    docError('templates', `must be a list of templates (got ${describe(doc.templates)})`);
    return { ok: false, errors };
  }
  if (doc.templates.length > MAX_DOCUMENT_TEMPLATES) {
    docError('templates', `holds ${doc.templates.length} templates; at most ${MAX_DOCUMENT_TEMPLATES} can be imported at once`);
    return { ok: false, errors };
  }
  const entries: ImportEntry<F>[] = [];
  doc.templates.forEach((raw: unknown, i) => {
    const entry = i + 1;
    const name = isPlainObject(raw) && typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name.trim() : undefined;
    const at = (field: string, message: string): ImportError => (name === undefined ? { entry, field, message } : { entry, name, field, message });
    if (!isPlainObject(raw)) {
      errors.push(at('', `must be an object (got ${describe(raw)})`));
      return;
    }
    const { favourite, ...rest } = raw;
    for (const key of IGNORED_ENTRY_KEYS) delete rest[key];
    let fav: 0 | 1 | undefined;
    if (favourite === true || favourite === 1) fav = 1;
    else if (favourite === false || favourite === 0) fav = 0;
    else if (favourite !== undefined) errors.push(at('favourite', `must be true or false (got ${describe(favourite)})`));
    const checked = kind.validate(rest);
    if (!checked.ok) errors.push(...checked.problems.map((p) => at(p.field, p.message)));
    else entries.push(fav === undefined ? { fields: checked.value } : { fields: checked.value, favourite: fav });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}

/** "entry 3 ("TopK 16k"), config.k: must be ..." or "version: ..." — one line per error, for reports and logs. */
export function formatImportError(e: ImportError): string {
  const where = `entry ${e.entry}${e.name !== undefined ? ` (${JSON.stringify(e.name)})` : ''}`;
  if (e.entry === null) return e.field ? `${e.field}: ${e.message}` : e.message;
  return e.field ? `${where}, ${e.field}: ${e.message}` : `${where}: ${e.message}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
