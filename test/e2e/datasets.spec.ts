// Datasets end to end in Chromium: local files of every kind (picked and dropped), the sample browser,
// tokenization with the tiny model, statistics, deletes that free storage, bad files with clear messages,
// and a Hub split over range requests (local Hub server) with progress, pause, reload, resume and cancel.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { startHubServer, type HubServer } from '../../scripts/hub-server.mjs';
import { expect, test } from './fixtures';
import { dropTinyText } from './flows';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const fixture = (path: string) => ({ name: path.slice(path.lastIndexOf('/') + 1), mimeType: 'application/octet-stream', buffer: readFileSync(resolve(FIXTURES, path)) });
const textBuffer = (name: string, bytes: Uint8Array | string) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes) });

// the service worker is not under test here
test.use({ serviceWorkers: 'block' });

/** Every key in the page's OPFS BlobStore (temporaries left out). */
async function storedKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const keys: string[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (name.startsWith('.')) continue;
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else keys.push(`${prefix}${name}`);
      }
    };
    const root = await navigator.storage.getDirectory();
    await walk(await root.getDirectoryHandle('mistudio-blobs', { create: true }), '');
    return keys.sort();
  });
}

async function importTinyModel(page: Page): Promise<void> {
  await page.goto('/models');
  await page.getByTestId('model-files').setInputFiles(['model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json'].map((n) => fixture(`lm/tiny-gpt2/${n}`)));
  await expect(page.getByTestId('model-import-message')).toContainText('Imported model (4 files).');
  await expect(page.getByTestId('model-row')).toHaveAttribute('data-status', 'ready');
}

/** Picks a file on the Datasets page and waits for its options. */
async function pickFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.goto('/datasets');
  await page.getByTestId('dataset-file').setInputFiles(file);
  await expect(page.getByTestId('chosen-file')).toHaveText(file.name);
}

/** Starts the import and waits on the dataset's page until it is ready; returns its id. */
async function importAndWait(page: Page, status = 'ready'): Promise<string> {
  await page.getByTestId('start-import').click();
  await expect(page).toHaveURL(/\/datasets\/[\w-]+$/);
  await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', status, { timeout: 60_000 });
  return page.url().split('/').pop()!;
}

