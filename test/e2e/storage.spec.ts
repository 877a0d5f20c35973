import { expect, test } from './fixtures';

test('the BlobStore self-test passes on OPFS', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const report = await page.evaluate(() => window.__mistudio!.blobSelfTest());
  expect(report.kind).toBe('opfs');
  expect(report.steps.filter((s) => !s.ok)).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.steps.map((s) => s.name)).toContain('read ranges');
});
