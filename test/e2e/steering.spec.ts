// Steering and evaluation end to end in Chromium: the tiny GPT-2 from the local Hub server, the tiny SAE
// imported on the Steering page; steer with a feature at a large coefficient and see the text change, stop a
// long run, save and reopen an experiment, ablate a feature at the prompt; evaluate the SAE in the model on
// tokenized text and see CE loss recovered.
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { addTinyModelFromHub, FIXTURES, tokenizeTinyText } from './flows';

test.use({ serviceWorkers: 'block' });

/** On the Steering page: imports the tiny SAE through the Import SAE dialog; it becomes the chosen SAE. */
async function importTinySae(page: Page): Promise<void> {
  await page.getByTestId('import-sae').click();
  const dialog = page.getByTestId('import-sae-dialog');
  await dialog.getByTestId('import-sae-folder').setInputFiles(resolve(FIXTURES, 'sae-tiny'));
  await expect(dialog.getByTestId('import-sae-name')).toHaveValue('sae-tiny');
  await dialog.getByTestId('import-sae-confirm').click();
  await expect(dialog).not.toBeVisible();
  await expect(page.getByTestId('sae-select').locator('option:checked')).toContainText('sae-tiny · blocks.0.hook_resid_post · 32 features');
}

async function setGeneration(page: Page, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) await page.getByTestId(`gen-${key}`).fill(value);
}

async function waitForRun(page: Page, status: string): Promise<void> {
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', status, { timeout: 90_000 });
}

test('steers the tiny model: a large coefficient changes the text; stop, save and reopen, ablate', async ({ page }) => {
  test.setTimeout(300_000);
  await addTinyModelFromHub(page);
  await page.goto('/steering');
  await expect(page.getByTestId('model-select').locator('option:checked')).toContainText('tiny-gpt2');
  await importTinySae(page);

  // prompt templates fill the prompt
  await page.getByTestId('prompt-template-select').selectOption({ label: 'Fact completion' });
  await expect(page.getByTestId('prompt-input')).toHaveValue('The capital of France is');
  await page.getByTestId('prompt-input').fill('The big rabbit');
  await page.getByTestId('feature-index-input').fill('0');
  await page.getByTestId('add-feature').click();
  await page.getByTestId('coefficient-input').fill('250');
  await page.getByTestId('coefficient-input').blur();
  await expect(page.getByTestId('extreme-coefficient')).toBeVisible();
  await setGeneration(page, { maxNewTokens: '12', temperature: '0', samples: '1' });
  await page.getByTestId('generate').click();
  await waitForRun(page, 'completed');
  const outputs = page.getByTestId('run-output');
  await expect(outputs).toHaveCount(2);
  await expect(page.getByTestId('variant-label')).toHaveText(['Baseline', '#0 × 250']);
  const baseline = (await outputs.nth(0).locator('.output-text').textContent()) ?? '';
  const steered = (await outputs.nth(1).locator('.output-text').textContent()) ?? '';
  expect(baseline.length).toBeGreaterThan(0);
  expect(steered.length).toBeGreaterThan(0);
  expect(steered).not.toBe(baseline);

  // save the run as an experiment, reload, reopen it: the same outputs come back
  await page.getByTestId('experiment-name').fill('Rabbit steering');
  await page.getByTestId('save-experiment').click();
  await expect(page.getByTestId('save-experiment-message')).toContainText('Saved as “Rabbit steering”');
  await page.reload();
  const row = page.locator('[data-testid="experiment-row"]', { hasText: 'Rabbit steering' });
  await expect(row).toBeVisible();
  await row.getByTestId('open-experiment').click();
  const view = page.getByTestId('experiment-view');
  await expect(view.getByTestId('experiment-output')).toHaveText([baseline, steered]);
  await expect(page.getByTestId('prompt-input')).toHaveValue('The big rabbit');
  await expect(page.getByTestId('coefficient-input')).toHaveValue('250');

  // a long sweep streams token by token and stops when asked, keeping what it wrote
  await page.getByTestId('mode-sweep').check();
  await page.getByTestId('sweep-strengths').fill('-300, -200, -100, 0, 100, 200, 300');
  await setGeneration(page, { maxNewTokens: '50', temperature: '1', samples: '8' });
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(page.locator('[data-testid="run-output"][data-done="true"]').first()).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('stop-run').click();
  await waitForRun(page, 'cancelled');
  await expect(page.getByTestId('run-status')).toContainText('Stopped');
  const unfinished = await page.locator('[data-testid="run-output"][data-done="false"]').count();
  expect(unfinished).toBeGreaterThan(0);
  await expect(page.getByTestId('run-output')).toHaveCount(8 * 8);

  // ablation at the prompt: clamping a feature moves the next-token distribution
  await page.getByTestId('ablation-index').fill('0');
  await page.getByTestId('ablation-add').click();
  await page.getByRole('combobox', { name: 'What to do with feature 0' }).selectOption('clamp');
  await page.getByRole('spinbutton', { name: 'Clamp value of feature 0' }).fill('40');
  await page.getByRole('spinbutton', { name: 'Clamp value of feature 0' }).blur();
  await page.getByTestId('run-ablation').click();
  await waitForRun(page, 'completed');
  await expect(page.getByTestId('ablation-result')).toBeVisible();
  expect(Number(await page.getByTestId('ablation-kl').textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('ablation-token').first()).toBeVisible();

  // a link from the feature browser names the SAE and features; the model is found from the SAE
  const saeId = await page.getByTestId('sae-select').inputValue();
  await page.goto(`/steering?sae=${saeId}&features=3:-120,5`);
  await expect(page.getByTestId('sae-select')).toHaveValue(saeId);
  await expect(page.getByTestId('chosen-feature')).toHaveCount(2);
  await expect(page.getByTestId('coefficient-input').nth(0)).toHaveValue('-120');
  await expect(page.getByTestId('coefficient-input').nth(1)).toHaveValue('50');
});

test('prompt templates are the Templates page’s third kind', async ({ page }) => {
  await page.goto('/templates?tab=prompt');
  const rows = page.getByTestId('row-name');
  await expect(rows).toHaveText(['Fact completion', 'Opinion', 'Story opening']);
});

test('evaluates the SAE inside the model and shows CE loss recovered', async ({ page }) => {
  test.setTimeout(300_000);
  await addTinyModelFromHub(page);
  await tokenizeTinyText(page, 32);
  await page.goto('/steering');
  await importTinySae(page);
  const panel = page.getByTestId('evaluation-panel');
  await expect(panel.getByTestId('evaluation-tokenization').locator('option:checked')).toContainText('windows of 32');
  await panel.getByTestId('evaluation-windows').fill('8');
  await panel.getByTestId('evaluate').click();
  await expect(panel.getByTestId('evaluation-result')).toBeVisible({ timeout: 120_000 });
  await expect(panel.getByTestId('value-ce-loss-recovered')).toHaveText(/^-?\d+\.\d{3}$/);
  await expect(panel.getByTestId('value-dead')).toHaveText('0.250');
  await expect(panel.getByTestId('value-l0')).toHaveText(/^1[0-2]\.\d$/);
  await expect(panel.getByTestId('evaluation-job')).toHaveAttribute('data-status', 'completed');
});
