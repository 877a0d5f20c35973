// A micro-benchmark (not a test): tokens per second through the whole pipeline (encode + statistics +
// windowing into typed chunks) against a bare loop over tokenizer.encode on the same documents. The bench
// prints pipeline / bare as the pipeline's overhead.
import type { TextTokenizer } from './text-tokenizer';
import { tokenizeDocuments, type TokenizeOptions } from './tokenize-documents';

export interface TokenizeThroughput {
  /** tokens the tokenizer produced per pass */
  tokens: number;
  pipelineTokensPerSecond: number;
  bareTokensPerSecond: number;
  /** bare ÷ pipeline speed: 1.0 means no overhead; the target is ≤ 1.15 */
  overhead: number;
}

export interface ThroughputOptions {
  /** passes of each, alternating; the fastest pass counts (default 5) */
  repeats?: number;
  windowOptions?: TokenizeOptions;
}

function bareTokenCount(docs: readonly string[], tokenizer: TextTokenizer): number {
  let tokens = 0;
  for (const doc of docs) tokens += tokenizer.encode(doc).length;
  return tokens;
}

async function pipelineTokenCount(docs: readonly string[], tokenizer: TextTokenizer, options: TokenizeOptions): Promise<number> {
  const stream = tokenizeDocuments(
    docs.map((text) => ({ text })),
    tokenizer,
    options,
  );
  let windows = 0;
  for await (const chunk of stream) windows += chunk.count;
  if (windows !== stream.stats().windows) throw new Error('pipeline lost windows');
  return stream.stats().documentTokens;
}

export async function measureTokenizeThroughput(docs: readonly string[], tokenizer: TextTokenizer, options: ThroughputOptions = {}): Promise<TokenizeThroughput> {
  const repeats = Math.max(1, options.repeats ?? 5);
  const windowOptions: TokenizeOptions = options.windowOptions ?? { contextLength: 128, bos: tokenizer.bosId === null ? 'none' : 'window', appendEos: tokenizer.eosId !== null };
  // warm both paths (JIT, tokenizer caches) before timing
  const tokens = bareTokenCount(docs, tokenizer);
  await pipelineTokenCount(docs, tokenizer, windowOptions);
  let bare = Infinity;
  let pipeline = Infinity;
  for (let r = 0; r < repeats; r++) {
    let t0 = performance.now();
    bareTokenCount(docs, tokenizer);
    bare = Math.min(bare, performance.now() - t0);
    t0 = performance.now();
    await pipelineTokenCount(docs, tokenizer, windowOptions);
    pipeline = Math.min(pipeline, performance.now() - t0);
  }
  const bareTokensPerSecond = (tokens / Math.max(bare, 1e-6)) * 1000;
  const pipelineTokensPerSecond = (tokens / Math.max(pipeline, 1e-6)) * 1000;
  return { tokens, pipelineTokensPerSecond, bareTokensPerSecond, overhead: bareTokensPerSecond / pipelineTokensPerSecond };
}
