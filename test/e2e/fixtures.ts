// Shared e2e fixtures: every test fails on a console error or an uncaught page error, because a studio
// that logs errors while looking fine is broken in ways users find later.
import { test as base, expect, type Locator, type Page } from '@playwright/test';

export interface ConsoleProblems {
  errors: string[];
  /** errors a test provokes on purpose (e.g. a request made while offline) */
  allowed: RegExp[];
}

export const test = base.extend<{ consoleProblems: ConsoleProblems }>({
  consoleProblems: [
    async ({ page }, use) => {
      const problems: ConsoleProblems = { errors: [], allowed: [] };
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.errors.push(msg.text());
      });
      page.on('pageerror', (err) => problems.errors.push(`uncaught: ${err.message}`));
      await use(problems);
      const unexpected = problems.errors.filter((text) => !problems.allowed.some((pattern) => pattern.test(text)));
      expect(unexpected, 'console errors during the test').toEqual([]);
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

/** Steps done, read from a job row's "done / total" text (0 before the first report). */
export async function stepsDone(row: Locator): Promise<number> {
  const text = (await row.getByTestId('job-progress-text').textContent()) ?? '';
  const match = /^(\d+) \/ \d+/.exec(text.trim());
  return match ? Number(match[1]) : 0;
}

/** Clicks "Run GPU self-test" and returns the new job's row (the table lists newest first). */
export async function startSelfTest(page: Page): Promise<Locator> {
  const rows = page.getByTestId('job-row');
  const before = await rows.count();
  await page.getByTestId('run-selftest').click();
  await expect(rows).toHaveCount(before + 1);
  const id = await rows.first().getAttribute('data-job-id');
  return page.locator(`[data-testid="job-row"][data-job-id="${id}"]`);
}

/** Waits until a running job has finished at least `steps` steps (and is still running). */
export async function waitForSteps(row: Locator, steps: number): Promise<number> {
  await expect.poll(() => stepsDone(row), { intervals: [50] }).toBeGreaterThanOrEqual(steps);
  return stepsDone(row);
}
