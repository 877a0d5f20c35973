// How documents become fixed-length token windows. Both modes cut windows from a token stream built as
//   [BOS if bos='document'] doc tokens [EOS if appendEos]
// — in 'pack' one stream runs over all documents; in 'truncate' each document is its own stream.
// A window holds `body` stream tokens (contextLength, less 1 when bos='window' puts BOS first in every
// window); consecutive windows start `stride` stream tokens apart (stride < body: overlapping windows).
import { TokenizeError } from './errors';

export type WindowMode = 'pack' | 'truncate';
export type BosPlacement = 'none' | 'window' | 'document';

export interface WindowOptions {
  /** tokens per window */
  contextLength: number;
  /** 'pack' (default): documents run on, separated by EOS; 'truncate': one document per window, padded */
  mode?: WindowMode;
  /** where BOS goes: first in every window, before every document, or nowhere; default 'window' */
  bos?: BosPlacement;
  /** EOS after each document; default true for 'pack', false for 'truncate' */
  appendEos?: boolean;
  /** stream tokens between consecutive window starts; default the body length (no overlap) */
  stride?: number;
  /** 'truncate' only: continue a long document into further windows instead of cutting it; default false */
  overflow?: boolean;
  /** 'pack' only: the last, partial window is dropped (default) or padded */
  remainder?: 'drop' | 'pad';
  /** overrides of the tokenizer's special ids */
  bosId?: number;
  eosId?: number;
  padId?: number;
}

export interface WindowLayout {
  contextLength: number;
  mode: WindowMode;
  bos: BosPlacement;
  appendEos: boolean;
  /** stream tokens per window */
  body: number;
  stride: number;
  overflow: boolean;
  remainder: 'drop' | 'pad';
  bosId: number | null;
  eosId: number | null;
  padId: number;
  /** windows can hold padding, so a length per window is kept */
  hasLengths: boolean;
}

function wholeNumber(value: number, min: number, max: number, what: string, action: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TokenizeError(`${what} must be a whole number from ${min} to ${max} (got ${value}).`, action);
  }
  return value;
}

/** Resolves defaults and checks the options against the tokenizer's special ids. */
export function resolveWindowLayout(options: WindowOptions, specials: { bosId: number | null; eosId: number | null; padId: number | null }): WindowLayout {
  const mode = options.mode ?? 'pack';
  const bos = options.bos ?? 'window';
  const appendEos = options.appendEos ?? mode === 'pack';
  const bosId = options.bosId ?? specials.bosId;
  const eosId = options.eosId ?? specials.eosId;
  if (bos !== 'none' && bosId === null) {
    throw new TokenizeError('This tokenizer has no beginning-of-sequence (BOS) token.', 'Choose "no BOS", or give the BOS token id.');
  }
  if (appendEos && eosId === null) {
    throw new TokenizeError('This tokenizer has no end-of-sequence (EOS) token to separate documents.', 'Turn off the EOS separator, or give the EOS token id.');
  }
  const contextLength = wholeNumber(options.contextLength, bos === 'window' ? 2 : 1, 1 << 20, 'The context length', 'Choose a context length such as 128 or 1024.');
  const body = contextLength - (bos === 'window' ? 1 : 0);
  const stride = wholeNumber(options.stride ?? body, 1, body, 'The stride', `Choose a stride from 1 to ${body} tokens (${body} means no overlap).`);
  const remainder = options.remainder ?? 'drop';
  // padding is only ever read through the lengths, so EOS (or 0) is a safe default
  const padId = options.padId ?? specials.padId ?? eosId ?? 0;
  return {
    contextLength,
    mode,
    bos,
    appendEos,
    body,
    stride,
    overflow: mode === 'truncate' && (options.overflow ?? false),
    remainder,
    bosId: bos === 'none' ? null : bosId,
    eosId: appendEos ? eosId : null,
    padId,
    hasLengths: mode === 'truncate' || remainder === 'pad',
  };
}
