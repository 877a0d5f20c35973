// The tokenization pipeline: documents × tokenizer × window layout → chunks of token windows, streamed so
// a large dataset goes to storage chunk by chunk, with statistics available at any point.
import { TokenStatsCollector, type DocumentTokenStats, type TokenCount } from './token-stats';
import { dtypeForVocab, type TokenDtype } from './token-dtype';
import type { TextTokenizer } from './text-tokenizer';
import { WindowBuilder, type WindowChunk, type WindowCounts } from './window-builder';
import { resolveWindowLayout, type WindowLayout, type WindowOptions } from './window-layout';

export interface TokenizeOptions extends WindowOptions {
  /** windows per chunk; default about 256 Ki tokens per chunk */
  windowsPerChunk?: number;
  /** how many most-frequent tokens stats() lists; default 20 */
  topN?: number;
}

export interface TokenizationStats extends DocumentTokenStats, WindowCounts {
  /** windows × contextLength */
  windowTokens: number;
  topTokens: TokenCount[];
}

export interface TokenWindowStream extends AsyncIterable<WindowChunk> {
  readonly layout: WindowLayout;
  readonly dtype: TokenDtype;
  readonly vocabSize: number;
  /** statistics so far; final once iteration has finished */
  stats(): TokenizationStats;
}

type DocumentSource = AsyncIterable<{ text: string }> | Iterable<{ text: string }>;

function isAsync(docs: DocumentSource): docs is AsyncIterable<{ text: string }> {
  return Symbol.asyncIterator in docs;
}

export function tokenizeDocuments(docs: DocumentSource, tokenizer: TextTokenizer, options: TokenizeOptions): TokenWindowStream {
  const layout = resolveWindowLayout(options, tokenizer);
  const dtype = dtypeForVocab(tokenizer.vocabSize, layout.bosId, layout.eosId, layout.padId);
  const windowsPerChunk = options.windowsPerChunk ?? Math.max(1, Math.floor((1 << 18) / layout.contextLength));
  const builder = new WindowBuilder(layout, dtype, windowsPerChunk);
  const collector = new TokenStatsCollector(Math.max(tokenizer.vocabSize, 1));
  let started = false;

  const add = (text: string): void => {
    const ids = tokenizer.encode(text);
    collector.addDocument(ids);
    builder.addDocument(ids);
  };

  async function* iterate(): AsyncGenerator<WindowChunk> {
    if (started) throw new Error('A TokenWindowStream can be read only once.');
    started = true;
    if (isAsync(docs)) {
      for await (const doc of docs) {
        add(doc.text);
        if (builder.hasReady) yield* builder.takeReady();
      }
    } else {
      // a plain loop: no await per document when the documents are already in memory
      for (const doc of docs) {
        add(doc.text);
        if (builder.hasReady) yield* builder.takeReady();
      }
    }
    builder.finish();
    yield* builder.takeReady();
  }

  return {
    [Symbol.asyncIterator]: iterate,
    layout,
    dtype,
    vocabSize: tokenizer.vocabSize,
    stats(): TokenizationStats {
      const counts = builder.counts();
      return {
        ...collector.snapshot(),
        ...counts,
        windowTokens: counts.windows * layout.contextLength,
        topTokens: collector.topTokens(options.topN ?? 20, tokenizer),
      };
    },
  };
}
