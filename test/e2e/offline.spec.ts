import { expect, test } from './fixtures';

test('after one online visit the studio reloads and renders with the network off', async ({ page, context, consoleProblems }) => {
  await page.goto('/system');
  await expect(page.getByRole('heading', { level: 1, name: 'System' })).toBeVisible();
  // the service worker has installed (precached the build) and is active for this origin
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect(page.getByTestId('offline-ready')).toHaveText('yes');

  await context.setOffline(true);
  try {
    await page.reload();
    // the network really is off: anything not precached fails
    consoleProblems.allowed.push(/ERR_INTERNET_DISCONNECTED/);
    expect(await page.evaluate(() => fetch(`/not-precached-${Date.now()}.txt`).then(() => 'reached', () => 'unreachable'))).toBe('unreachable');
    await expect(page.getByRole('heading', { level: 1, name: 'System' })).toBeVisible();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // served from the cache with the isolation headers intact
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // client-side navigation and a deep link that was never visited online both work offline
    await page.getByRole('navigation', { name: 'Studio areas' }).getByRole('link', { name: 'Training', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible();
    await page.goto('/features');
    await expect(page.getByRole('heading', { level: 1, name: 'Features' })).toBeVisible();
    // the GPU worker's script comes from the cache too
    await page.goto('/system');
    await expect(page.getByTestId('gpu-adapter')).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
