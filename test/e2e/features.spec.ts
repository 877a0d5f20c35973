// Features end to end in Chromium: the tiny model and a dataset (whose text carries HTML that must stay
// text), tokenized; the tiny SAE imported; feature extraction on the GPU from the SAE's page; the browser
// (search, sort, keyboard, favourites), a feature's page (examples, histogram, logit effects), a label that
// survives a reload; and a 32k-row feature table that scrolls with only a few rows in the DOM.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zipSync } from 'fflate';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const fixture = (path: string) => ({ name: path.slice(path.lastIndexOf('/') + 1), mimeType: 'application/octet-stream', buffer: readFileSync(resolve(FIXTURES, path)) });
const saeZip = Buffer.from(
  zipSync({ 'sae-tiny/cfg.json': readFileSync(resolve(FIXTURES, 'sae-tiny/cfg.json')), 'sae-tiny/sae_weights.safetensors': readFileSync(resolve(FIXTURES, 'sae-tiny/sae_weights.safetensors')) }),
);

// every line of the tiny corpus with markup after it: whatever an example shows, it shows as characters
const MARKUP = ' <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>';
const TEXT = readFileSync(resolve(FIXTURES, 'datasets/tiny.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => `${l}${MARKUP}`)
  .join('\n');

test.use({ serviceWorkers: 'block' });

async function importTinyModel(page: Page): Promise<void> {
  await page.goto('/models');
  await page.getByTestId('model-files').setInputFiles(['model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json'].map((n) => fixture(`lm/tiny-gpt2/${n}`)));
  await expect(page.getByTestId('model-row')).toHaveAttribute('data-status', 'ready');
}

async function importAndTokenize(page: Page): Promise<void> {
  await page.goto('/datasets');
  await page.getByTestId('dataset-file').setInputFiles({ name: 'markup.txt', mimeType: 'text/plain', buffer: Buffer.from(TEXT) });
  await expect(page.getByTestId('chosen-file')).toHaveText('markup.txt');
  await page.getByTestId('start-import').click();
  await expect(page).toHaveURL(/\/datasets\/[\w-]+$/);
  await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('tokenize-context').fill('32');
  await page.getByTestId('tokenize-start').click();
  await expect(page.getByTestId('tokenization')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
}

async function importSae(page: Page): Promise<string> {
  await page.goto('/training');
  await page.getByTestId('import-sae').click();
  const dialog = page.getByTestId('import-sae-dialog');
  await dialog.getByTestId('import-sae-files').setInputFiles({ name: 'sae-tiny.zip', mimeType: 'application/zip', buffer: saeZip });
  await expect(dialog.getByTestId('import-sae-preview')).toContainText('blocks.0.hook_resid_post');
  await dialog.getByTestId('import-sae-confirm').click();
  await expect(dialog).not.toBeVisible();
  const row = page.getByTestId('sae-row').first();
  return (await row.getAttribute('data-sae-id'))!;
}

/** Feature indices of the rendered table rows, top to bottom. */
async function renderedIndices(table: Locator): Promise<number[]> {
  return table.getByTestId('feature-row').evaluateAll((rows) =>
    rows
      .map((r) => ({ index: Number(r.getAttribute('data-index')), top: r.getBoundingClientRect().top }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.index),
  );
}

test('tiny model → dataset → SAE → extraction → browse, search, open a feature, label it, reload: the label stays', async ({ page }) => {
  test.setTimeout(300_000);
  page.on('dialog', (d) => {
    throw new Error(`a dialog opened: ${d.message()}`);
  });
  await importTinyModel(page);
  await importAndTokenize(page);
  const saeId = await importSae(page);

  // the SAE list leads to its features; nothing extracted yet, so the form is open
  await page.getByTestId('sae-features').first().click();
  await expect(page).toHaveURL(new RegExp(`/features/${saeId}$`));
  const form = page.getByTestId('extraction-form');
  await expect(form).toBeVisible();
  await expect(form.getByTestId('extraction-template')).toHaveValue('builtin-extraction-quick-look');
  await expect(form.getByLabel('Hook')).toHaveValue('blocks.0.hook_resid_post');
  // settings start from the template and are checked before anything runs
  await form.getByLabel('Top examples').fill('0');
  await form.getByTestId('start-extraction').click();
  await expect(form.getByLabel('Top examples')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Top examples').fill('8');
  await form.getByLabel('Quantile examples').fill('4');
  await form.getByTestId('start-extraction').click();
  await expect(form).not.toBeVisible();

  const status = page.getByTestId('extraction-status');
  await expect(status).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
  await expect(page.getByTestId('extraction-summary')).toContainText(/\d+ alive, \d+ dead, \d+ dense/);

  // the browser: every latent, sortable and searchable
  const table = page.getByTestId('feature-table');
  await expect(page.getByTestId('feature-count')).toHaveText('32 of 32 features');
  await page.getByTestId('feature-sort').selectOption('density');
  await page.getByTestId('feature-sort-dir').click();
  const order = await renderedIndices(table);
  expect(order.length).toBeGreaterThan(5);
  const densities = await table.getByTestId('feature-row').evaluateAll((rows) =>
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((r) => r.children[3]!.textContent ?? ''),
  );
  const asNumber = (t: string) => (t === '—' ? -1 : Number.parseFloat(t));
  for (let i = 1; i < densities.length; i++) expect(asNumber(densities[i - 1]!)).toBeGreaterThanOrEqual(asNumber(densities[i]!));
  const busiest = order[0]!;

  // keyboard: the first row is selected; Enter opens it
  await table.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/features/${saeId}/${busiest}$`));

  // the feature's page: examples shaded by activation, histogram, logit effects
  const examples = page.getByTestId('feature-example');
  await expect(examples.first()).toBeVisible();
  expect(await page.locator('[data-testid="feature-example"][data-kind="top"]').count()).toBe(8);
  expect(await page.locator('[data-testid="feature-example"][data-kind="quantile"]').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('activation-histogram').locator('rect').first()).toBeAttached();
  await expect(page.getByTestId('promoted-tokens').locator('li')).toHaveCount(10);
  await expect(page.getByTestId('suppressed-tokens').locator('li')).toHaveCount(10);
  await expect(examples.first().locator('.token').first()).toHaveAttribute('title', /-?\d/);
  // dataset markup is text: no element made from it, no script ran
  await expect(page.getByTestId('feature-examples').locator('img, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  const shown = (await page.getByTestId('feature-examples').textContent()) ?? '';
  expect(shown).toMatch(/<|>|onerror|script/);

  // label it, reload: still there
  await page.getByTestId('feature-label').fill('markup after sentences');
  await page.getByTestId('feature-notes').fill('fires on <img> tags');
  await page.getByTestId('save-feature').click();
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.getByTestId('feature-page-favourite').click();
  await expect(page.getByTestId('feature-page-favourite')).toHaveAttribute('aria-pressed', 'true');
  await page.reload();
  await expect(page.getByTestId('feature-label')).toHaveValue('markup after sentences');
  await expect(page.getByTestId('feature-notes')).toHaveValue('fires on <img> tags');
  await expect(page.getByTestId('feature-page-favourite')).toHaveAttribute('aria-pressed', 'true');

  // back in the browser: search finds it by label and by notes; favourites only shows it
  await page.getByTestId('back-to-features').click();
  await page.getByTestId('feature-search').fill('markup after');
  await expect(page.getByTestId('feature-count')).toHaveText('1 of 32 features');
  await expect(table.getByTestId('feature-row')).toHaveAttribute('data-index', String(busiest));
  await page.getByTestId('feature-search').fill('IMG TAGS');
  await expect(page.getByTestId('feature-count')).toHaveText('1 of 32 features');
  await page.getByTestId('feature-search').fill('');
  await page.getByTestId('favourites-only').check();
  await expect(page.getByTestId('feature-count')).toHaveText('1 of 32 features');
  await page.getByTestId('favourites-only').uncheck();

  // a deep link opens the feature directly; extracting again with the same settings is recognised
  await page.goto(`/features/${saeId}/${busiest}`);
  await expect(page.getByTestId('feature-label')).toHaveValue('markup after sentences');
  await page.goto(`/features/${saeId}?extract=1`);
  await page.getByTestId('extraction-form').getByLabel('Top examples').fill('8');
  await page.getByTestId('extraction-form').getByLabel('Quantile examples').fill('4');
  await expect(page.getByTestId('extraction-reuse')).toBeVisible();
  await expect(page.getByTestId('start-extraction')).toHaveText('Extract again');

  // the overview lists the SAE with its labelled feature and favourite
  await page.goto('/features');
  const overview = page.locator(`[data-testid="sae-features-row"][data-sae-id="${saeId}"]`);
  await expect(overview).toContainText('32');
  await expect(overview.getByTestId('extraction-summary')).toBeVisible();
});

test('a paused extraction survives a reload and goes on from where it stopped', async ({ page }) => {
  test.setTimeout(300_000);
  await importTinyModel(page);
  await importAndTokenize(page);
  const saeId = await importSae(page);
  await page.goto(`/features/${saeId}`);
  const form = page.getByTestId('extraction-form');
  await form.getByLabel('Quantile examples').fill('4');
  await form.getByTestId('start-extraction').click();

  // pause once a few windows are done; the run stops after its batch and the extraction waits
  const status = page.getByTestId('extraction-status');
  const eta = page.getByTestId('extraction-eta');
  const windowsDone = async () => Number(/^([\d,]+) \//.exec((await eta.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
  await expect.poll(windowsDone, { intervals: [50], timeout: 120_000 }).toBeGreaterThan(0);
  await status.getByTestId('pause-extraction').click();
  await expect(status).toHaveAttribute('data-status', 'pending');
  await expect(status.getByTestId('resume-extraction')).toBeVisible();
  const pausedAt = await windowsDone();
  expect(pausedAt).toBeGreaterThan(0);

  await page.reload();
  await expect(status.getByTestId('resume-extraction')).toBeVisible();
  // every progress shown from here on counts on from the pause (a restart would show low counts first)
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __etaSeen: string[] }).__etaSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="extraction-eta"]')?.textContent;
      if (text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await status.getByTestId('resume-extraction').click();
  await expect(status).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
  const seen = await page.evaluate(() => (window as unknown as { __etaSeen: string[] }).__etaSeen);
  const counts = seen.map((t) => /^([\d,]+) \//.exec(t)?.[1]).filter((c): c is string => c !== undefined).map((c) => Number(c.replace(/,/g, '')));
  expect(counts.length).toBeGreaterThan(0);
  expect(Math.min(...counts)).toBeGreaterThanOrEqual(pausedAt);
  await expect(page.getByTestId('extraction-summary')).toContainText(/\d+ alive, \d+ dead, \d+ dense/);
});

test('a 32k-row feature table scrolls with only the rows in view rendered', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/features');
  await expect(page.getByRole('heading', { level: 1, name: 'Features' })).toBeVisible();
  const saeId = await page.evaluate(() => window.__mistudioFeatures!.seedFeatureRows(32_768));
  await page.goto(`/features/${saeId}`);
  await expect(page.getByTestId('feature-count')).toHaveText('32,768 of 32,768 features', { timeout: 60_000 });
  const table = page.getByTestId('feature-table');
  const rows = table.getByTestId('feature-row');
  await expect(rows.first()).toHaveAttribute('data-index', '0');
  expect(await rows.count()).toBeLessThan(60);

  // jump to the middle, then the end: a few rows around what is in view, never thousands
  for (const fraction of [0.25, 0.5, 0.999]) {
    await table.evaluate((el, f) => el.scrollTo({ top: f * el.scrollHeight }), fraction);
    const expected = Math.floor(fraction * 32_768);
    await expect.poll(async () => (await renderedIndices(table)).some((i) => Math.abs(i - expected) < 40)).toBe(true);
    expect(await rows.count()).toBeLessThan(60);
  }
  // scroll wheel through the table for a while: it keeps up and stays small
  await table.evaluate((el) => el.scrollTo({ top: 0 }));
  await table.hover();
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 2000);
  await expect.poll(async () => Math.min(...(await renderedIndices(table)))).toBeGreaterThan(100);
  expect(await rows.count()).toBeLessThan(60);

  // keyboard: End goes to the last feature, Home back to the first
  await table.focus();
  await page.keyboard.press('End');
  await expect(table.locator('[data-testid="feature-row"][data-index="32767"]')).toBeVisible();
  await page.keyboard.press('Home');
  await expect(table.locator('[data-testid="feature-row"][data-index="0"]')).toBeVisible();

  // search and sort over all 32k rows
  await page.getByTestId('feature-search').fill('seeded label');
  await expect(page.getByTestId('feature-count')).toHaveText(`${Math.ceil(32_768 / 97).toLocaleString('en')} of 32,768 features`);
  await page.getByTestId('feature-search').fill('');
  await page.getByTestId('feature-sort').selectOption('maxActivation');
  await page.getByTestId('feature-sort-dir').click();
  await expect(rows.first()).toHaveAttribute('data-index', '12');
});
