// `npx vite-node scripts/build-sae-fixture.ts`: writes test/fixtures/sae-tiny/ (see scripts/lib/sae-fixture.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildSaeFixtureFiles } from './lib/sae-fixture';

const root = resolve(import.meta.dirname, '..');
for (const [path, bytes] of buildSaeFixtureFiles()) {
  const target = resolve(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  console.log(`wrote ${path} (${bytes.byteLength} bytes)`);
}
