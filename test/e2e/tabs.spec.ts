import { expect, openSystem, startSelfTest, test } from './fixtures';

test('one GPU job runs at a time; the next waits queued and then runs', async ({ page }) => {
  await openSystem(page);
  const first = await startSelfTest(page);
  const second = await startSelfTest(page);
  await expect(first).toHaveAttribute('data-status', 'running');
  await expect(second).toHaveAttribute('data-status', 'queued');
  await expect(first).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(second).toHaveAttribute('data-status', /running|completed/);
  await expect(second).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
});

test('two tabs share one queue: a job queued in either runs once and both show it live', async ({ page, context }) => {
  await openSystem(page);
  const other = await context.newPage();
  await openSystem(other);
  // queued in the second tab, run by whichever tab holds the scheduler lock (the first)
  const row = await startSelfTest(other);
  const id = await row.getAttribute('data-job-id');
  const sameRowInFirstTab = page.locator(`[data-testid="job-row"][data-job-id="${id}"]`);
  await expect(sameRowInFirstTab).toHaveAttribute('data-status', 'running');
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(sameRowInFirstTab).toHaveAttribute('data-status', 'completed');

  // closing the scheduling tab hands the queue to the other one
  await page.close();
  const next = await startSelfTest(other);
  await expect(next).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await other.close();
});
