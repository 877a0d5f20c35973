// The tokenizer as the data pipeline sees it: text → ids without special tokens (the pipeline places BOS
// and EOS itself), ids → text, and the special ids. Built from a Hub tokenizer.json (+ tokenizer_config.json)
// with @huggingface/tokenizers; anything else with this shape (a test double, another wrapper) works too.
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenizeError } from './errors';

export interface TextTokenizer {
  /** largest id + 1, added tokens included */
  readonly vocabSize: number;
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly padId: number | null;
  /** ids for `text`, with no special tokens added */
  encode(text: string): number[];
  /** text for `ids`, special tokens kept, no clean-up of spaces (so pieces concatenate exactly) */
  decode(ids: readonly number[]): string;
  /** the vocabulary string of an id ('Ġworld'); '' if unknown */
  tokenString(id: number): string;
}

const BOS_NAMES = ['<|begin_of_text|>', '<s>', '<bos>', '<|startoftext|>', '<|endoftext|>'];
const EOS_NAMES = ['<|endoftext|>', '</s>', '<eos>', '<|end_of_text|>', '<|eot_id|>'];
const PAD_NAMES = ['<pad>', '[PAD]', '<|pad|>'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** tokenizer_config.json names special tokens as a string or as {content: string}. */
function configToken(config: Record<string, unknown>, key: string): string | null {
  const value = config[key];
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value['content'] === 'string') return value['content'];
  return null;
}

export function tokenizerFromJson(tokenizerJson: unknown, tokenizerConfig: unknown = {}): TextTokenizer {
  if (!isRecord(tokenizerJson) || !isRecord(tokenizerJson['model'])) {
    throw new TokenizeError('This is not a tokenizer.json file (it has no "model" section).', 'Use the tokenizer.json that comes with the model.');
  }
  const config = isRecord(tokenizerConfig) ? tokenizerConfig : {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, config);
  } catch (cause) {
    throw new TokenizeError(
      `The tokenizer cannot be loaded (${cause instanceof Error ? cause.message : String(cause)}).`,
      'This tokenizer type may not be supported in the browser; try a model with a BPE, WordPiece or Unigram tokenizer.',
      { cause },
    );
  }
  let maxId = -1;
  for (const id of tokenizer.get_vocab(true).values()) if (id > maxId) maxId = id;
  const idOf = (token: string | null): number | null => (token === null ? null : (tokenizer.token_to_id(token) ?? null));
  const firstKnown = (names: string[]): number | null => {
    for (const name of names) {
      const id = tokenizer.token_to_id(name);
      if (id !== undefined) return id;
    }
    return null;
  };
  const bosId = idOf(configToken(config, 'bos_token')) ?? firstKnown(BOS_NAMES);
  const eosId = idOf(configToken(config, 'eos_token')) ?? firstKnown(EOS_NAMES);
  const padId = idOf(configToken(config, 'pad_token')) ?? firstKnown(PAD_NAMES);
  const encodeOptions = { add_special_tokens: false };
  const decodeOptions = { skip_special_tokens: false, clean_up_tokenization_spaces: false };
  return {
    vocabSize: maxId + 1,
    bosId,
    eosId,
    padId,
    encode: (text) => tokenizer.encode(text, encodeOptions).ids,
    decode: (ids) => tokenizer.decode(ids as number[], decodeOptions),
    tokenString: (id) => tokenizer.id_to_token(id) ?? '',
  };
}
