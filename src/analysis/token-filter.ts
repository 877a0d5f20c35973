// Which tokens may not be examples (an extraction's token filters): decided once per vocabulary id, then
// looked up per batch row to make TokenBatch.excluded. Filtered tokens still count in the statistics.
// The rules have the shape of domain/entities.ts TokenFilters.

export interface TokenFilterRules {
  /** BOS, EOS, padding and other special tokens */
  skipSpecialTokens: boolean;
  /** tokens made only of whitespace */
  skipWhitespace: boolean;
  /** tokens made only of punctuation and symbols (whitespace around them allowed) */
  skipPunctuation: boolean;
  /** exact token texts to ignore */
  skipTokens: string[];
}

const WHITESPACE_ONLY = /^\s+$/u;
const PUNCTUATION_ONLY = /^\s*[\p{P}\p{S}]+\s*$/u;

/**
 * One flag per vocabulary id (1: never an example). `text(id)` is the token's decoded text (what
 * skipTokens is compared with); `specialIds` the tokenizer's special tokens.
 */
export function excludedVocabulary(vocabSize: number, text: (id: number) => string, specialIds: Iterable<number>, rules: TokenFilterRules): Uint8Array {
  const out = new Uint8Array(vocabSize);
  if (rules.skipSpecialTokens) for (const id of specialIds) if (id >= 0 && id < vocabSize) out[id] = 1;
  if (!rules.skipWhitespace && !rules.skipPunctuation && rules.skipTokens.length === 0) return out;
  const skip = new Set(rules.skipTokens);
  for (let id = 0; id < vocabSize; id++) {
    if (out[id]) continue;
    const t = text(id);
    if ((rules.skipWhitespace && WHITESPACE_ONLY.test(t)) || (rules.skipPunctuation && PUNCTUATION_ONLY.test(t)) || skip.has(t)) out[id] = 1;
  }
  return out;
}

/** TokenBatch.excluded for a batch's token ids; padding rows (ids beyond the vocabulary) are excluded too. */
export function excludedRows(tokenIds: ArrayLike<number>, excludedIds: Uint8Array): Uint8Array {
  const out = new Uint8Array(tokenIds.length);
  for (let i = 0; i < tokenIds.length; i++) {
    const id = tokenIds[i]!;
    out[i] = id >= excludedIds.length || excludedIds[id] ? 1 : 0;
  }
  return out;
}
