// A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) behind a small typed interface.
// @huggingface/tokenizers is pure JS, so this runs the same in workers, pages and Node.
import { Tokenizer } from '@huggingface/tokenizers';

export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
}

export interface TextTokenizer {
  /** Token ids for `text`; special tokens (e.g. a BOS) only where the tokenizer's post-processor adds them. */
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** The string of each id, for showing tokens one by one (byte-level BPE shows spaces as 'Ġ'). */
  idToToken(id: number): string | undefined;
  /** Number of ids, added tokens included. */
  vocabSize: number;
  bosId: number | undefined;
  eosId: number | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The token string a config field names: either a string or an AddedToken object {content}. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.content === 'string') return value.content;
  return undefined;
}

export function loadTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown = {}): TextTokenizer {
  if (!isRecord(tokenizerJson) || !isRecord(tokenizerJson.model)) {
    throw new TokenizerError('tokenizer.json is not a Hugging Face tokenizer: it has no "model" section.');
  }
  const config = isRecord(tokenizerConfig) ? tokenizerConfig : {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TokenizerError(`This tokenizer could not be loaded (${reason}).`, { cause });
  }
  const idOf = (field: string): number | undefined => {
    const content = tokenContent(config[field]);
    return content === undefined ? undefined : tokenizer.token_to_id(content);
  };
  const vocab = tokenizer.get_vocab(true);
  return {
    encode: (text, { addSpecialTokens = true } = {}) => tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids,
    decode: (ids, { skipSpecialTokens = false } = {}) => tokenizer.decode([...ids], { skip_special_tokens: skipSpecialTokens }),
    idToToken: (id) => tokenizer.id_to_token(id),
    vocabSize: Math.max(...vocab.values()) + 1,
    bosId: idOf('bos_token'),
    eosId: idOf('eos_token'),
  };
}