test('imports every kind of local file, browses and searches, tokenizes with the tiny model, deletes everything', async ({ page }) => {
  test.setTimeout(180_000);
  await importTinyModel(page);

  // .txt by drag and drop: one document per line
  const txt = readFileSync(resolve(FIXTURES, 'datasets/tiny.txt'), 'utf8');
  await dropTinyText(page);
  await expect(page.getByTestId('sniff-sample')).toContainText('The big rabbit sleeps in the school.');
  const txtId = await importAndWait(page);
  await expect(page.getByTestId('dataset-rows')).toHaveText('200');
  await expect(page.getByTestId('dataset-chars')).toHaveText(/^[\d,]+$/);
  await expect(page.getByTestId('length-histogram')).toBeVisible();

  // browse: ten per page, with line numbers; next page; search
  const docs = page.getByTestId('document');
  await expect(docs).toHaveCount(10);
  await expect(docs.first()).toContainText('The big rabbit sleeps in the school.');
  await expect(docs.first()).toContainText('line 1');
  await page.getByTestId('doc-next').click();
  await expect(page.getByTestId('doc-page')).toHaveText('Page 2 of 20');
  await expect(docs.first()).toContainText('#11');
  await page.getByTestId('doc-search').fill('RABBIT');
  await page.getByTestId('doc-search-go').click();
  const rabbits = txt.split('\n').filter((l) => l.toLowerCase().includes('rabbit')).length;
  await expect(page.getByTestId('search-summary')).toHaveText(`${rabbits} documents contain “RABBIT” (all documents searched).`);
  await expect(docs).toHaveCount(rabbits);
  await expect(docs.first().locator('mark').first()).toHaveText(/rabbit/i);

  // .jsonl (field), .csv (column), .parquet (column) by picking
  await pickFile(page, fixture('datasets/tiny.jsonl'));
  await expect(page.getByTestId('detected-format')).toHaveText('JSON Lines');
  await expect(page.getByTestId('text-field')).toHaveValue('text');
  await importAndWait(page);
  await expect(page.getByTestId('dataset-rows')).toHaveText('200');
  await pickFile(page, fixture('datasets/tiny.csv'));
  await expect(page.getByTestId('text-field')).toHaveValue('text');
  await importAndWait(page);
  await expect(page.getByTestId('dataset-rows')).toHaveText('200');
  await pickFile(page, fixture('datasets/tiny.parquet'));
  await expect(page.getByTestId('detected-format')).toHaveText('Parquet');
  await expect(page.getByTestId('sniff-note')).toContainText('600 rows in 3 row groups');
  await page.getByTestId('row-limit').fill('450');
  await importAndWait(page);
  await expect(page.getByTestId('dataset-rows')).toHaveText('450');

  await page.goto('/datasets');
  await expect(page.getByTestId('dataset-row')).toHaveCount(4);
  await expect(page.locator('[data-testid="dataset-row"][data-status="ready"]')).toHaveCount(4);

  // tokenize the .txt dataset with the tiny model, packed windows of 32 tokens
  await page.goto(`/datasets/${txtId}`);
  await expect(page.getByTestId('tokenize-model')).toHaveText(/model/);
  await expect(page.getByTestId('tokenize-context')).toHaveValue('64'); // the model's longest context
  await page.getByTestId('tokenize-context').fill('32');
  await page.getByTestId('tokenize-start').click();
  const tokenization = page.getByTestId('tokenization');
  await expect(tokenization).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(tokenization.getByTestId('stat-windows')).toHaveText(/^[1-9][\d,]*$/);
  await expect(tokenization.getByTestId('stat-unique')).toHaveText(/^[1-9][\d,]*$/);
  await expect(tokenization.getByTestId('tokens-histogram')).toBeVisible();
  await expect(tokenization.getByTestId('top-tokens').locator('tbody tr')).toHaveCount(12);
  // the first window, read back from storage: BOS, then the first document's tokens
  const tokens = tokenization.getByTestId('token');
  await expect(tokens).toHaveCount(32);
  await expect(tokens.first()).toHaveClass(/special/);
  await expect(tokenization.getByTestId('token-text')).toContainText('The big rabbit sleeps in the school.');
  await tokenization.getByTestId('window-next').click();
  await expect(tokenization.getByRole('heading', { name: /^Window 2 of/ })).toBeVisible();

  // the same model and context length again is refused; another context length is another tokenization
  await page.getByTestId('tokenize-start').click();
  await expect(page.getByTestId('tokenize-error')).toContainText('already tokenized for model at context length 32');
  await page.getByTestId('tokenize-context').fill('16');
  await page.getByTestId('tokenize-truncate').check();
  await page.getByTestId('tokenize-start').click();
  await expect(tokenization).toHaveCount(2);
  await expect(tokenization.nth(1)).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(tokenization.nth(1).getByTestId('stat-windows')).toHaveText('200');

  const keysBefore = await storedKeys(page);
  expect(keysBefore.filter((k) => k.startsWith(`tokenizations/`)).length).toBeGreaterThanOrEqual(2);
  expect(keysBefore.filter((k) => k.startsWith('uploads/'))).toEqual([]); // staged copies go once imported

  // delete one tokenization, then the dataset with the other
  await tokenization.nth(1).getByTestId('tokenization-delete').click();
  await tokenization.nth(1).getByTestId('tokenization-delete-confirm').click();
  await expect(tokenization).toHaveCount(1);
  await page.getByTestId('dataset-delete').click();
  await page.getByTestId('dataset-delete-confirm').click();
  await expect(page).toHaveURL(/\/datasets$/);
  await expect(page.getByTestId('dataset-row')).toHaveCount(3);
  const keysAfter = await storedKeys(page);
  expect(keysAfter.filter((k) => k.startsWith('tokenizations/') || k.startsWith(`datasets/${txtId}/`))).toEqual([]);
  expect(keysAfter.some((k) => k.startsWith('models/'))).toBe(true);
});

