// Templates page, end to end in the built app: built-ins, the create/edit form, search, filters, sort,
// paging, favourites, duplicate, delete, export to a file and import it (into a fresh browser profile),
// the duplicate policies, and files that must import nothing.
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const TRAINING_BUILT_INS = 7;

const rows = (page: Page) => page.getByTestId('template-row');
const row = (page: Page, name: string) => page.locator(`[data-testid="template-row"][data-name="${name}"]`);
const names = (page: Page) => page.getByTestId('row-name').allTextContents();

async function openTemplates(page: Page, url = '/templates'): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1, name: 'Templates' })).toBeVisible();
  await expect(rows(page).first()).toBeVisible();
}

async function fill(dialog: Locator, path: string, value: string): Promise<void> {
  await dialog.getByTestId(`field-${path}`).fill(value);
}

/** Creates a training template through the form with the default values and the given changes. */
async function createTraining(page: Page, name: string, changes: Record<string, string> = {}): Promise<void> {
  await page.getByTestId('new-template').click();
  const dialog = page.getByTestId('template-dialog');
  await fill(dialog, 'name', name);
  for (const [path, value] of Object.entries(changes)) await fill(dialog, path, value);
  await dialog.getByTestId('form-submit').click();
  await expect(dialog).toBeHidden();
  await expect(row(page, name)).toBeVisible();
}

async function importFile(page: Page, file: { name: string; buffer: Buffer }, policy: 'skip' | 'rename' | 'replace'): Promise<Locator> {
  await page.getByTestId('import-open').click();
  const dialog = page.getByTestId('import-dialog');
  await dialog.getByTestId('import-file').setInputFiles({ ...file, mimeType: 'application/json' });
  await dialog.getByTestId(`import-policy-${policy}`).check();
  await dialog.getByTestId('import-submit').click();
  await expect(dialog.getByTestId('import-report')).toBeVisible();
  return dialog;
}

async function closeImport(page: Page): Promise<void> {
  await page.getByTestId('import-dialog').getByTestId('import-close').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();
}

test('built-in templates are listed, read-only, and can be duplicated; the list pages', async ({ page }) => {
  await openTemplates(page);
  await expect(rows(page)).toHaveCount(TRAINING_BUILT_INS);
  const toy = row(page, 'Toy superposition — TopK');
  await expect(toy.getByTestId('builtin-badge')).toBeVisible();
  await expect(toy).toContainText('k = 3');
  await expect(toy.getByTestId('row-edit')).toBeDisabled();
  await expect(toy.getByTestId('row-delete')).toBeDisabled();
  await expect(row(page, 'GPT-2 small residual — TopK 16k')).toContainText('16,384');

  // duplicates are the user's own, numbered, and editable
  await toy.getByTestId('row-duplicate').click();
  await expect(page.getByTestId('templates-notice')).toHaveText('Duplicated as “Toy superposition — TopK (2)”.');
  const copy = row(page, 'Toy superposition — TopK (2)');
  await expect(copy.getByTestId('builtin-badge')).toHaveCount(0);
  await expect(copy.getByTestId('row-edit')).toBeEnabled();
  await toy.getByTestId('row-duplicate').click();
  await row(page, 'Toy superposition — ReLU').getByTestId('row-duplicate').click();
  await row(page, 'Toy superposition — JumpReLU').getByTestId('row-duplicate').click();
  await expect(page.getByTestId('pager-status')).toHaveText('1–10 of 11');
  await page.getByTestId('pager-next').click();
  await expect(page.getByTestId('pager-status')).toHaveText('11–11 of 11');
  await expect(rows(page)).toHaveCount(1);
  await page.getByTestId('pager-size').selectOption('25');
  await expect(rows(page)).toHaveCount(11);
  await page.getByTestId('filter-origin').selectOption('mine');
  await expect(rows(page)).toHaveCount(4);

  await page.getByTestId('tab-extraction').click();
  await expect(page).toHaveURL(/\/templates\?tab=extraction$/);
  await expect(page.getByTestId('row-name')).toHaveText(['Quick look', 'Thorough']);
  await expect(row(page, 'Quick look').getByTestId('row-delete')).toBeDisabled();
  await expect(row(page, 'Quick look').getByTestId('row-use')).toHaveCount(0);
});

