// Interop end to end: import a SAELens SAE (zip and loose files), refuse broken ones with a clear message
// and nothing added, export it back as a SAELens zip and Neuronpedia-style, and carry it with a template
// to a fresh browser profile in a project bundle.
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { useLocalHub } from './flows';

const cfg = readFileSync('test/fixtures/sae-tiny/cfg.json');
const weights = readFileSync('test/fixtures/sae-tiny/sae_weights.safetensors');
const saeZip = Buffer.from(zipSync({ 'sae-tiny/cfg.json': cfg, 'sae-tiny/sae_weights.safetensors': weights }));

async function openSaeList(page: Page) {
  await page.goto('/training');
  await expect(page.getByTestId('sae-list')).toBeVisible();
}

async function importZip(page: Page, name: string, buffer: Buffer) {
  await page.getByTestId('import-sae').click();
  const dialog = page.getByTestId('import-sae-dialog');
  await dialog.getByTestId('import-sae-files').setInputFiles({ name, mimeType: 'application/zip', buffer });
  return dialog;
}

async function readDownload(download: Download): Promise<Record<string, Uint8Array>> {
  const path = await download.path();
  return unzipSync(new Uint8Array(readFileSync(path)));
}

test('import a SAELens SAE, refuse broken files, export it as SAELens and Neuronpedia zips', async ({ page }) => {
  await openSaeList(page);
  const rows = page.getByTestId('sae-row');
  await expect(rows).toHaveCount(0);

  // a file that is not a zip, then a cut-off weights file: a clear message each time, nothing added
  let dialog = await importZip(page, 'broken.zip', Buffer.from('this is not a zip file at all'));
  await expect(dialog.getByTestId('interop-error')).toContainText(/zip/i);
  await expect(dialog.getByTestId('import-sae-confirm')).toHaveCount(0);
  await dialog.getByTestId('import-sae-files').setInputFiles([
    { name: 'cfg.json', mimeType: 'application/json', buffer: cfg },
    { name: 'sae_weights.safetensors', mimeType: 'application/octet-stream', buffer: weights.subarray(0, 600) },
  ]);
  await expect(dialog.getByTestId('interop-error')).toContainText(/truncated|ends|short/i);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(rows).toHaveCount(0);

  // the fixture as a zip: checked, shown, imported
  dialog = await importZip(page, 'sae-tiny.zip', saeZip);
  const preview = dialog.getByTestId('import-sae-preview');
  await expect(preview).toContainText('d_in 32 → d_sae 32');
  await expect(preview).toContainText('blocks.0.hook_resid_post');
  await expect(dialog.getByTestId('import-sae-name')).toHaveValue('sae-tiny');
  await dialog.getByTestId('import-sae-name').fill('Tiny imported SAE');
  await dialog.getByTestId('import-sae-confirm').click();
  await expect(dialog).not.toBeVisible();
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText('Tiny imported SAE');

  // the same SAE as loose files
  await page.getByTestId('import-sae').click();
  dialog = page.getByTestId('import-sae-dialog');
  await dialog.getByTestId('import-sae-files').setInputFiles([
    { name: 'cfg.json', mimeType: 'application/json', buffer: cfg },
    { name: 'sae_weights.safetensors', mimeType: 'application/octet-stream', buffer: weights },
  ]);
  await dialog.getByTestId('import-sae-confirm').click();
  await expect(rows).toHaveCount(2);

  // the fixture folder itself, through the folder picker (webkitdirectory)
  await page.getByTestId('import-sae').click();
  dialog = page.getByTestId('import-sae-dialog');
  await dialog.getByTestId('import-sae-folder').setInputFiles('test/fixtures/sae-tiny');
  await expect(dialog.getByTestId('import-sae-name')).toHaveValue('sae-tiny');
  await dialog.getByTestId('import-sae-confirm').click();
  await expect(rows).toHaveCount(3);

  // SAELens export: a zip with one folder holding cfg.json and the weights
  const tiny = page.locator('[data-testid="sae-row"]', { hasText: 'Tiny imported SAE' });
  await tiny.getByTestId('sae-export-menu').click();
  const [saelens] = await Promise.all([page.waitForEvent('download'), tiny.getByTestId('export-saelens-zip').click()]);
  expect(saelens.suggestedFilename()).toBe('Tiny_imported_SAE.zip');
  const files = await readDownload(saelens);
  expect(Object.keys(files).sort()).toEqual(['Tiny_imported_SAE/cfg.json', 'Tiny_imported_SAE/sae_weights.safetensors']);
  const exportedCfg = JSON.parse(new TextDecoder().decode(files['Tiny_imported_SAE/cfg.json'])) as Record<string, unknown>;
  expect(exportedCfg).toMatchObject({ d_in: 32, d_sae: 32, architecture: 'standard', metadata: { hook_name: 'blocks.0.hook_resid_post' } });
  expect(files['Tiny_imported_SAE/sae_weights.safetensors']!.length).toBeGreaterThan(8000);

  // Neuronpedia export of a list of features
  await tiny.getByTestId('sae-export-menu').click();
  await tiny.getByTestId('export-neuronpedia').click();
  const np = page.getByTestId('neuronpedia-dialog');
  await np.getByTestId('np-list').check();
  await np.getByTestId('np-list-text').fill('0, 5-6');
  await np.getByTestId('np-examples').fill('5');
  const [npDownload] = await Promise.all([page.waitForEvent('download'), np.getByTestId('np-export').click()]);
  const npFiles = await readDownload(npDownload);
  expect(Object.keys(npFiles).filter((n) => n.startsWith('features/')).sort()).toEqual(['features/0.json', 'features/5.json', 'features/6.json']);
  const metadata = JSON.parse(new TextDecoder().decode(npFiles['metadata.json'])) as { hookName: string; features: { count: number; examplesPerFeature: number } };
  expect(metadata).toMatchObject({ hookName: 'blocks.0.hook_resid_post', features: { count: 3, examplesPerFeature: 5 } });
  expect(npFiles['sae/cfg.json']).toBeDefined();
});

