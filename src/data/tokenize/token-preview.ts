// Token boundaries for display: each token's text and its offsets in the decoded string. A token's text is
// what it adds when decoded after its left neighbour, so decoders that treat a word start differently
// (SentencePiece '▁', WordPiece '##') still give spaces in the right place; a token holding only part of a
// multi-byte character gets an empty span and the character goes to the token that completes it.
import type { TextTokenizer } from './text-tokenizer';

export interface TokenSpan {
  id: number;
  /** vocabulary string ('Ġworld') */
  token: string;
  /** decoded piece (' world'); text.slice(start, end) of the preview */
  piece: string;
  start: number;
  end: number;
}

export interface TokenPreview {
  /** the decoded text the spans index into (equal to the input for lossless tokenizers such as GPT-2's) */
  text: string;
  spans: TokenSpan[];
  /** true when the input had more tokens than were shown */
  truncated: boolean;
}

const INCOMPLETE = '\uFFFD';

/** Spans of `ids` over their decoded text. */
export function tokenSpans(ids: readonly number[], tokenizer: Pick<TextTokenizer, 'decode' | 'tokenString'>): TokenPreview {
  const spans: TokenSpan[] = [];
  let text = '';
  let anchor = -1; // last token before the pending run; its decoded text is `anchorText`
  let anchorText = '';
  let pendingFrom = 0;
  for (let i = 0; i < ids.length; i++) {
    const run = ids.slice(pendingFrom, i + 1);
    const withLeft = anchor >= 0 ? tokenizer.decode([ids[anchor]!, ...run]) : tokenizer.decode(run);
    const piece = anchor >= 0 && withLeft.startsWith(anchorText) ? withLeft.slice(anchorText.length) : tokenizer.decode(run);
    if (piece.endsWith(INCOMPLETE) && i + 1 < ids.length && run.length < 4) continue; // a character split over tokens
    for (let j = pendingFrom; j < i; j++) spans.push({ id: ids[j]!, token: tokenizer.tokenString(ids[j]!), piece: '', start: text.length, end: text.length });
    spans.push({ id: ids[i]!, token: tokenizer.tokenString(ids[i]!), piece, start: text.length, end: text.length + piece.length });
    text += piece;
    anchor = i;
    anchorText = tokenizer.decode([ids[i]!]);
    pendingFrom = i + 1;
  }
  return { text, spans, truncated: false };
}

/** Tokenizes `text` and returns the first `maxTokens` tokens' spans. */
export function previewTokens(text: string, tokenizer: Pick<TextTokenizer, 'encode' | 'decode' | 'tokenString'>, maxTokens = 256): TokenPreview {
  const ids = tokenizer.encode(text);
  const preview = tokenSpans(ids.slice(0, maxTokens), tokenizer);
  return { ...preview, truncated: ids.length > maxTokens };
}
