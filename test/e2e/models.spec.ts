// Models end to end in Chromium: add the tiny GPT-2 from the local Hub server (variants with sizes, download
// with progress), see its card and hook points, try a prompt on WebGPU, tokenize a dataset with it and
// extract activations to a cache with statistics; and a model whose graph is not understood, dropped in as
// files, says so and still lets tensors be picked by hand.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { decodeModel, encodeModel, findHookPoints } from '../../src/lm/graph';
import { expect, test } from './fixtures';
import { downloadVariant, FIXTURES, listTinyModelOnHub, tokenizeTinyText } from './flows';


// the service worker is not under test here (offline.spec covers it)
test.use({ serviceWorkers: 'block' });

async function addTinyModelFromHub(page: Page, variant = 'onnx/model.onnx'): Promise<string> {
  await listTinyModelOnHub(page);
  const variants = page.getByTestId('hub-variant-row');
  await expect(variants).toHaveCount(2);
  await expect(page.locator('[data-testid="hub-variant-row"][data-path="onnx/model.onnx"]').getByTestId('hub-variant-size')).toHaveText(/^\d+ KB$/);
  await expect(page.getByTestId('hub-companions')).toContainText('config.json, tokenizer.json, tokenizer_config.json');
  return downloadVariant(page, variant);
}

