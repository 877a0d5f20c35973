import 'fake-indexeddb/auto'; // first: Dexie reads the IndexedDB globals when it loads
import { describe, expect, it, vi } from 'vitest';
import {
  BUILT_IN_EXTRACTION_TEMPLATES,
  BUILT_IN_TIMESTAMP,
  BUILT_IN_TRAINING_TEMPLATES,
  SKIP_REASONS,
  TemplateValidationError,
  type ExtractionTemplateFields,
  type TrainingTemplateFields,
} from '../../../src/domain/templates';
import { RecordNotFoundError } from '../../../src/store/errors';
import { BuiltInTemplateError, ensureBuiltInTemplates, extractionTemplates, NothingToExportError, trainingTemplates } from '../../../src/services/templates';
import { useFreshDatabase } from '../store/test-db';

const mine: TrainingTemplateFields = {
  name: 'My TopK',
  description: 'for layer 3',
  config: { architecture: 'topk', d_in: 64, d_sae: 512, k: 16, total_steps: 1000 },
  batchSize: 128,
};
const quick: ExtractionTemplateFields = { name: 'Tiny', description: '', maxTokens: 500, batchSize: 4, topK: 5, contextPrefix: 2, contextSuffix: 1, quantileExamples: 0 };
const toyTopk = BUILT_IN_TRAINING_TEMPLATES[0]!;

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

const page = { page: 0, pageSize: 100 };

