// `npm run bench [-- --quick] [--shape B,D_IN,D_SAE,K]`: serves test/bench/ with Vite, runs it in Chromium (WebGPU) and prints the
// page's table and, last, its one-line JSON of ratios. All figures of one run come from the same adapter.
import { createServer } from 'vite';
import { chromium } from '@playwright/test';

const quick = process.argv.includes('--quick');
// --shape B,D_IN,D_SAE,K replaces the shapes; --quick still sets the repetitions (fewer, for software adapters)
const shapeAt = process.argv.indexOf('--shape');
const shape = shapeAt > 0 ? process.argv[shapeAt + 1] ?? '' : undefined;
if (shape !== undefined) {
  const n = shape.split(',').map(Number);
  if (n.length !== 4 || !n.every((v) => Number.isInteger(v) && v > 0) || n[3] > n[2]) {
    process.stderr.write(`--shape wants B,D_IN,D_SAE,K: four positive integers with K ≤ D_SAE, e.g. --shape 512,128,4096,32 (got "${shape}").\n`);
    process.exit(2);
  }
}
const search = new URLSearchParams();
if (quick) search.set('quick', '');
if (shape !== undefined) search.set('shape', shape);
// Pre-bundle the bench's own dependencies so Vite does not reload the page mid-run when it discovers them.
const server = await createServer({
  server: { port: 0, host: '127.0.0.1' },
  logLevel: 'error',
  optimizeDeps: { entries: ['test/bench/index.html'], include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@huggingface/tokenizers'] },
});
await server.listen();
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
  ],
});
let code = 0;
try {
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'log') process.stdout.write(`${msg.text()}\n`);
    else if (msg.type() === 'error') process.stderr.write(`[page] ${msg.text()}\n`);
  });
  page.on('pageerror', (err) => process.stderr.write(`[page error] ${err.message}\n`));
  await page.goto(`${url}test/bench/index.html${search.size ? `?${search}` : ''}`);
  const result = await page.waitForFunction(() => window.__benchDone, undefined, { timeout: 0, polling: 1000 });
  const summary = await result.jsonValue();
  if (summary && typeof summary === 'object' && 'error' in summary) {
    process.stderr.write(`bench failed: ${summary.error}\n`);
    code = 1;
  }
} finally {
  await browser.close();
  await server.close();
}
process.exit(code);
