import { describe, expect, it } from 'vitest';
import {
  baseName,
  nameKey,
  nextFreeName,
  planImport,
  SKIP_REASONS,
  summariseImport,
  type ExistingTemplate,
  type ImportEntry,
  type ParsedTemplateDocument,
} from '../../../src/domain/templates';

interface Fields {
  name: string;
  n: number;
}

const file = (...names: string[]): ParsedTemplateDocument<Fields> => ({ ok: true, entries: names.map((name, n) => ({ fields: { name, n } })) });
const existing: ExistingTemplate[] = [
  { id: 'u1', name: 'Mine', builtIn: false },
  { id: 'u2', name: 'Mine (2)', builtIn: false },
  { id: 'b1', name: 'Quick look', builtIn: true },
];

describe('duplicate names', () => {
  it('compares names without case or surrounding spaces', () => {
    expect(nameKey('  GPT-2 TopK ')).toBe(nameKey('gpt-2 topk'));
  });

  it('numbers copies from 2, continuing an existing number', () => {
    expect(nextFreeName('A', new Set(['a']))).toBe('A (2)');
    expect(nextFreeName('A', new Set(['a', 'a (2)']))).toBe('A (3)');
    expect(nextFreeName('A (2)', new Set(['a', 'a (2)']))).toBe('A (3)');
    expect(baseName('Run (12)')).toBe('Run');
    expect(baseName('(2)')).toBe('(2)');
  });

  it('shortens the base to keep within a maximum length', () => {
    const name = nextFreeName('x'.repeat(20), new Set([]), 10);
    expect(name).toBe('xxxxxx (2)');
    expect(name.length).toBe(10);
  });
});

describe('import planning', () => {
  it('adds templates whose names are free', () => {
    const plan = planImport(existing, file('New', 'Other'), 'skip');
    expect(plan.adds.map((e) => e.fields.name)).toEqual(['New', 'Other']);
    expect(plan.report).toEqual({ imported: ['New', 'Other'], skipped: [], renamed: [], replaced: [], errors: [] });
  });

  it('skip: leaves clashing templates out, saying why', () => {
    const plan = planImport(existing, file('mine', 'New', 'new'), 'skip');
    expect(plan.adds.map((e) => e.fields.name)).toEqual(['New']);
    expect(plan.report.skipped).toEqual([
      { name: 'mine', reason: SKIP_REASONS.exists },
      { name: 'new', reason: SKIP_REASONS.earlierInFile },
    ]);
    expect(summariseImport(plan.report)).toBe('Imported 1, renamed 0, replaced 0, skipped 2.');
  });

  it('rename: numbers clashing templates past every taken name, including earlier renames', () => {
    const plan = planImport(existing, file('Mine', 'Mine', 'Quick look', 'Mine (3)'), 'rename');
    expect(plan.adds.map((e) => e.fields.name)).toEqual(['Mine (3)', 'Mine (4)', 'Quick look (2)', 'Mine (5)']);
    expect(plan.report.renamed).toEqual([
      { from: 'Mine', to: 'Mine (3)' },
      { from: 'Mine', to: 'Mine (4)' },
      { from: 'Quick look', to: 'Quick look (2)' },
      { from: 'Mine (3)', to: 'Mine (5)' },
    ]);
    expect(plan.adds.map((e) => e.fields.n)).toEqual([0, 1, 2, 3]);
  });

  it('replace: overwrites the user’s templates by id but never a built-in', () => {
    const entries: ImportEntry<Fields>[] = [{ fields: { name: 'MINE', n: 7 }, favourite: 1 }, { fields: { name: 'Quick look', n: 8 } }, { fields: { name: 'Mine', n: 9 } }];
    const plan = planImport(existing, { ok: true, entries }, 'replace');
    expect(plan.replacements).toEqual([{ fields: { name: 'MINE', n: 7 }, favourite: 1, id: 'u1' }]);
    expect(plan.adds).toEqual([]);
    expect(plan.report.replaced).toEqual(['MINE']);
    expect(plan.report.skipped).toEqual([
      { name: 'Quick look', reason: SKIP_REASONS.builtIn },
      { name: 'Mine', reason: SKIP_REASONS.earlierInFile },
    ]);
  });

  it('plans nothing for a file with errors, and reports them', () => {
    const errors = [{ entry: 2, field: 'name', message: 'must not be empty' }];
    const plan = planImport<Fields>(existing, { ok: false, errors }, 'rename');
    expect(plan.adds).toEqual([]);
    expect(plan.replacements).toEqual([]);
    expect(plan.report).toEqual({ imported: [], skipped: [], renamed: [], replaced: [], errors });
    expect(summariseImport(plan.report)).toBe('Nothing was imported: the file has a problem.');
  });
});
