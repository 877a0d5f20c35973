// What importing a checked template file would do to the stored templates, decided before anything is
// written: a pure function, so the service can apply the whole plan in one transaction or nothing at all.
import type { ImportEntry, ImportError, ParsedTemplateDocument } from './document';
import { nameKey, nextFreeName } from './names';
import { NAME_MAX_LENGTH } from './training';

/** What to do with an imported template whose name is already taken. */
export type DuplicatePolicy = 'skip' | 'rename' | 'replace';
export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['skip', 'rename', 'replace'];

export interface ImportReport {
  /** names added as they were */
  imported: string[];
  /** names left out, and why */
  skipped: { name: string; reason: string }[];
  /** added under a new name */
  renamed: { from: string; to: string }[];
  /** existing templates overwritten with the file's version */
  replaced: string[];
  /** when not empty, nothing was imported */
  errors: ImportError[];
}

export interface ExistingTemplate {
  id: string;
  name: string;
  builtIn: boolean;
}

export interface ImportPlan<F> {
  /** new templates */
  adds: ImportEntry<F>[];
  /** existing (user) templates to overwrite, by id */
  replacements: (ImportEntry<F> & { id: string })[];
  report: ImportReport;
}

export const SKIP_REASONS = {
  exists: 'a template with this name already exists',
  builtIn: 'a built-in template has this name, and built-in templates cannot be replaced',
  earlierInFile: 'the file has an earlier template with this name',
} as const;

export function emptyImportReport(): ImportReport {
  return { imported: [], skipped: [], renamed: [], replaced: [], errors: [] };
}

/** Plans an import; a file with any error plans nothing. Entries are taken in file order. */
export function planImport<F extends { name: string }>(
  existing: readonly ExistingTemplate[],
  parsed: ParsedTemplateDocument<F>,
  policy: DuplicatePolicy,
): ImportPlan<F> {
  const report = emptyImportReport();
  const plan: ImportPlan<F> = { adds: [], replacements: [], report };
  if (!parsed.ok) {
    report.errors = parsed.errors;
    return plan;
  }
  const stored = new Map(existing.map((t) => [nameKey(t.name), t]));
  /** every name in use once the plan so far is applied */
  const taken = new Set(stored.keys());
  const fromFile = new Set<string>();
  for (const entry of parsed.entries) {
    const name = entry.fields.name;
    const key = nameKey(name);
    if (!taken.has(key)) {
      plan.adds.push(entry);
      report.imported.push(name);
    } else if (policy === 'rename') {
      const to = nextFreeName(name, taken, NAME_MAX_LENGTH);
      plan.adds.push({ ...entry, fields: { ...entry.fields, name: to } });
      report.renamed.push({ from: name, to });
      taken.add(nameKey(to));
      fromFile.add(nameKey(to));
    } else if (policy === 'skip') {
      report.skipped.push({ name, reason: stored.has(key) ? SKIP_REASONS.exists : SKIP_REASONS.earlierInFile });
    } else {
      const target = stored.get(key);
      if (fromFile.has(key) || !target) report.skipped.push({ name, reason: SKIP_REASONS.earlierInFile });
      else if (target.builtIn) report.skipped.push({ name, reason: SKIP_REASONS.builtIn });
      else {
        plan.replacements.push({ ...entry, id: target.id });
        report.replaced.push(name);
      }
    }
    taken.add(key);
    fromFile.add(key);
  }
  return plan;
}

/** "Imported 3, renamed 1, replaced 0, skipped 2." */
export function summariseImport(report: ImportReport): string {
  if (report.errors.length > 0) return `Nothing was imported: the file has ${report.errors.length === 1 ? 'a problem' : `${report.errors.length} problems`}.`;
  const parts = [`imported ${report.imported.length}`, `renamed ${report.renamed.length}`, `replaced ${report.replaced.length}`, `skipped ${report.skipped.length}`];
  const text = parts.join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
