// Training on real activations, end to end in Chromium: the tiny GPT-2 from the local Hub server, tiny.txt
// tokenized with it, one hook extracted to a cache; then a tiny TopK run started from that cache through the
// New training form, and another straight from the model + tokenized dataset + hook. Both finish with an SAE
// whose d_in is the model's d_model (32).
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { addTinyModelFromHub, tokenizeTinyText } from './flows';

const HOOK = 'blocks.1.hook_resid_post';
const D_MODEL = 32;

test.use({ serviceWorkers: 'block' });

async function extractHook(page: Page, modelId: string): Promise<void> {
  await page.goto(`/models?model=${modelId}`);
  const card = page.getByTestId('model-card');
  await expect(card.getByTestId('extract-tokenization')).toBeVisible();
  await card.locator(`[data-testid="extract-hook"][value="${HOOK}"]`).check();
  await card.getByTestId('extract-max').fill('256');
  await card.getByTestId('extract-batch').fill('4');
  await card.getByTestId('extract-start').click();
  await expect(card.locator(`[data-testid="cache-row"][data-hook="${HOOK}"]`)).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
}

async function fill(page: Page, label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(value);
}

/** Picks the option of a select whose text contains `text` (once the choices have loaded). */
async function choose(select: Locator, text: string): Promise<void> {
  const option = select.locator('option', { hasText: text });
  await expect(option).toHaveCount(1);
  await select.selectOption((await option.getAttribute('value'))!);
}

/** Fills the tiny TopK settings (d_sae = 2 × d_in), starts the run and waits for it to complete. */
async function trainTiny(page: Page, name: string): Promise<void> {
  await fill(page, 'Name', name);
  await page.getByLabel('Dictionary size as', { exact: true }).selectOption('expansion');
  await fill(page, 'Expansion factor', '2');
  await fill(page, 'k', '4');
  await fill(page, 'k_aux', '8');
  await fill(page, 'Batch size', '32');
  await fill(page, 'Learning rate', '0.001');
  await fill(page, 'LR warm-up steps', '0');
  await fill(page, 'LR decay steps', '0');
  await fill(page, 'Total steps', '12');
  await fill(page, 'Dead-latent window', '10');
  await fill(page, 'Checkpoint every', '6');
  await expect(page.locator('.field-error')).toHaveCount(0);
  await page.getByTestId('start-training').click();
  await expect(page).toHaveURL(/\/training\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('training-detail')).toHaveAttribute('data-status', 'completed', { timeout: 300_000 });
}

async function expectSae(page: Page, name: string): Promise<void> {
  await page.goto('/training');
  const sae = page.getByTestId('sae-row').filter({ hasText: name });
  await expect(sae).toBeVisible();
  await expect(sae).toContainText(`${D_MODEL} → ${2 * D_MODEL}`);
}

test('trains TopK SAEs from a cache and from model + tokenized dataset + hook, each as wide as the model', async ({ page }) => {
  test.setTimeout(600_000);
  const modelId = await addTinyModelFromHub(page);
  await tokenizeTinyText(page, 16);
  await extractHook(page, modelId);

  // from the cache: d_in follows it
  await page.goto('/training/new');
  await page.getByLabel('Activation source', { exact: true }).selectOption('cache');
  await choose(page.getByLabel('Activation cache', { exact: true }), `${HOOK} · 256 rows · d_in ${D_MODEL}`);
  await expect(page.getByTestId('source-summary')).toContainText(`256 activations of ${HOOK}`);
  await expect(page.getByLabel('d_in', { exact: true })).toHaveValue(String(D_MODEL));
  // a width that is not the cache's is explained and blocks the start
  await fill(page, 'd_in', '16');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('error-dIn')).toHaveText(`The cache holds ${D_MODEL}-wide activations, so d_in must be ${D_MODEL} (it is 16).`);
  await fill(page, 'd_in', String(D_MODEL));
  await trainTiny(page, 'e2e cache TopK');
  await expectSae(page, 'e2e cache TopK');

  // straight from the model: tokenized dataset and hook point
  await page.goto('/training/new');
  await page.getByLabel('Activation source', { exact: true }).selectOption('model');
  await choose(page.getByLabel('Model', { exact: true }), `d_model ${D_MODEL}`);
  await choose(page.getByLabel('Tokenized dataset', { exact: true }), 'tiny.txt');
  await choose(page.getByLabel('Hook point', { exact: true }), 'blocks.0.hook_resid_post');
  await expect(page.getByLabel('d_in', { exact: true })).toHaveValue(String(D_MODEL));
  await trainTiny(page, 'e2e model TopK');
  await expectSae(page, 'e2e model TopK');
});
