import { expect, openSystem, startSelfTest, stepsDone, test, waitForSteps } from './fixtures';

const TOTAL_STEPS = 32;

test('the GPU self-test runs in the GPU worker with visible progress and passes the CPU-twin check', async ({ page }) => {
  await openSystem(page);
  const row = await startSelfTest(page);
  await expect(row).toHaveAttribute('data-status', 'running');
  // progress is visible part-way, not only at the end
  await expect.poll(() => stepsDone(row), { intervals: [50] }).toBeGreaterThan(0);
  expect(await stepsDone(row)).toBeLessThan(TOTAL_STEPS);
  await expect(row.getByRole('progressbar')).toHaveAttribute('aria-valuemax', String(TOTAL_STEPS));

  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(row.getByTestId('job-message')).toContainText(/Passed: GPU sum [\d.]+ of 4,194,304 values matches the CPU twin/);
  expect(await stepsDone(row)).toBe(TOTAL_STEPS);
  await expect(row.getByRole('button')).toHaveCount(0);
});

test('pause stops a job between steps; resume continues from its checkpoint and completes', async ({ page }) => {
  await openSystem(page);
  const row = await startSelfTest(page);
  await waitForSteps(row, 1);
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row).toHaveAttribute('data-status', 'paused');
  // the worker honours the pause at its next step: progress stops moving
  await page.waitForTimeout(500);
  const paused = await stepsDone(row);
  await page.waitForTimeout(500);
  expect(await stepsDone(row)).toBe(paused);
  expect(paused).toBeLessThan(TOTAL_STEPS);

  await row.getByRole('button', { name: 'Resume' }).click();
  // a resumed run starts from the checkpoint: progress never falls back below where it paused
  let lowest = TOTAL_STEPS;
  await expect
    .poll(
      async () => {
        const done = await stepsDone(row);
        lowest = Math.min(lowest, done);
        return row.getAttribute('data-status');
      },
      { intervals: [50], timeout: 60_000 },
    )
    .toBe('completed');
  expect(lowest).toBeGreaterThanOrEqual(paused);
  await expect(row.getByTestId('job-message')).toContainText('Passed');
});

test('cancel stops a running job for good and frees the GPU lane', async ({ page }) => {
  await openSystem(page);
  const row = await startSelfTest(page);
  await waitForSteps(row, 1);
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveAttribute('data-status', 'cancelled');
  await expect(row.getByRole('button')).toHaveCount(0);
  await page.waitForTimeout(500);
  await expect(row).toHaveAttribute('data-status', 'cancelled');

  const next = await startSelfTest(page);
  await expect(next).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
});

test('a job running at reload comes back interrupted with Resume, and Resume completes it', async ({ page }) => {
  await openSystem(page);
  const row = await startSelfTest(page);
  await waitForSteps(row, 2);
  await page.reload();
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  const interruptedAt = await stepsDone(row);
  expect(interruptedAt).toBeGreaterThanOrEqual(2);
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(row.getByTestId('job-message')).toContainText('Passed');
});

test('a lost GPU device fails the running job with the reason; the next run gets a fresh device', async ({ page }) => {
  await openSystem(page);
  const row = await startSelfTest(page);
  await waitForSteps(row, 1);
  expect(await page.evaluate(() => window.__mistudio!.loseGpuDevice())).toBe(true);
  await expect(row).toHaveAttribute('data-status', 'failed');
  await expect(row.getByTestId('job-message')).toContainText('The GPU device was lost');
  // resumable: Resume continues from the checkpoint on a new device
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
});