test('a project bundle carries an SAE and a template to a fresh browser profile', async ({ page, browser }) => {
  await openSaeList(page);
  const dialog = await importZip(page, 'sae-tiny.zip', saeZip);
  await dialog.getByTestId('import-sae-name').fill('Bundled SAE');
  await dialog.getByTestId('import-sae-confirm').click();
  await expect(page.getByTestId('sae-row')).toHaveCount(1);

  await page.goto('/system');
  await page.getByTestId('bundle-export-open').click();
  const exportDialog = page.getByTestId('bundle-export-dialog');
  await exportDialog.getByTestId('bundle-saes').getByRole('checkbox', { name: 'Bundled SAE' }).check();
  await exportDialog.getByTestId('bundle-training-templates').getByRole('checkbox').first().check();
  const [download] = await Promise.all([page.waitForEvent('download'), exportDialog.getByTestId('bundle-export').click()]);
  const bundlePath = await download.path();
  const entries = unzipSync(new Uint8Array(readFileSync(bundlePath)));
  expect(Object.keys(entries)).toContain('bundle.json');

  // a new context has its own IndexedDB and OPFS: a fresh studio
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const errors: string[] = [];
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto('/training');
  await expect(other.getByTestId('sae-list')).toBeVisible();
  await expect(other.getByTestId('sae-row')).toHaveCount(0);
  await other.goto('/system');
  await other.getByTestId('bundle-import-open').click();
  const importDialog = other.getByTestId('bundle-import-dialog');
  await importDialog.getByTestId('bundle-import-file').setInputFiles(bundlePath);
  await expect(importDialog.getByTestId('bundle-import-plan')).toContainText('1 templates, 1 SAEs');
  await importDialog.getByTestId('bundle-import').click();
  await expect(importDialog.getByTestId('bundle-import-done')).toContainText('1 templates, 1 SAEs');

  await other.goto('/training');
  await expect(other.getByTestId('sae-row')).toHaveCount(1);
  await expect(other.getByTestId('sae-row').first()).toContainText('Bundled SAE');
  // the weights came along: the SAE exports again
  const row = other.getByTestId('sae-row').first();
  await row.getByTestId('sae-export-menu').click();
  const [again] = await Promise.all([other.waitForEvent('download'), row.getByTestId('export-saelens-zip').click()]);
  expect(Object.keys(await readDownload(again))).toContain('Bundled_SAE/sae_weights.safetensors');
  expect(errors).toEqual([]);
  await fresh.close();
});

test('a training template becomes a SAELens training config (JSON and Python)', async ({ page }) => {
  await page.goto('/templates');
  const toy = page.locator('[data-testid="template-row"][data-name="Toy superposition — TopK"]');
  await toy.getByTestId('row-saelens-config').click();
  const dialog = page.getByTestId('scale-out-dialog');
  await dialog.getByTestId('scale-model').fill('gpt2');
  await dialog.getByTestId('scale-hook').fill('blocks.8.hook_resid_pre');
  await dialog.getByTestId('scale-context').fill('256');
  // the dataset is required: the message says so and no download is offered
  await expect(dialog.getByTestId('interop-error')).toContainText(/dataset/i);
  await expect(dialog.getByTestId('scale-json')).toHaveCount(0);
  await dialog.getByTestId('scale-dataset').fill('monology/pile-uncopyrighted');
  const [json] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('scale-json').click()]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
  const cfgJson = JSON.parse(readFileSync(await json.path(), 'utf8')) as Record<string, unknown>;
  expect(cfgJson).toMatchObject({ model_name: 'gpt2', hook_name: 'blocks.8.hook_resid_pre', dataset_path: 'monology/pile-uncopyrighted', context_size: 256, sae: { architecture: 'topk' } });
  const [python] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('scale-python').click()]);
  expect(python.suggestedFilename()).toMatch(/\.py$/);
  expect(readFileSync(await python.path(), 'utf8')).toContain('TopKTrainingSAEConfig(');
});

test('import an SAE from a Hub repository: a mistyped folder lists the real ones, and the chosen one imports', async ({ page }) => {
  await useLocalHub(page);
  await openSaeList(page);
  await page.getByTestId('import-sae').click();
  const dialog = page.getByTestId('import-sae-dialog');
  await dialog.getByTestId('import-sae-hub').check();
  await dialog.getByTestId('import-sae-repo').fill('mistudio/tiny-saes');
  await dialog.getByTestId('import-sae-path').fill('blocks.9.hook_resid_pre');
  await dialog.getByTestId('import-sae-fetch').click();
  await expect(dialog.getByTestId('interop-error')).toContainText('blocks.9.hook_resid_pre');
  await dialog.getByTestId('import-sae-candidate').selectOption('blocks.0.hook_resid_post');
  const preview = dialog.getByTestId('import-sae-preview');
  await expect(preview).toContainText('d_in 32 → d_sae 32');
  await expect(preview).toContainText('blocks.0.hook_resid_post');
  await dialog.getByTestId('import-sae-confirm').click();
  await expect(dialog).not.toBeVisible();
  await expect(page.getByTestId('sae-row')).toHaveCount(1);
});
