import { expect, openSystem, test } from './fixtures';

test('System shows the WebGPU adapter from the GPU worker', async ({ page }) => {
  await openSystem(page);
  const adapter = page.getByTestId('gpu-adapter');
  await expect(adapter).toBeVisible();
  // headless Chromium without a GPU gets SwiftShader; a machine with a GPU shows its own vendor
  await expect(page.getByTestId('gpu-vendor')).not.toHaveText('—');
  await expect(page.getByTestId('gpu-fallback')).toHaveText(/adapter/);
  await expect(adapter).toContainText('Max storage binding');
  await expect(page.getByTestId('gpu-unavailable')).toHaveCount(0);
});

test('System shows isolation and storage, and asks to keep the data', async ({ page }) => {
  await openSystem(page);
  await expect(page.getByTestId('cross-origin-isolated')).toHaveText('yes');
  await expect(page.getByTestId('storage-usage')).toContainText(' of ');
  const button = page.getByTestId('persist-button');
  if (await button.isEnabled()) {
    await button.click();
    await expect(page.getByTestId('persist-result')).toContainText(/granted/i);
  } else {
    await expect(page.getByTestId('storage-persisted')).toContainText('persistent');
  }
});