test('create with validation, search, filter, sort, favourite, edit, delete and use a training template', async ({ page }) => {
  await openTemplates(page);
  await page.getByTestId('new-template').click();
  const dialog = page.getByTestId('template-dialog');
  await expect(dialog.getByText('Latents kept active per sample')).toBeVisible();
  // d_in 768 × 16 = 12,288 latents: k = 20000 is too many, and the name is missing
  await fill(dialog, 'config.k', '20000');
  await dialog.getByTestId('form-submit').click();
  await expect(dialog.getByTestId('error-name')).toHaveText('must not be empty');
  await expect(dialog.getByTestId('error-config.k')).toHaveText('must be an integer in [1, d_sae=12288]');
  await expect(dialog.getByTestId('form-problems')).toContainText('2 fields');
  // the sparsity fields follow the architecture
  await dialog.getByTestId('field-config.architecture').selectOption('relu');
  await expect(dialog.getByTestId('field-config.k')).toHaveCount(0);
  await expect(dialog.getByTestId('field-config.l1_coefficient')).toBeVisible();
  await dialog.getByTestId('field-config.architecture').selectOption('topk');
  await fill(dialog, 'name', 'Layer 6 TopK');
  await fill(dialog, 'description', 'My layer-6 run on GPT-2 small');
  await fill(dialog, 'config.k', '48');
  await dialog.getByTestId('form-submit').click();
  await expect(dialog).toBeHidden();
  const mine = row(page, 'Layer 6 TopK');
  await expect(mine).toContainText('k = 48');
  await expect(mine).toContainText('12,288');
  await expect(rows(page)).toHaveCount(TRAINING_BUILT_INS + 1);

  // search (name, description, architecture) and filters
  const search = page.getByTestId('template-search');
  await search.fill('LAYER-6 run');
  await expect(page.getByTestId('row-name')).toHaveText(['Layer 6 TopK']);
  await search.fill('jumprelu');
  await expect(rows(page)).toHaveCount(2);
  await search.fill('');
  await page.getByTestId('filter-architecture').selectOption('relu');
  await expect(page.getByTestId('row-name')).toHaveText(['GPT-2 small residual — ReLU 16k', 'Toy superposition — ReLU']);
  await page.getByTestId('filter-architecture').selectOption('');

  // sort by d_sae, both ways
  await page.getByTestId('sort-dsae').click();
  await expect(rows(page).first()).toContainText('96');
  await page.getByTestId('sort-dsae').click();
  await expect(rows(page).first()).toContainText('16,384');
  await page.getByTestId('sort-name').click();
  await expect(page.getByTestId('templates-table').locator('th[aria-sort]')).toHaveText(/Name/);
  await expect.poll(async () => {
    const shown = await names(page);
    return shown.length === TRAINING_BUILT_INS + 1 && shown.every((n, i) => i === 0 || shown[i - 1]!.localeCompare(n) <= 0);
  }).toBe(true);

  // favourite
  await mine.getByTestId('row-favourite').click();
  await expect(mine.getByTestId('row-favourite')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('filter-favourite').check();
  await expect(page.getByTestId('row-name')).toHaveText(['Layer 6 TopK']);
  await page.getByTestId('filter-favourite').uncheck();

  // edit: the form shows the saved values; a taken name is refused
  await mine.getByTestId('row-edit').click();
  await expect(dialog.getByTestId('field-name')).toHaveValue('Layer 6 TopK');
  await expect(dialog.getByTestId('field-config.k')).toHaveValue('48');
  await fill(dialog, 'name', 'toy superposition — topk');
  await dialog.getByTestId('form-submit').click();
  await expect(dialog.getByTestId('error-name')).toHaveText('another training template is already called “Toy superposition — TopK”; choose another name');
  await fill(dialog, 'name', 'Layer 6 TopK');
  await fill(dialog, 'batchSize', '2048');
  await dialog.getByTestId('form-submit').click();
  await expect(dialog).toBeHidden();
  await expect(mine).toContainText('2,048');

  // use: opens the training form with this template
  const id = await mine.getAttribute('data-template-id');
  await mine.getByTestId('row-use').click();
  await expect(page).toHaveURL(new RegExp(`/training/new\\?template=${id}$`));
  await page.goBack();
  await expect(mine).toBeVisible();

  // delete, after confirming
  await mine.getByTestId('row-delete').click();
  await expect(page.getByTestId('delete-dialog')).toContainText('Delete “Layer 6 TopK”?');
  await page.getByTestId('cancel-delete').click();
  await expect(mine).toBeVisible();
  await mine.getByTestId('row-delete').click();
  await page.getByTestId('confirm-delete').click();
  await expect(mine).toHaveCount(0);
  await expect(rows(page)).toHaveCount(TRAINING_BUILT_INS);
});

test('export all, import into a fresh browser profile, then again with skip and rename', async ({ page, browser, baseURL }) => {
  await openTemplates(page);
  await createTraining(page, 'Mine');
  await row(page, 'Mine').getByTestId('row-favourite').click();
  await expect(row(page, 'Mine').getByTestId('row-favourite')).toHaveAttribute('aria-pressed', 'true');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-all').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^mistudio-training-templates-\d{4}-\d\d-\d\d\.json$/);
  const text = await readFile(await download.path(), 'utf8');
  const doc = JSON.parse(text) as { version: number; kind: string; templates: { name: string; favourite: boolean }[] };
  expect(doc.version).toBe(1);
  expect(doc.kind).toBe('training-templates');
  expect(doc.templates).toHaveLength(TRAINING_BUILT_INS + 1);
  expect(doc.templates.find((t) => t.name === 'Mine')!.favourite).toBe(true);
  const file = { name: download.suggestedFilename(), buffer: Buffer.from(text) };

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const errors: string[] = [];
  other.on('pageerror', (err) => errors.push(err.message));
  try {
    await openTemplates(other, `${baseURL}/templates`);
    await expect(row(other, 'Mine')).toHaveCount(0);
    let report = await importFile(other, file, 'skip');
    await expect(report.getByTestId('import-summary')).toHaveText(`Imported 1, renamed 0, replaced 0, skipped ${TRAINING_BUILT_INS}.`);
    await expect(report.getByTestId('import-skipped')).toContainText('Skipped “Toy superposition — TopK”: a template with this name already exists');
    await closeImport(other);
    await expect(row(other, 'Mine').getByTestId('row-favourite')).toHaveAttribute('aria-pressed', 'true');

    report = await importFile(other, file, 'skip');
    await expect(report.getByTestId('import-summary')).toHaveText(`Imported 0, renamed 0, replaced 0, skipped ${TRAINING_BUILT_INS + 1}.`);
    await closeImport(other);

    report = await importFile(other, file, 'rename');
    await expect(report.getByTestId('import-summary')).toHaveText(`Imported 0, renamed ${TRAINING_BUILT_INS + 1}, replaced 0, skipped 0.`);
    await expect(report.getByTestId('import-renamed')).toContainText('“Mine” imported as “Mine (2)”');
    await closeImport(other);
    await other.getByTestId('pager-size').selectOption('50');
    await expect(rows(other)).toHaveCount(2 * (TRAINING_BUILT_INS + 1));
    await expect(row(other, 'Mine (2)')).toBeVisible();
    await expect(row(other, 'Toy superposition — TopK (2)').getByTestId('builtin-badge')).toHaveCount(0);
  } finally {
    await fresh.close();
  }
  expect(errors).toEqual([]);
});

test('a bad file imports nothing and says why', async ({ page }) => {
  await openTemplates(page);
  await createTraining(page, 'Keep me');
  const before = (await names(page)).sort();

  let report = await importFile(page, { name: 'broken.json', buffer: Buffer.from('{"version": 1, "kind": "training-templates", "templates": [') }, 'skip');
  await expect(report.getByTestId('import-summary')).toHaveText('Nothing was imported: the file has a problem.');
  await expect(report.getByTestId('import-errors')).toContainText('The file is not valid JSON');
  await closeImport(page);

  const entry = { name: 'Fine', config: { architecture: 'topk', total_steps: 100 }, batchSize: 32 };
  const invalid = {
    version: 1,
    kind: 'training-templates',
    exported_at: '2025-01-01T00:00:00Z',
    templates: [entry, { ...entry, name: 'Broken', config: { ...entry.config, lr: -1 } }, { ...entry, name: 'Odd', batchSize: 'big' }],
  };
  report = await importFile(page, { name: 'invalid.json', buffer: Buffer.from(JSON.stringify(invalid)) }, 'rename');
  await expect(report.getByTestId('import-summary')).toHaveText('Nothing was imported: the file has 2 problems.');
  await expect(report.getByTestId('import-errors')).toContainText('entry 2 ("Broken"), config.lr: must be a number > 0 and ≤ 1 (got -1)');
  await expect(report.getByTestId('import-errors')).toContainText('entry 3 ("Odd"), batchSize: must be a number (got "big")');
  await closeImport(page);

  report = await importFile(page, { name: 'extraction.json', buffer: Buffer.from(JSON.stringify({ ...invalid, kind: 'extraction-templates' })) }, 'skip');
  await expect(report.getByTestId('import-errors')).toContainText('import it on the Extraction tab');
  await closeImport(page);

  expect((await names(page)).sort()).toEqual(before);
});

test('extraction templates: create with token filters, validation, export selected', async ({ page }) => {
  await openTemplates(page, '/templates?tab=extraction');
  await page.getByTestId('new-template').click();
  const dialog = page.getByTestId('template-dialog');
  await fill(dialog, 'name', 'Punctuation-free');
  await fill(dialog, 'maxTokens', '50');
  await fill(dialog, 'topK', '60');
  await dialog.getByTestId('form-submit').click();
  await expect(dialog.getByTestId('error-topK')).toHaveText('cannot exceed the token budget maxTokens (50)');
  await fill(dialog, 'maxTokens', '50000');
  await dialog.getByTestId('field-tokenFilters.skipPunctuation').check();
  await fill(dialog, 'tokenFilters.skipTokens', ' the\n\\n');
  await dialog.getByTestId('form-submit').click();
  await expect(dialog).toBeHidden();
  const mine = row(page, 'Punctuation-free');
  await expect(mine).toContainText('special, punctuation, 2 tokens');

  await mine.getByTestId('row-edit').click();
  await expect(dialog.getByTestId('field-tokenFilters.skipTokens')).toHaveValue(' the\n\\n');
  await dialog.getByTestId('form-cancel').click();

  await mine.getByTestId('row-select').check();
  await row(page, 'Thorough').getByTestId('row-select').check();
  await expect(page.getByTestId('export-selected')).toHaveText('Export selected (2)');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-selected').click();
  const doc = JSON.parse(await readFile(await (await downloading).path(), 'utf8')) as { kind: string; templates: { name: string; tokenFilters: { skipTokens: string[] } }[] };
  expect(doc.kind).toBe('extraction-templates');
  expect(doc.templates.map((t) => t.name)).toEqual(['Punctuation-free', 'Thorough']);
  expect(doc.templates[0]!.tokenFilters.skipTokens).toEqual([' the', '\n']);
});
