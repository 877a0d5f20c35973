// Statistics over the tokenized documents: counts per token id (→ unique tokens, most frequent tokens)
// and tokens per document. Kept in a flat count array, so adding a document costs one increment per token.
import { LengthHistogramBuilder, type LengthHistogram } from '../importers/length-histogram';
import { TokenizeError } from './errors';
import type { TextTokenizer } from './text-tokenizer';

export interface TokenCount {
  id: number;
  count: number;
  /** vocabulary string ('Ġthe') */
  token: string;
  /** decoded text (' the') */
  text: string;
}

export interface DocumentTokenStats {
  documents: number;
  /** documents that produced no tokens (left out of the windows) */
  emptyDocuments: number;
  /** tokens the tokenizer produced, without the pipeline's BOS/EOS */
  documentTokens: number;
  uniqueTokens: number;
  minDocTokens: number;
  maxDocTokens: number;
  meanDocTokens: number;
  tokensPerDocument: LengthHistogram;
}

export class TokenStatsCollector {
  private readonly counts: Uint32Array;
  private readonly perDocument = new LengthHistogramBuilder();
  private documents = 0;
  private emptyDocuments = 0;
  private documentTokens = 0;

  constructor(vocabSize: number) {
    this.counts = new Uint32Array(vocabSize);
  }

  addDocument(ids: ArrayLike<number>): void {
    const { counts } = this;
    const n = ids.length;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      // also guards storage: an id outside the vocabulary would not fit the chosen dtype
      if (!(id < counts.length)) throw new TokenizeError(`The tokenizer produced id ${id}, outside its vocabulary of ${counts.length}.`, 'The tokenizer files may not match; load them again from the model.');
      counts[id]!++;
    }
    this.documents++;
    if (n === 0) this.emptyDocuments++;
    this.documentTokens += n;
    this.perDocument.add(n);
  }

  snapshot(): DocumentTokenStats {
    let unique = 0;
    for (const c of this.counts) if (c > 0) unique++;
    const s = this.perDocument.summary();
    return {
      documents: this.documents,
      emptyDocuments: this.emptyDocuments,
      documentTokens: this.documentTokens,
      uniqueTokens: unique,
      minDocTokens: s.min,
      maxDocTokens: s.max,
      meanDocTokens: s.mean,
      tokensPerDocument: this.perDocument.histogram(),
    };
  }

  /** The n most frequent ids (ties: lower id first), with their strings. */
  topTokens(n: number, tokenizer: Pick<TextTokenizer, 'decode' | 'tokenString'>): TokenCount[] {
    const ids: number[] = [];
    for (let id = 0; id < this.counts.length; id++) if (this.counts[id]! > 0) ids.push(id);
    ids.sort((a, b) => this.counts[b]! - this.counts[a]! || a - b);
    return ids.slice(0, n).map((id) => ({ id, count: this.counts[id]!, token: tokenizer.tokenString(id), text: tokenizer.decode([id]) }));
  }

  /** count per id (a copy), for charts or saving */
  tokenCounts(): Uint32Array {
    return this.counts.slice();
  }
}
