import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFixtureFiles, TINY_GPT2_DIMS } from '../../../scripts/lib/fixtures';
import { loadTokenizer, TokenizerError } from '../../../src/lm/tokenizer/load-tokenizer';
import { fixtureJson } from './ort-helpers';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

describe('fixture tokenizer (byte-level BPE) through @huggingface/tokenizers', () => {
  const tokenizer = loadTokenizer(fixtureJson('tokenizer.json'), fixtureJson('tokenizer_config.json'));

  it('has the model vocabulary and the special token last', () => {
    expect(tokenizer.vocabSize).toBe(TINY_GPT2_DIMS.vocabSize);
    expect(tokenizer.eosId).toBe(299);
    expect(tokenizer.bosId).toBe(299);
    expect(tokenizer.idToToken(299)).toBe('<|endoftext|>');
  });

  it('round-trips text, including bytes outside the training corpus', () => {
    for (const text of ['The big cat runs in the park.', 'Ada said "I have 3 keys" today.', 'naïve café — 日本 🙂', '  two  spaces\nnew line']) {
      const ids = tokenizer.encode(text);
      expect(ids.every((id) => id >= 0 && id < 300)).toBe(true);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('uses its learned merges on corpus words', () => {
    const ids = tokenizer.encode('The cat is in the garden.');
    expect(ids.length).toBeLessThan('The cat is in the garden.'.length);
    expect(ids.some((id) => id >= 256)).toBe(true);
    expect(tokenizer.encode('hi<|endoftext|>').at(-1)).toBe(299);
  });

  it('rejects something that is not a tokenizer.json', () => {
    expect(() => loadTokenizer({ hello: 'world' })).toThrow(TokenizerError);
  });
});

describe('committed fixtures', () => {
  it('are exactly what the deterministic builder produces (npm run fixtures)', () => {
    const files = buildFixtureFiles();
    expect(files.size).toBeGreaterThan(10);
    let total = 0;
    for (const [path, bytes] of files) {
      const onDisk = new Uint8Array(readFileSync(resolve(REPO_ROOT, path)));
      expect(onDisk.byteLength, path).toBe(bytes.byteLength);
      expect(Buffer.compare(onDisk, bytes), path).toBe(0);
      total += bytes.byteLength;
    }
    // Every fixture together stays small (Git stores the Hub copies once: same blobs).
    expect(total).toBeLessThan(800 * 1024);
  });

  it('datasets have 200 simple lines in each format', () => {
    const dir = resolve(REPO_ROOT, 'test/fixtures/datasets');
    const txt = readFileSync(resolve(dir, 'tiny.txt'), 'utf8').trimEnd().split('\n');
    const jsonl = readFileSync(resolve(dir, 'tiny.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { text: string });
    const csv = readFileSync(resolve(dir, 'tiny.csv'), 'utf8').trimEnd().split('\n');
    expect(txt.length).toBe(200);
    expect(jsonl.map((r) => r.text)).toEqual(txt);
    expect(csv[0]).toBe('id,text,topic');
    expect(csv.length).toBe(201);
    // Lines with commas or quotes are quoted the CSV way.
    expect(csv.some((line) => line.includes('""'))).toBe(true);
  });
});