test('bad files get clear messages, and nothing stored is lost', async ({ page }) => {
  test.setTimeout(150_000);
  await pickFile(page, fixture('datasets/tiny.txt'));
  const goodId = await importAndWait(page);

  await pickFile(page, textBuffer('empty.txt', ''));
  await expect(page.getByTestId('import-error')).toContainText('The file is empty.');
  await pickFile(page, textBuffer('photo.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a, 0x0a])));
  await expect(page.getByTestId('import-error')).toContainText('This looks like a binary file, not text');
  await pickFile(page, textBuffer('latin1.txt', new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x69, 0x72, 0x0a])));
  await expect(page.getByTestId('import-error')).toContainText('The file is not UTF-8 text');
  await expect(page.getByTestId('import-error')).toContainText('Save the file as UTF-8');
  await pickFile(page, textBuffer('scan.xyz', new Uint8Array([0x00, 0x01, 0x02, 0x03])));
  await expect(page.getByTestId('import-error')).toContainText('binary file');

  // malformed JSON lines: stop at the first one (its line number), then import again skipping them
  const jsonl = ['{"text":"one"}', '{"text":"two"}', '{"text": oops}', '{"text":"four"}', 'not json at all', '{"text":"six"}'].join('\n');
  await pickFile(page, textBuffer('mixed.jsonl', jsonl));
  await expect(page.getByTestId('sniff-note')).toContainText('2 of them malformed');
  await page.getByRole('radio', { name: 'stop the import' }).check();
  await importAndWait(page, 'failed');
  await expect(page.getByTestId('dataset-error')).toContainText(/^Line 3: /);
  await page.getByTestId('import-again-skip').click();
  await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('dataset-rows')).toHaveText('4');
  await expect(page.getByTestId('dataset-left-out')).toHaveText('0 empty, 2 malformed');
  await page.getByTestId('dataset-issues').locator('summary').click();
  await expect(page.getByTestId('dataset-issues')).toContainText('Line 3:');
  await expect(page.getByTestId('dataset-issues')).toContainText('Line 5:');

  // a field that is not there
  await pickFile(page, fixture('datasets/tiny.jsonl'));
  await page.getByTestId('text-field').fill('body');
  await importAndWait(page, 'failed');
  await expect(page.getByTestId('dataset-error')).toContainText('The field "body" was not found. Available fields: "id", "text", "topic".');

  // non-UTF-8 bytes deep in a file (past what the first look reads) fail the import, not the studio
  const deep = new Uint8Array([...new TextEncoder().encode('a fine line of text\n'.repeat(20_000)), 0xff, 0xfe, 0x0a]);
  await pickFile(page, textBuffer('deep.txt', deep));
  await importAndWait(page, 'failed');
  await expect(page.getByTestId('dataset-error')).toContainText(/The file is not UTF-8 text: invalid bytes near byte \d+/);

  // the good dataset is untouched
  await page.goto(`/datasets/${goodId}`);
  await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('document')).toHaveCount(10);
  await page.goto('/datasets');
  await expect(page.locator('[data-testid="dataset-row"][data-status="failed"]')).toHaveCount(2);
});

/**
 * A proxy in front of the local Hub that holds every answer for `delayMs` and forbids caching, so an import
 * is seen part-way however fast the machine: Chromium would otherwise answer repeated range requests of
 * these small files from its cache (and page routing does not reliably see a worker's requests).
 */
