import { expect, test } from './fixtures';

const AREAS = ['Models', 'Datasets', 'Training', 'Features', 'Steering', 'Templates', 'System'];

test('the studio loads, titled miStudio, cross-origin isolated', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('miStudio');
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to miStudio' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});

test('every navigation entry opens its page', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Studio areas' });
  for (const area of AREAS) {
    await nav.getByRole('link', { name: area, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/${area.toLowerCase()}$`));
    await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
  }
  // the empty areas say what they are for and what to do first
  await nav.getByRole('link', { name: 'Models', exact: true }).click();
  await expect(page.getByTestId('empty-state')).toContainText('No models yet');
});

test('a deep link opens its page directly, and an unknown address says so', async ({ page }) => {
  await page.goto('/training');
  await expect(page.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible();
  await page.goto('/no-such-area');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
});
