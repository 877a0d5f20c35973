import { expect, test } from './fixtures';

// Chromium on Linux without --enable-unsafe-webgpu exposes navigator.gpu but hands out no adapter: the
// situation of a machine whose GPU or driver WebGPU does not support.
test('without a WebGPU adapter, System says so with what to do, and GPU jobs fail with that reason', async ({ playwright, baseURL }) => {
  const browser = await playwright.chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage(baseURL ? { baseURL } : {});
    const errors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto('/system');
    const notice = page.getByTestId('gpu-unavailable');
    await expect(notice).toContainText('WebGPU is not available');
    await expect(notice).toContainText('no GPU adapter is available');
    await expect(notice).toContainText('Update your GPU driver');
    // the rest of the page still works
    await expect(page.getByTestId('cross-origin-isolated')).toHaveText('yes');

    await page.getByTestId('run-selftest').click();
    const row = page.getByTestId('job-row').first();
    await expect(row).toHaveAttribute('data-status', 'failed');
    await expect(row.getByTestId('job-message')).toContainText('no GPU adapter is available');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
