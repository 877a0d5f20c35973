// Shared e2e fixtures: every test fails on a console error or an uncaught page error, because a studio
// that logs errors while looking fine is broken in ways users find later.
import { test as base, expect, type Page } from '@playwright/test';

export interface ConsoleProblems {
  errors: string[];
}

export const test = base.extend<{ consoleProblems: ConsoleProblems }>({
  consoleProblems: [
    async ({ page }, use) => {
      const problems: ConsoleProblems = { errors: [] };
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.errors.push(msg.text());
      });
      page.on('pageerror', (err) => problems.errors.push(`uncaught: ${err.message}`));
      await use(problems);
      expect(problems.errors, 'console errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the System page and waits for the studio to render. */
export async function openSystem(page: Page): Promise<void> {
  await page.goto('/system');
  await expect(page.getByRole('heading', { level: 1, name: 'System' })).toBeVisible();
}
