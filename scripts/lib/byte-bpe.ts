// Trains a tiny byte-level BPE (GPT-2 style) and writes it in Hugging Face tokenizers' tokenizer.json format.

/** GPT-2's reversible byte → printable character map (bytes_to_unicode), in GPT-2's id order. */
export function bytesToUnicode(): [number, string][] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const pairs: [number, string][] = printable.map((b) => [b, String.fromCharCode(b)]);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) pairs.push([b, String.fromCharCode(256 + extra++)]);
  }
  return pairs;
}

/** GPT-2's pre-tokenization pattern, as written in its tokenizer.json. */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export interface ByteBpe {
  vocab: Map<string, number>;
  merges: [string, string][];
}

/** Learns `mergeCount` merges from `texts`; ties break on the smaller pair so the result is deterministic. */
export function trainByteBpe(texts: readonly string[], mergeCount: number): ByteBpe {
  const byteChar = new Map(bytesToUnicode());
  const encoder = new TextEncoder();
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const match of text.matchAll(GPT2_PATTERN)) {
      const word = Array.from(encoder.encode(match[0]), (b) => byteChar.get(b) as string).join('');
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    }
  }
  const words = [...wordCounts].map(([word, count]) => ({ symbols: Array.from(word), count }));
  const vocab = new Map<string, number>();
  for (const [, char] of bytesToUnicode()) vocab.set(char, vocab.size);
  const merges: [string, string][] = [];
  for (let m = 0; m < mergeCount; m++) {
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]}\u0000${symbols[i + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) [best, bestCount] = [key, count];
    }
    if (best === undefined || bestCount < 2) break;
    const [left, right] = best.split('\u0000') as [string, string];
    merges.push([left, right]);
    vocab.set(left + right, vocab.size);
    for (const word of words) {
      const merged: string[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (word.symbols[i] === left && word.symbols[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else merged.push(word.symbols[i] as string);
      }
      word.symbols = merged;
    }
  }
  return { vocab, merges };
}

/** tokenizer.json for a GPT-2-style byte-level BPE with one special token appended after the vocab. */
export function tokenizerJson(bpe: ByteBpe, specialToken: string): { json: object; specialId: number } {
  const specialId = bpe.vocab.size;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: specialId, content: specialToken, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(bpe.vocab),
      merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  return { json, specialId };
}
