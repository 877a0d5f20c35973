// The bench's tokenization measurement runs end to end (its numbers are for `npm run bench`, not asserted).
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenizerFromJson } from '../../../src/data/tokenize';
import { benchTokenization } from '../../../src/services/tokenization/bench';
import { FIXTURES } from './kit';

describe('tokenization bench', () => {
  it('measures the job pipeline next to a bare encode loop over the same documents', async () => {
    const lm = resolve(FIXTURES, 'lm/tiny-gpt2');
    const tokenizer = tokenizerFromJson(JSON.parse(readFileSync(resolve(lm, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(resolve(lm, 'tokenizer_config.json'), 'utf8')));
    const documents = readFileSync(resolve(FIXTURES, 'datasets/tiny.txt'), 'utf8').split('\n').filter(Boolean);
    const result = await benchTokenization({ tokenizer, documents, documentCount: 4000, repeats: 3, store: 'none', partTokens: 8192 });
    console.log(`tokenization bench (Node, no store): ${JSON.stringify(result)}`);
    expect(result.documents).toBe(4000);
    expect(result.tokens).toBeGreaterThan(4000);
    expect(result.windows).toBe(Math.floor((result.tokens + 4000) / 63)); // BOS per window, EOS per document
    expect(result.storedBytes).toBeGreaterThan(result.windows * 64 * 2);
    expect(result.overhead).toBeGreaterThan(0);
    expect(result.isolatedOverhead).toBeGreaterThanOrEqual(1);
  });
});
