import { describe, expect, it } from 'vitest';
import { excludedRows, excludedVocabulary, type TokenFilterRules } from '../../../src/analysis';

const vocab = ['<|endoftext|>', ' the', '\n', '  ', ',', ' .', '$', 'cat', '...', ' ', '-ing'];
const none: TokenFilterRules = { skipSpecialTokens: false, skipWhitespace: false, skipPunctuation: false, skipTokens: [] };

describe('token filters', () => {
  it('flags special, whitespace, punctuation and listed tokens', () => {
    const flags = (rules: Partial<TokenFilterRules>) => Array.from(excludedVocabulary(vocab.length, (id) => vocab[id]!, [0], { ...none, ...rules }));
    expect(flags({})).toEqual(new Array(vocab.length).fill(0));
    expect(flags({ skipSpecialTokens: true })).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(flags({ skipWhitespace: true })).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0]);
    expect(flags({ skipPunctuation: true })).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0]);
    expect(flags({ skipTokens: ['cat', ' the'] })).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('marks batch rows, padding beyond the vocabulary included', () => {
    const ids = excludedVocabulary(vocab.length, (id) => vocab[id]!, [0], { ...none, skipSpecialTokens: true });
    expect(Array.from(excludedRows([7, 0, 1, 50000], ids))).toEqual([0, 1, 0, 1]);
  });
});
