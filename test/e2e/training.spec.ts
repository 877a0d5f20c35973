// Training end to end, on Chromium's WebGPU (SwiftShader here, so the shapes are tiny): a template opens the
// form, a run starts, its curves fill in live and a checkpoint appears; a reload interrupts it; Resume
// continues from the checkpoint with the step count carrying on; the finished SAE exports as a SAELens zip.
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test } from './fixtures';
import type { Page } from '@playwright/test';

const TOTAL_STEPS = 48;
const CHECKPOINT_EVERY = 8;

async function fill(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(value);
}

test('template → training with live curves and checkpoints → reload interrupts → Resume continues → SAE exports to SAELens', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/training/new?template=builtin-training-toy-topk');
  await expect(page.getByRole('heading', { level: 1, name: 'New training' })).toBeVisible();
  await expect(page.getByTestId('form-notice')).toContainText('Toy superposition — TopK');
  await expect(page.getByLabel('d_sae', { exact: true })).toHaveValue('96');

  // the same form, at a size a software GPU trains in seconds
  await fill(page, 'Name', 'e2e tiny TopK');
  await fill(page, 'd_in', '4');
  await fill(page, 'True features', '8');
  await fill(page, 'Active per sample', '1');
  await fill(page, 'd_sae', '16');
  await fill(page, 'k', '1');
  await fill(page, 'k_aux', '2');
  await fill(page, 'Batch size', '16');
  await fill(page, 'Learning rate', '0.01');
  await fill(page, 'LR warm-up steps', '0');
  await fill(page, 'LR decay steps', '0');
  await fill(page, 'Total steps', String(TOTAL_STEPS));
  await fill(page, 'Dead-latent window', '20');
  await fill(page, 'Checkpoint every', String(CHECKPOINT_EVERY));

  // a wrong value is explained beside its field, and blocks the start
  await fill(page, 'k', '40');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('error-k')).toContainText('k must be at most d_sae (16)');
  await fill(page, 'k', '1');
  await expect(page.getByTestId('error-k')).toHaveCount(0);
  await expect(page.getByTestId('estimate-memory')).not.toBeEmpty();

  await page.getByTestId('start-training').click();
  await expect(page).toHaveURL(/\/training\/[0-9a-f-]{36}$/);
  const detail = page.getByTestId('training-detail');
  await expect(detail).toHaveAttribute('data-status', 'running', { timeout: 120_000 });

  // live curves and a first checkpoint while it runs
  await expect.poll(async () => Number(await page.getByTestId('training-charts').getAttribute('data-points')), { timeout: 300_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('chart-loss').locator('canvas').first()).toBeVisible();
  const checkpoints = page.getByTestId('checkpoint-row');
  await expect(checkpoints.first()).toBeVisible({ timeout: 300_000 });
  const checkpointStep = Number(await checkpoints.first().getAttribute('data-step'));
  expect(checkpointStep % CHECKPOINT_EVERY).toBe(0);
  expect(checkpointStep).toBeGreaterThan(0);

  // a reload cuts the run off: it comes back interrupted, with Resume
  await page.reload();
  await expect(detail).toHaveAttribute('data-status', 'interrupted', { timeout: 60_000 });
  const stepAtReload = Number(await detail.getAttribute('data-step'));
  expect(stepAtReload).toBeLessThan(TOTAL_STEPS);
  const resumeFrom = Math.max(...(await checkpoints.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-step'))))));
  expect(resumeFrom).toBeGreaterThanOrEqual(checkpointStep);
  await page.getByRole('button', { name: 'Resume' }).click();

  // it continues from the checkpoint: the step count never falls back to 0
  let lowest = Number.POSITIVE_INFINITY;
  await expect
    .poll(
      async () => {
        lowest = Math.min(lowest, Number(await detail.getAttribute('data-step')));
        return detail.getAttribute('data-status');
      },
      { intervals: [200], timeout: 400_000 },
    )
    .toBe('completed');
  expect(lowest).toBeGreaterThanOrEqual(resumeFrom);
  await expect(page.getByTestId('training-step')).toContainText(`step ${TOTAL_STEPS} / ${TOTAL_STEPS}`);
  const resumedRun = page.getByTestId('run-history').locator('li').nth(1);
  await expect(resumedRun).toHaveAttribute('data-from-step', String(resumeFrom));
  const firstMetricStep = Number(await resumedRun.getAttribute('data-first-metric-step'));
  expect(firstMetricStep).toBeGreaterThan(resumeFrom);
  await expect(page.getByTestId('recovery-heatmap')).toBeVisible();

  // the SAE is listed and exports as a SAELens folder in a zip
  await page.goto('/training');
  const sae = page.getByTestId('sae-row').filter({ hasText: 'e2e tiny TopK' });
  await expect(sae).toBeVisible();
  await expect(sae).toContainText('TopK');
  await expect(sae).toContainText('4 → 16');
  await sae.getByTestId('sae-export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), sae.getByTestId('export-saelens-zip').click()]);
  expect(download.suggestedFilename()).toBe('e2e_tiny_TopK.zip');
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  // one folder, as SAELens loads it (its own directory entry aside)
  expect(Object.keys(files).filter((name) => !name.endsWith('/')).sort()).toEqual(['e2e_tiny_TopK/cfg.json', 'e2e_tiny_TopK/sae_weights.safetensors']);
  const cfg = JSON.parse(new TextDecoder().decode(files['e2e_tiny_TopK/cfg.json']!)) as Record<string, unknown>;
  expect(cfg).toMatchObject({ architecture: 'topk', d_in: 4, d_sae: 16, k: 1, normalize_activations: 'none' });
  expect(files['e2e_tiny_TopK/sae_weights.safetensors']!.length).toBeGreaterThan(2 * 4 * 16 * 4);
});