test('adds the tiny model from the Hub, shows its card and hook points, tries a prompt, extracts activations to a cache with statistics', async ({ page }) => {
  test.setTimeout(240_000);
  const id = await addTinyModelFromHub(page);
  const card = page.getByTestId('model-card');
  await expect(card).toHaveAttribute('data-model-id', id);
  await expect(card.getByTestId('card-family')).toHaveText('gpt2');
  await expect(card.getByTestId('card-layers')).toHaveText('2');
  await expect(card.getByTestId('card-dmodel')).toHaveText('32');
  await expect(card.getByTestId('card-heads')).toHaveText('2');
  await expect(card.getByTestId('card-vocab')).toHaveText('300');
  await expect(card.getByTestId('card-params')).toHaveText(/^\d+(\.\d)?K \([\d,]+\)$/);
  await expect(card.getByTestId('card-size')).toHaveText(/\d+ KB/);
  await expect(card.getByTestId('card-dtype')).toHaveText('fp32');

  // hook points per layer, each mapped to a graph tensor
  const layers = card.getByTestId('hook-layer-row');
  await expect(layers).toHaveCount(2);
  for (const hook of ['hook_resid_pre', 'hook_attn_out', 'hook_mlp_out', 'hook_resid_post']) {
    await expect(layers.nth(1).getByTestId(`hook-${hook}`)).toHaveText(/\S+/);
  }

  // try it: tokens and the top next tokens, on WebGPU (ORT on the worker's own device)
  await card.getByTestId('prompt-input').fill('The big rabbit sleeps in the');
  await card.getByTestId('prompt-run').click();
  await expect(card.getByTestId('prompt-token').first()).toBeVisible({ timeout: 60_000 });
  expect(await card.getByTestId('prompt-token').count()).toBeGreaterThan(3);
  await expect(card.getByTestId('next-token-row')).toHaveCount(10);
  await expect(card.getByTestId('prompt-result')).toContainText('on WebGPU');
  await expect(card.getByTestId('prompt-wasm-notice')).toHaveCount(0);

  // a dataset tokenized with this model, then an extraction to a cache
  await tokenizeTinyText(page, 32);
  await page.goto(`/models?model=${id}`);
  await expect(card.getByTestId('extract-tokenization')).toBeVisible();
  await card.locator('[data-testid="extract-hook"][value="blocks.1.hook_resid_post"]').check();
  await card.locator('[data-testid="extract-hook"][value="blocks.0.hook_mlp_out"]').check();
  await card.getByTestId('extract-max').fill('500');
  await card.getByTestId('extract-batch').fill('4');
  await card.getByTestId('extract-start').click();
  const cache = card.locator('[data-testid="cache-row"][data-hook="blocks.1.hook_resid_post"]');
  await expect(cache).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await expect(card.locator('[data-testid="cache-row"][data-hook="blocks.0.hook_mlp_out"]')).toHaveAttribute('data-status', 'ready');
  await expect(cache.getByTestId('cache-rows')).toHaveText('500');
  await cache.getByTestId('cache-toggle-stats').click();
  const stats = card.getByTestId('cache-stats');
  await expect(stats.getByTestId('cache-stat-count')).toHaveText('500');
  await expect(stats.getByTestId('cache-stat-norm')).toHaveText(/^\d+(\.\d+)?$/);
  await expect(stats.getByTestId('cache-std-bars')).toBeVisible();
  const extraction = card.getByTestId('model-jobs').locator('[data-testid="job-row"]', { hasText: 'Extract 2 hooks' });
  await expect(extraction.getByTestId('job-message')).toContainText('Stored 500 activations of 2 hooks (d = 32, f32)');
  await expect(extraction.getByTestId('job-message')).not.toContainText('CPU');

  // the GPU worker's device still serves our own kernels after ORT used it
  await page.goto('/system');
  await page.getByTestId('run-selftest').click();
  await expect(page.getByTestId('job-row').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
});

/** The tiny model with its first residual add written as a − (−b): the same function, but no longer a residual chain of Adds. */
function obscuredTinyModel(): Uint8Array<ArrayBuffer> {
  const model = decodeModel(new Uint8Array(readFileSync(resolve(FIXTURES, 'lm/tiny-gpt2/model.onnx'))));
  const detection = findHookPoints(model);
  if (!detection.ok) throw new Error(detection.reason);
  const nodes = model.graph!.node!;
  const at = nodes.findIndex((n) => n.output?.[0] === detection.layers[0]!.residMid);
  const add = nodes[at]!;
  const [a, b] = add.input!;
  const negated = `${b}_negated`;
  nodes.splice(at, 1, { opType: 'Neg', input: [b!], output: [negated], name: 'obscure_neg' }, { ...add, opType: 'Sub', input: [a!, negated] });
  return new Uint8Array(encodeModel(model));
}

test('a model whose graph is not understood says so, and tensors can still be picked by hand', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/models');
  const files = [
    new File([obscuredTinyModel()], 'obscured.onnx'),
    ...['config.json', 'tokenizer.json', 'tokenizer_config.json'].map((n) => new File([new Uint8Array(readFileSync(resolve(FIXTURES, 'lm/tiny-gpt2', n)))], n)),
  ];
  const payload = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: [...new Uint8Array(await f.arrayBuffer())] })));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return dt;
  }, payload);
  await page.getByTestId('model-drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('model-import-message')).toContainText('Imported obscured (4 files).');
  const card = page.getByTestId('model-card');
  await expect(card.getByTestId('hook-unknown')).toContainText('Could not understand this graph', { timeout: 30_000 });
  await expect(card.getByTestId('hook-table')).toHaveCount(0);

  // pick a tensor by hand: it becomes a hook to extract
  await card.getByTestId('tensor-search').fill('_negated');
  await expect(card.getByTestId('tensor-option')).toHaveCount(1);
  await card.getByTestId('tensor-option').click();
  await expect(card.getByTestId('picked-tensor')).toContainText('_negated');
  await expect(card.getByTestId('extract-no-tokenization')).toBeVisible();

  // the model still runs: a prompt works
  await card.getByTestId('prompt-input').fill('The big rabbit');
  await card.getByTestId('prompt-run').click();
  await expect(card.getByTestId('next-token-row')).toHaveCount(10, { timeout: 60_000 });
});

test('without a WebGPU adapter, a prompt runs on the CPU (WebAssembly) and says so', async ({ playwright, baseURL }) => {
  test.setTimeout(120_000);
  // Chromium on Linux without --enable-unsafe-webgpu: navigator.gpu exists but hands out no adapter
  const browser = await playwright.chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ ...(baseURL ? { baseURL } : {}), serviceWorkers: 'block' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/models');
    await page.getByTestId('model-files').setInputFiles(
      ['model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json'].map((n) => resolve(FIXTURES, 'lm/tiny-gpt2', n)),
    );
    const card = page.getByTestId('model-card');
    await expect(card.getByTestId('hook-layer-row')).toHaveCount(2, { timeout: 30_000 });
    await card.getByTestId('prompt-input').fill('The big rabbit');
    await card.getByTestId('prompt-run').click();
    await expect(card.getByTestId('next-token-row')).toHaveCount(10, { timeout: 60_000 });
    await expect(card.getByTestId('prompt-wasm-notice')).toContainText('ran on the CPU (WebAssembly)');
    await expect(card.getByTestId('prompt-result')).toContainText('on the CPU');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