async function slowProxy(target: string): Promise<{ url: string; delayMs: number; close(): Promise<void> }> {
  const upstream = new URL(target);
  const state = { url: '', delayMs: 0, close: async () => {} };
  const server = createServer((req, res) => {
    setTimeout(() => {
      // the Hub builds listing and redirect URLs from Host: keep them pointing at the proxy
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'cache-control': 'no-store' });
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    }, state.delayMs);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return state;
}

test.describe('from the Hub', () => {
  let hub: HubServer;
  let proxy: Awaited<ReturnType<typeof slowProxy>>;
  test.beforeAll(async () => {
    hub = await startHubServer();
    proxy = await slowProxy(hub.url);
  });
  test.afterAll(async () => {
    await proxy.close();
    await hub.close();
  });
  test.beforeEach(() => {
    proxy.delayMs = 0;
  });

  /** Slows every request to the Hub, so the import is seen part-way. */
  function slowHub(ms: number): void {
    proxy.delayMs = ms;
  }

  async function lookUp(page: Page): Promise<void> {
    await page.goto('/datasets');
    await page.getByTestId('tab-hub').click();
    await page.locator('details.advanced summary').click();
    await page.getByTestId('hub-endpoint').fill(proxy.url);
    await page.getByTestId('hub-repo').fill('mistudio/tiny-parquet');
    await page.getByTestId('hub-lookup').click();
    await expect(page.getByTestId('hub-split')).toHaveValue('train');
    await expect(page.getByTestId('hub-column')).toHaveValue('text');
    await expect(page.getByTestId('hub-sample')).toBeVisible();
  }

  test('a split streams over range requests with progress; pause, reload and resume complete it', async ({ page }) => {
    test.setTimeout(180_000);
    await lookUp(page);
    await expect(page.getByTestId('hub-split').locator('option')).toHaveText(['test (1 file)', 'train (2 files)']);
    // Every Hub request takes 1.5 s, so the import is still early (listing, reading footers) when it is paused
    // and when the page reloads, however fast the machine.
    slowHub(1500);
    await page.getByTestId('hub-start').click();
    await expect(page).toHaveURL(/\/datasets\/[\w-]+$/);
    const row = page.getByTestId('job-row');
    await expect(row).toHaveAttribute('data-status', 'running');
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'paused');
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect(row).toHaveAttribute('data-status', 'running');
    await page.reload();
    await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'interrupted');
    await page.getByTestId('job-row').getByRole('button', { name: 'Resume' }).click();
    // progress shows counts while it streams: rows counted in the footers, then rows imported
    await expect(page.getByTestId('job-row').getByTestId('job-progress-text')).toContainText(/\d+ \/ \d+ · (counting rows|importing)/, { timeout: 90_000 });
    // then rows imported out of the rows counted, with a rate and time left
    await expect(page.getByTestId('job-row').getByTestId('job-progress-text')).toContainText(/\d+ \/ 400 · importing/, { timeout: 90_000 });
    await expect(page.getByTestId('job-row').getByRole('progressbar')).toHaveAttribute('aria-valuemax', '400');
    await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
    await expect(page.getByTestId('dataset-rows')).toHaveText('400');
    await expect(page.getByTestId('dataset-source')).toContainText('Hub: mistudio/tiny-parquet (default/train, column text)');
    await expect(page.getByTestId('document').first()).toContainText('row 0');
  });

  test('cancel stops a Hub import for good; import again finishes it, with a row limit', async ({ page }) => {
    test.setTimeout(120_000);
    await lookUp(page);
    await page.getByTestId('hub-limit').fill('250');
    slowHub(300);
    await page.getByTestId('hub-start').click();
    const row = page.getByTestId('job-row');
    await expect(row).toHaveAttribute('data-status', 'running');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'cancelled');
    await expect(page.getByTestId('dataset-error')).toHaveText(/The import was cancelled\./, { timeout: 30_000 });
    slowHub(0);
    await page.getByTestId('import-again').click();
    await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
    await expect(page.getByTestId('dataset-rows')).toHaveText('250');
  });
});
