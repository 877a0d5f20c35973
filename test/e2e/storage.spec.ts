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

test('temporaries left by a cut-off write are removed when the studio starts', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // what a tab closed mid-write leaves behind: a file in the BlobStore's temporary folder that no lock holds
  await page.evaluate(async () => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('mistudio-blobs', { create: true });
    const tmp = await root.getDirectoryHandle('.tmp', { create: true });
    const w = await (await tmp.getFileHandle('orphan-from-a-closed-tab', { create: true })).createWritable();
    await w.write(new Uint8Array(1024));
    await w.close();
  });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect
    .poll(async () =>
      page.evaluate(async () => {
        const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('mistudio-blobs');
        const tmp = await root.getDirectoryHandle('.tmp');
        const names: string[] = [];
        for await (const name of (tmp as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
        return names;
      }),
    )
    .toEqual([]);
});