describe('template services', () => {
  const database = useFreshDatabase();

  describe('built-in seeding', () => {
    it('writes every built-in with its stable id, read-only, once', async () => {
      await ensureBuiltInTemplates();
      const stored = await database().trainingTemplates.toArray();
      expect(stored.map((t) => t.id).sort()).toEqual(BUILT_IN_TRAINING_TEMPLATES.map((b) => b.id).sort());
      expect(stored.every((t) => t.builtIn && t.createdAt === BUILT_IN_TIMESTAMP)).toBe(true);
      expect(await database().extractionTemplates.count()).toBe(BUILT_IN_EXTRACTION_TEMPLATES.length);
      expect(await trainingTemplates.require(toyTopk.id)).toMatchObject({ ...toyTopk.fields, builtIn: true, favourite: 0 });

      const puts = vi.spyOn(database().trainingTemplates, 'bulkPut');
      await trainingTemplates.seedBuiltIns();
      expect(puts).not.toHaveBeenCalled();
    });

    it('restores an outdated built-in but keeps the user’s favourite, and removes retired ones', async () => {
      await ensureBuiltInTemplates();
      await trainingTemplates.setFavourite(toyTopk.id, true);
      await database().trainingTemplates.update(toyTopk.id, { description: 'old text' });
      await database().trainingTemplates.add({ ...mine, name: 'Retired', id: 'builtin-training-retired', builtIn: true, favourite: 0, createdAt: 1, updatedAt: 1 });
      await trainingTemplates.seedBuiltIns();
      expect(await trainingTemplates.require(toyTopk.id)).toMatchObject({ description: toyTopk.fields.description, favourite: 1 });
      expect(await trainingTemplates.get('builtin-training-retired')).toBeUndefined();
    });
  });

  describe('listing', () => {
    it('searches, filters by architecture, favourite and built-in, sorts and pages', async () => {
      await ensureBuiltInTemplates();
      const own = await trainingTemplates.create(mine);
      await trainingTemplates.toggleFavourite(own.id);

      const all = await trainingTemplates.list({ ...page, sort: { field: 'name', dir: 'asc' } });
      expect(all.total).toBe(BUILT_IN_TRAINING_TEMPLATES.length + 1);
      expect(all.rows.map((r) => r.name)).toEqual([...all.rows.map((r) => r.name)].sort((a, b) => a.localeCompare(b)));

      const jump = await trainingTemplates.list({ ...page, search: 'jumprelu' });
      expect(jump.rows.map((r) => r.architecture)).toEqual(['jumprelu', 'jumprelu']);
      expect((await trainingTemplates.list({ ...page, search: 'layer 3' })).rows.map((r) => r.name)).toEqual(['My TopK']);

      const topk = await trainingTemplates.list({ ...page, filters: { architecture: 'topk' } });
      expect(topk.total).toBe(3);
      expect((await trainingTemplates.list({ ...page, filters: { favourite: 1 } })).rows.map((r) => r.name)).toEqual(['My TopK']);
      expect((await trainingTemplates.list({ ...page, filters: { builtIn: false } })).total).toBe(1);
      expect((await trainingTemplates.list({ ...page, filters: { builtIn: true, architecture: 'relu' } })).total).toBe(2);

      const bySize = await trainingTemplates.list({ page: 0, pageSize: 3, sort: { field: 'dSae', dir: 'desc' } });
      expect(bySize.total).toBe(8);
      expect(bySize.rows.map((r) => r.dSae)).toEqual([16384, 16384, 16384]);
      const last = await trainingTemplates.list({ page: 2, pageSize: 3, sort: { field: 'dSae', dir: 'desc' } });
      expect(last.rows.map((r) => r.dSae)).toEqual([96, 96]);
    });

    it('derives d_sae from an expansion factor', async () => {
      const t = await trainingTemplates.create({ ...mine, config: { architecture: 'relu', d_in: 768, total_steps: 10 }, expansionFactor: 8 });
      const { rows } = await trainingTemplates.list({ ...page, filters: { id: t.id } });
      expect(rows[0]).toMatchObject({ architecture: 'relu', dSae: 6144, totalSteps: 10, lr: undefined });
    });
  });

  describe('create, edit, duplicate, delete, favourite', () => {
    it('creates a validated template of the user’s own', async () => {
      const t = await trainingTemplates.create({ ...mine, name: ' My TopK ' });
      expect(t).toMatchObject({ ...mine, builtIn: false, favourite: 0 });
      expect(await trainingTemplates.require(t.id)).toEqual(t);
    });

    it('refuses invalid fields and a taken name, naming the field', async () => {
      const invalid = await caught(trainingTemplates.create({ ...mine, batchSize: 0 }));
      expect(invalid).toBeInstanceOf(TemplateValidationError);
      expect((invalid as TemplateValidationError).problems).toEqual([{ field: 'batchSize', message: 'must be an integer ≥ 1 and ≤ 1048576 (got 0)' }]);
      await trainingTemplates.create(mine);
      const taken = await caught(trainingTemplates.create({ ...mine, name: 'MY TOPK' }));
      expect((taken as TemplateValidationError).problems).toEqual([{ field: 'name', message: 'another training template is already called “My TopK”; choose another name' }]);
      expect(await database().trainingTemplates.count()).toBe(1);
    });

    it('edits a user template, replacing its fields (left-out optional fields go)', async () => {
      const t = await trainingTemplates.create({ ...mine, config: { architecture: 'topk', d_in: 64, total_steps: 10 }, expansionFactor: 4 });
      const edited = await trainingTemplates.update(t.id, { ...mine, name: 'My TopK', description: 'changed' });
      expect(edited).toMatchObject({ id: t.id, createdAt: t.createdAt, description: 'changed', config: mine.config });
      expect(edited.expansionFactor).toBeUndefined();
      expect(edited.updatedAt).toBeGreaterThan(t.updatedAt);
      const other = await trainingTemplates.create({ ...mine, name: 'Other' });
      expect(await caught(trainingTemplates.update(other.id, mine))).toBeInstanceOf(TemplateValidationError);
    });

    it('refuses to edit or delete a built-in, saying to duplicate it', async () => {
      await ensureBuiltInTemplates();
      const edit = await caught(trainingTemplates.update(toyTopk.id, { ...toyTopk.fields, batchSize: 64 }));
      expect(edit).toBeInstanceOf(BuiltInTemplateError);
      expect((edit as Error).message).toBe('“Toy superposition — TopK” is a built-in template and cannot be edited. Duplicate it to make a copy of your own that you can change.');
      const del = await caught(trainingTemplates.remove(toyTopk.id));
      expect((del as Error).message).toMatch(/cannot be deleted/);
      expect(await trainingTemplates.require(toyTopk.id)).toMatchObject({ batchSize: 256 });
      expect(await caught(extractionTemplates.remove(BUILT_IN_EXTRACTION_TEMPLATES[0]!.id))).toBeInstanceOf(BuiltInTemplateError);
    });

    it('duplicates a built-in as "Name (2)", then "Name (3)", as the user’s own', async () => {
      await ensureBuiltInTemplates();
      await trainingTemplates.setFavourite(toyTopk.id, true);
      const copy = await trainingTemplates.duplicate(toyTopk.id);
      expect(copy).toMatchObject({ ...toyTopk.fields, name: 'Toy superposition — TopK (2)', builtIn: false, favourite: 0 });
      expect(copy.id).not.toBe(toyTopk.id);
      expect((await trainingTemplates.duplicate(copy.id)).name).toBe('Toy superposition — TopK (3)');
      const edited = await trainingTemplates.update(copy.id, { ...toyTopk.fields, name: copy.name, batchSize: 64 });
      expect(edited.batchSize).toBe(64);
    });

    it('deletes a user template; a missing one is a RecordNotFoundError', async () => {
      const t = await trainingTemplates.create(mine);
      await trainingTemplates.remove(t.id);
      expect(await trainingTemplates.get(t.id)).toBeUndefined();
      expect(await caught(trainingTemplates.remove(t.id))).toBeInstanceOf(RecordNotFoundError);
    });

    it('toggles the favourite, on built-ins too', async () => {
      await ensureBuiltInTemplates();
      expect((await trainingTemplates.toggleFavourite(toyTopk.id)).favourite).toBe(1);
      expect((await trainingTemplates.toggleFavourite(toyTopk.id)).favourite).toBe(0);
    });
  });

  describe('export and import', () => {
    it('exports all or the selected templates as one file', async () => {
      await ensureBuiltInTemplates();
      const t = await trainingTemplates.create(mine);
      const now = new Date('2025-06-07T08:00:00Z');
      const all = await trainingTemplates.exportTemplates(undefined, now);
      expect(all.count).toBe(BUILT_IN_TRAINING_TEMPLATES.length + 1);
      expect(all.filename).toBe('mistudio-training-templates-2025-06-07.json');
      const doc = JSON.parse(all.text) as { version: number; kind: string; exported_at: string; templates: { name: string }[] };
      expect(doc).toMatchObject({ version: 1, kind: 'training-templates', exported_at: '2025-06-07T08:00:00.000Z' });
      expect(doc.templates.map((x) => x.name)).toContain('My TopK');
      const selected = JSON.parse((await trainingTemplates.exportTemplates([t.id])).text) as typeof doc;
      expect(selected.templates).toEqual([{ ...mine, favourite: false }]);
      expect(await caught(trainingTemplates.exportTemplates([]))).toBeInstanceOf(NothingToExportError);
    });

    it('round-trips: export, delete, import; then skip, rename and replace on the next imports', async () => {
      await ensureBuiltInTemplates();
      const a = await trainingTemplates.create(mine);
      await trainingTemplates.toggleFavourite(a.id);
      await trainingTemplates.create({ ...mine, name: 'Second', batchSize: 7 });
      const file = (await trainingTemplates.exportTemplates()).text;
      const builtInNames = BUILT_IN_TRAINING_TEMPLATES.map((b) => b.fields.name).sort();

      for (const r of (await trainingTemplates.list({ ...page, filters: { builtIn: false } })).rows) await trainingTemplates.remove(r.id);
      const first = await trainingTemplates.importTemplates(file, 'skip');
      expect(first.imported.sort()).toEqual(['My TopK', 'Second']);
      expect(first.skipped.map((s) => s.name).sort()).toEqual(builtInNames);
      expect(first.errors).toEqual([]);
      const back = await trainingTemplates.list({ ...page, filters: { builtIn: false }, sort: { field: 'name', dir: 'asc' } });
      expect(back.rows.map((r) => [r.name, r.favourite, r.batchSize])).toEqual([
        ['My TopK', 1, 128],
        ['Second', 0, 7],
      ]);

      const skipped = await trainingTemplates.importTemplates(file, 'skip');
      expect(skipped.imported).toEqual([]);
      expect(skipped.skipped).toHaveLength(file.match(/"name"/g)!.length);
      expect(skipped.skipped.find((s) => s.name === 'Second')!.reason).toBe(SKIP_REASONS.exists);

      const renamed = await trainingTemplates.importTemplates(file, 'rename');
      expect(renamed.renamed.find((r) => r.from === 'My TopK')).toEqual({ from: 'My TopK', to: 'My TopK (2)' });
      expect(renamed.renamed).toHaveLength(builtInNames.length + 2);
      expect(await trainingTemplates.get(BUILT_IN_TRAINING_TEMPLATES[0]!.id)).toMatchObject({ builtIn: true });
      const copyOfBuiltIn = (await trainingTemplates.list({ ...page, search: 'Toy superposition — TopK (2)' })).rows[0]!;
      expect(copyOfBuiltIn.builtIn).toBe(false);

      await trainingTemplates.update(back.rows[1]!.id, { ...mine, name: 'Second', batchSize: 99 });
      const replacedReport = await trainingTemplates.importTemplates(file, 'replace');
      expect(replacedReport.replaced.sort()).toEqual(['My TopK', 'Second']);
      expect(replacedReport.skipped.every((s) => s.reason === SKIP_REASONS.builtIn)).toBe(true);
      const second = await trainingTemplates.require(back.rows[1]!.id);
      expect(second.batchSize).toBe(7);
    });

    it('imports nothing from a bad file and says why', async () => {
      await ensureBuiltInTemplates();
      await trainingTemplates.create(mine);
      const before = await database().trainingTemplates.toArray();

      const notJson = await trainingTemplates.importTemplates('{"version":1,', 'skip');
      expect(notJson.errors[0]!.message).toMatch(/not valid JSON/);
      expect(notJson.imported).toEqual([]);

      const doc = {
        version: 1,
        kind: 'training-templates',
        exported_at: '2025-01-01T00:00:00Z',
        templates: [
          { ...mine, name: 'Fine' },
          { ...mine, name: 'Broken', config: { ...mine.config, lr: -1 } },
        ],
      };
      const invalid = await trainingTemplates.importTemplates(JSON.stringify(doc), 'rename');
      expect(invalid.errors).toEqual([{ entry: 2, name: 'Broken', field: 'config.lr', message: 'must be a number > 0 and ≤ 1 (got -1)' }]);
      expect(invalid.imported).toEqual([]);

      const wrongKind = await extractionTemplates.importTemplates(JSON.stringify(doc), 'skip');
      expect(wrongKind.errors[0]!.message).toMatch(/import it on the Training tab/);
      expect(await database().trainingTemplates.toArray()).toEqual(before);
    });

    it('applies an import in one transaction: a failed write leaves nothing half-imported', async () => {
      const a = await trainingTemplates.create(mine);
      const file = JSON.stringify({
        version: 1,
        kind: 'training-templates',
        exported_at: '2025-01-01T00:00:00Z',
        templates: [
          { ...mine, name: 'New one' },
          { ...mine, batchSize: 3 },
        ],
      });
      const table = database().trainingTemplates;
      vi.spyOn(table, 'bulkPut').mockRejectedValueOnce(new Error('disk said no'));
      await expect(trainingTemplates.importTemplates(file, 'replace')).rejects.toThrow('disk said no');
      expect((await table.toArray()).map((t) => t.name)).toEqual(['My TopK']);
      expect((await trainingTemplates.require(a.id)).batchSize).toBe(128);
    });

    it('does the same for extraction templates', async () => {
      await ensureBuiltInTemplates();
      const t = await extractionTemplates.create({ ...quick, tokenFilters: { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: ['\n'] } });
      const file = (await extractionTemplates.exportTemplates([t.id])).text;
      expect(JSON.parse(file)).toMatchObject({ kind: 'extraction-templates' });
      await extractionTemplates.remove(t.id);
      expect((await extractionTemplates.importTemplates(file, 'skip')).imported).toEqual(['Tiny']);
      const again = await extractionTemplates.importTemplates(file, 'rename');
      expect(again.renamed).toEqual([{ from: 'Tiny', to: 'Tiny (2)' }]);
      const listed = await extractionTemplates.list({ ...page, search: 'tiny', sort: { field: 'name', dir: 'desc' } });
      expect(listed.rows.map((r) => [r.name, r.tokenFilters?.skipTokens])).toEqual([
        ['Tiny (2)', ['\n']],
        ['Tiny', ['\n']],
      ]);
      expect((await extractionTemplates.list({ ...page, filters: { builtIn: true } })).rows.map((r) => r.name).sort()).toEqual(['Quick look', 'Thorough']);
    });
  });
});
