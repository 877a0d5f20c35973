import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from './fixtures';

// The built service worker that `vite preview` serves; the test "deploys" a new version by changing its bytes.
const SERVICE_WORKER = new URL('../../dist/sw.js', import.meta.url);

test('a new version waits for the user: "Update available", then Reload switches to it', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // first install: precaches the build and takes control of this tab
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByTestId('update-prompt')).toHaveCount(0);

  const original = await readFile(SERVICE_WORKER, 'utf8');
  try {
    await writeFile(SERVICE_WORKER, `${original}\n// next build ${Date.now()}\n`);
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toContainText('Update available');
    // the new version waits; the open tab keeps running the old one until the user agrees
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true);

    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(false);
  } finally {
    await writeFile(SERVICE_WORKER, original);
  }
});
