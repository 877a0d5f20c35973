// Tokenization throughput for `npm run bench`: the tokenize job's per-chunk work (encode, statistics,
// windowing, encoding each chunk as a token-windows part and writing it to the BlobStore) against a bare
// loop over tokenizer.encode on the same documents. overhead = bare speed ÷ pipeline speed (target ≤ 1.15).
import { tokenizeDocuments, tokenizerFromJson, type TextTokenizer, type TokenizeOptions } from '../../data/tokenize';
import { tokenWindowsSpecOf } from '../../data/token-windows';
import type { BlobStore } from '../../store/blob-store';
import { openBlobStore } from '../../store/open-blob-store';
import { encodeWindowPart } from './window-parts';

export interface TokenizationBenchOptions {
  /** default: the tiny GPT-2 fixture, fetched from the dev server */
  tokenizer?: TextTokenizer;
  tokenizerUrl?: string;
  tokenizerConfigUrl?: string;
  /** default: the lines of the tiny text fixture, repeated up to `documentCount` */
  documents?: readonly string[];
  corpusUrl?: string;
  documentCount?: number;
  contextLength?: number;
  /** passes of each side, alternating; the fastest counts (default 5) */
  repeats?: number;
  /** where parts go: the page's BlobStore (the job's path, default) or nowhere (pipeline only) */
  store?: 'blobstore' | 'none';
  /** tokens per stored part, as in the job (default 2 Mi) */
  partTokens?: number;
}

export interface TokenizationBenchResult {
  documents: number;
  /** tokens the tokenizer produced per pass */
  tokens: number;
  windows: number;
  storedBytes: number;
  store: 'opfs' | 'idb' | 'none';
  pipelineTokensPerSecond: number;
  bareTokensPerSecond: number;
  /** bare ÷ pipeline: 1.0 is no overhead */
  overhead: number;
  /**
   * 1 + (the pipeline's own time, with encode answered from a cache) ÷ (bare encode time): the same ratio
   * measured without timing encode twice, so it holds still on a busy machine where `overhead` jitters
   */
  isolatedOverhead: number;
}

const DEFAULT_TOKENIZER_URL = '/test/fixtures/lm/tiny-gpt2/tokenizer.json';
const DEFAULT_TOKENIZER_CONFIG_URL = '/test/fixtures/lm/tiny-gpt2/tokenizer_config.json';
const DEFAULT_CORPUS_URL = '/test/fixtures/datasets/tiny.txt';

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The bench could not load ${url} (HTTP ${response.status}).`);
  return response;
}

function bare(docs: readonly string[], tokenizer: TextTokenizer): number {
  let tokens = 0;
  for (const doc of docs) tokens += tokenizer.encode(doc).length;
  return tokens;
}

async function pipeline(docs: readonly string[], tokenizer: TextTokenizer, options: TokenizeOptions, blobs: BlobStore | null, pass: number): Promise<{ tokens: number; windows: number; bytes: number }> {
  const stream = tokenizeDocuments(
    docs.map((text) => ({ text })),
    tokenizer,
    options,
  );
  const spec = tokenWindowsSpecOf(stream);
  let part = 0;
  let bytes = 0;
  for await (const chunk of stream) {
    const encoded = await encodeWindowPart(chunk, spec);
    if (blobs) await blobs.write(`bench/tokenize/${pass}/${part}.mitw`, encoded);
    bytes += encoded.byteLength;
    part++;
  }
  const stats = stream.stats();
  return { tokens: stats.documentTokens, windows: stats.windows, bytes };
}

/** Runs in the page: `await benchTokenization()` with the tiny GPT-2 tokenizer and corpus by default. */
export async function benchTokenization(options: TokenizationBenchOptions = {}): Promise<TokenizationBenchResult> {
  const tokenizer =
    options.tokenizer ??
    tokenizerFromJson(
      await (await fetchOk(options.tokenizerUrl ?? DEFAULT_TOKENIZER_URL)).json(),
      await (await fetchOk(options.tokenizerConfigUrl ?? DEFAULT_TOKENIZER_CONFIG_URL)).json(),
    );
  const lines =
    options.documents ??
    (await (await fetchOk(options.corpusUrl ?? DEFAULT_CORPUS_URL)).text())
      .split('\n')
      .filter((l) => l.trim() !== '');
  const count = options.documentCount ?? 20_000;
  const docs = Array.from({ length: Math.max(count, lines.length === 0 ? 0 : 1) }, (_, i) => lines[i % lines.length]!);
  const contextLength = options.contextLength ?? 64;
  const windowsPerChunk = Math.max(1, Math.floor((options.partTokens ?? 1 << 21) / contextLength));
  const windowOptions: TokenizeOptions = {
    contextLength,
    bos: tokenizer.bosId === null ? 'none' : 'window',
    appendEos: tokenizer.eosId !== null,
    windowsPerChunk,
  };
  const blobs = (options.store ?? 'blobstore') === 'blobstore' ? await openBlobStore() : null;
  const repeats = Math.max(1, options.repeats ?? 5);
  try {
    // warm both paths (JIT, tokenizer caches, the store) before timing
    const tokens = bare(docs, tokenizer);
    let last = await pipeline(docs, tokenizer, windowOptions, blobs, 0);
    let bareMs = Infinity;
    let pipelineMs = Infinity;
    for (let r = 0; r < repeats; r++) {
      let t0 = performance.now();
      bare(docs, tokenizer);
      bareMs = Math.min(bareMs, performance.now() - t0);
      t0 = performance.now();
      last = await pipeline(docs, tokenizer, windowOptions, blobs, r + 1);
      pipelineMs = Math.min(pipelineMs, performance.now() - t0);
    }
    if (last.tokens !== tokens) throw new Error(`The pipeline produced ${last.tokens} tokens where the bare loop produced ${tokens}.`);
    // the pipeline's own cost: the same run with every encode answered from memory
    const encoded = new Map<string, number[]>();
    for (const doc of docs) if (!encoded.has(doc)) encoded.set(doc, tokenizer.encode(doc));
    const cached: TextTokenizer = { ...tokenizer, encode: (text) => encoded.get(text) ?? tokenizer.encode(text) };
    let ownMs = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await pipeline(docs, cached, windowOptions, blobs, repeats + r + 1);
      ownMs = Math.min(ownMs, performance.now() - t0);
    }
    const bareTokensPerSecond = (tokens / Math.max(bareMs, 1e-6)) * 1000;
    const pipelineTokensPerSecond = (tokens / Math.max(pipelineMs, 1e-6)) * 1000;
    return {
      documents: docs.length,
      tokens,
      windows: last.windows,
      storedBytes: last.bytes,
      store: blobs ? blobs.kind : 'none',
      pipelineTokensPerSecond,
      bareTokensPerSecond,
      overhead: bareTokensPerSecond / pipelineTokensPerSecond,
      isolatedOverhead: 1 + ownMs / Math.max(bareMs, 1e-6),
    };
  } finally {
    if (blobs) for (const key of await blobs.list('bench/tokenize/')) await blobs.delete(key);
  }
}
