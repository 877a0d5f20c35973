// The pipeline with the tiny GPT-2 byte-level BPE tokenizer: exact agreement with direct tokenizer calls,
// statistics, previews and the uint32 path.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { importTxt } from '../../../src/data/importers';
import {
  TokenizeError,
  previewTokens,
  tokenSpans,
  tokenizeDocuments,
  tokenizerFromJson,
  type TextTokenizer,
  type WindowChunk,
} from '../../../src/data/tokenize';

const LM = resolve(import.meta.dirname, '../../fixtures/lm/tiny-gpt2');
const tokenizerJson = JSON.parse(readFileSync(resolve(LM, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
const tokenizerConfig = JSON.parse(readFileSync(resolve(LM, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
const tinyText = readFileSync(resolve(import.meta.dirname, '../../fixtures/datasets/tiny.txt'), 'utf8');
const DOCS = tinyText.split('\n').filter((l) => l.trim().length > 0);

const direct = new Tokenizer(tokenizerJson, tokenizerConfig);
const encodeDirect = (text: string): number[] => direct.encode(text, { add_special_tokens: false }).ids;
const tokenizer = tokenizerFromJson(tokenizerJson, tokenizerConfig);
const EOT = direct.token_to_id('<|endoftext|>')!;

async function allWindows(chunks: AsyncIterable<WindowChunk>, contextLength: number): Promise<{ windows: number[][]; lengths: number[] }> {
  const windows: number[][] = [];
  const lengths: number[] = [];
  for await (const chunk of chunks) {
    for (let w = 0; w < chunk.count; w++) windows.push([...chunk.tokens.subarray(w * contextLength, (w + 1) * contextLength)]);
    if (chunk.lengths) lengths.push(...chunk.lengths);
  }
  return { windows, lengths };
}

/** tokenizer.json with every id moved up by `offset`, for a vocabulary beyond uint16. */
function shiftedTokenizerJson(offset: number): Record<string, unknown> {
  const model = tokenizerJson['model'] as { vocab: Record<string, number> };
  const added = tokenizerJson['added_tokens'] as { id: number }[];
  return {
    ...tokenizerJson,
    model: { ...model, vocab: Object.fromEntries(Object.entries(model.vocab).map(([t, id]) => [t, id + offset])) },
    added_tokens: added.map((t) => ({ ...t, id: t.id + offset })),
  };
}

describe('tokenizer adapter', () => {
  it('reads the vocabulary size and special ids from tokenizer.json + tokenizer_config.json', () => {
    expect(tokenizer.vocabSize).toBe(300);
    expect(tokenizer.bosId).toBe(EOT);
    expect(tokenizer.eosId).toBe(EOT);
    expect(tokenizer.padId).toBeNull();
    // without the config, the conventional names are found
    const bare = tokenizerFromJson(tokenizerJson);
    expect([bare.bosId, bare.eosId]).toEqual([EOT, EOT]);
    for (const doc of DOCS.slice(0, 20)) expect(tokenizer.encode(doc)).toEqual(encodeDirect(doc));
    expect(tokenizer.decode(tokenizer.encode('Café ☕ 42'))).toBe('Café ☕ 42');
  });

  it('rejects something that is not a tokenizer.json', () => {
    expect(() => tokenizerFromJson({ hello: 1 })).toThrow(TokenizeError);
    expect(() => tokenizerFromJson('nope')).toThrow(/not a tokenizer\.json/);
  });
});

describe('tokenizing documents', () => {
  it('packs exactly the direct tokenizer ids, EOS-separated, BOS first in each window', async () => {
    const ctx = 16;
    const stream = tokenizeDocuments(importTxt(new Blob([tinyText])), tokenizer, { contextLength: ctx, windowsPerChunk: 7 });
    expect(stream.dtype).toBe('uint16');
    const { windows } = await allWindows(stream, ctx);
    const expectedStream = DOCS.flatMap((d) => [...encodeDirect(d), EOT]);
    const full = Math.floor(expectedStream.length / (ctx - 1));
    expect(windows.length).toBe(full);
    for (const w of windows) expect(w[0]).toBe(EOT);
    expect(windows.flatMap((w) => w.slice(1))).toEqual(expectedStream.slice(0, full * (ctx - 1)));

    const stats = stream.stats();
    const documentTokens = DOCS.reduce((n, d) => n + encodeDirect(d).length, 0);
    expect(stats).toMatchObject({
      documents: DOCS.length,
      emptyDocuments: 0,
      documentTokens,
      windows: full,
      windowTokens: full * ctx,
      paddingTokens: 0,
      droppedTokens: expectedStream.length - full * (ctx - 1),
      specialTokens: DOCS.length + full,
    });
  });

  it('truncates per document with padding and lengths that match the direct token counts', async () => {
    const ctx = 8;
    const docs = DOCS.slice(0, 50).map((text) => ({ text }));
    const stream = tokenizeDocuments(docs, tokenizer, { contextLength: ctx, mode: 'truncate', bos: 'document', padId: 0 });
    const { windows, lengths } = await allWindows(stream, ctx);
    expect(windows.length).toBe(50);
    docs.forEach(({ text }, i) => {
      const ids = [EOT, ...encodeDirect(text)].slice(0, ctx);
      expect(lengths[i]).toBe(ids.length);
      expect(windows[i]).toEqual([...ids, ...new Array<number>(ctx - ids.length).fill(0)]);
    });
  });

  it('reports token statistics: unique tokens, per-document histogram, top tokens with strings', async () => {
    const stream = tokenizeDocuments(
      DOCS.map((text) => ({ text })),
      tokenizer,
      { contextLength: 32, topN: 5 },
    );
    for await (const chunk of stream) expect(chunk.count).toBeGreaterThan(0);
    const stats = stream.stats();
    const counts = new Map<number, number>();
    const perDoc = DOCS.map((d) => encodeDirect(d));
    for (const ids of perDoc) for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(stats.uniqueTokens).toBe(counts.size);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5);
    expect(stats.topTokens.map((t) => [t.id, t.count])).toEqual(top);
    expect(stats.topTokens[0]!.token).toBe(direct.id_to_token(top[0]![0]));
    expect(stats.topTokens[0]!.text).toBe(direct.decode([top[0]![0]]));
    expect(stats.tokensPerDocument.counts.reduce((a, b) => a + b, 0)).toBe(DOCS.length);
    expect(stats.maxDocTokens).toBe(Math.max(...perDoc.map((ids) => ids.length)));
    expect(stats.minDocTokens).toBe(Math.min(...perDoc.map((ids) => ids.length)));
  });

  it('counts documents that give no tokens and leaves them out', async () => {
    const stream = tokenizeDocuments([{ text: 'a b' }, { text: '' }, { text: 'c' }], tokenizer, { contextLength: 2, bos: 'none', remainder: 'pad' });
    const { windows, lengths } = await allWindows(stream, 2);
    expect(windows.flatMap((w, i) => w.slice(0, lengths[i]))).toEqual([...encodeDirect('a b'), EOT, ...encodeDirect('c'), EOT]);
    expect(stream.stats()).toMatchObject({ documents: 3, emptyDocuments: 1 });
  });

  it('stores ids above 65535 in uint32 windows', async () => {
    const offset = 70000;
    const big = tokenizerFromJson(shiftedTokenizerJson(offset), tokenizerConfig);
    expect(big.vocabSize).toBe(offset + 300);
    expect(big.eosId).toBe(EOT + offset);
    const text = DOCS[0]!;
    const stream = tokenizeDocuments([{ text }], big, { contextLength: 64, bos: 'window', remainder: 'pad' });
    expect(stream.dtype).toBe('uint32');
    const chunks: WindowChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.tokens).toBeInstanceOf(Uint32Array);
    const expected = [EOT, ...encodeDirect(text), EOT].map((id) => id + offset);
    expect([...chunks[0]!.tokens.subarray(0, expected.length)]).toEqual(expected);
  });

  it('refuses ids outside the vocabulary rather than storing them wrapped', async () => {
    const liar: TextTokenizer = { ...tokenizer, vocabSize: 10, encode: () => [5, 70000], decode: () => '', tokenString: () => '' };
    const stream = tokenizeDocuments([{ text: 'x' }], liar, { contextLength: 4, bos: 'none', appendEos: false });
    await expect(allWindows(stream, 4)).rejects.toThrow(/outside its vocabulary/);
  });
});

describe('token previews', () => {
  it('gives each token its piece and offsets; a split character goes to the token that completes it', () => {
    const text = 'The cat sat. Café ☕!';
    const preview = previewTokens(text, tokenizer);
    expect(preview.text).toBe(text);
    expect(preview.truncated).toBe(false);
    const ids = encodeDirect(text);
    expect(preview.spans.map((s) => s.id)).toEqual(ids);
    let at = 0;
    for (const span of preview.spans) {
      expect(span.start).toBe(at);
      expect(text.slice(span.start, span.end)).toBe(span.piece);
      expect(span.token).toBe(direct.id_to_token(span.id));
      at = span.end;
    }
    expect(at).toBe(text.length);
    const e = preview.spans.findIndex((s) => s.piece.includes('é'));
    expect(preview.spans[e - 1]!.piece).toBe(''); // the first byte of 'é' alone
    expect(preview.spans.some((s) => s.piece.includes('☕'))).toBe(true);
  });

  it('cuts long texts and shows stored windows (special tokens included)', () => {
    const long = previewTokens(DOCS.slice(0, 10).join(' '), tokenizer, 12);
    expect(long.truncated).toBe(true);
    expect(long.spans.length).toBe(12);
    const window = tokenSpans([EOT, ...encodeDirect('Hi there')], tokenizer);
    expect(window.text).toBe('<|endoftext|>Hi there');
    expect(window.spans[0]).toMatchObject({ id: EOT, start: 0, end: 13 });
  });
});
