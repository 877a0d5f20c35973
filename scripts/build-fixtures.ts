// `npm run fixtures`: writes the tiny GPT-2 model, tokenizer, datasets and the local Hub tree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildFixtureFiles } from './lib/fixtures';

const root = resolve(import.meta.dirname, '..');
let bytes = 0;
const files = buildFixtureFiles();
for (const [path, content] of files) {
  const target = resolve(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  bytes += content.byteLength;
}
console.log(`wrote ${files.size} fixture files (${(bytes / 1024).toFixed(0)} KiB)`);
