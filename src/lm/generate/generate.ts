// The generation loop: ask for the next token's logits, pick a token, stream the text, stop at the token
// budget, EOS, a stop sequence, the context length or a stop request. The model is behind NextTokenLogits
// (a full recompute, a KV cache, a steered graph: the loop does not care).
import { Prng } from '../../sae/prng';
import type { GenerationParams } from './params';
import { sampleToken } from './sampling';
import { findStop, visibleText } from './stop-sequences';

export interface NextTokenLogits {
  /** Logits [vocab] for the token after `ids`, the whole sequence so far (prompt included). */
  next(ids: readonly number[]): Promise<Float32Array>;
}

export type StopReason = 'length' | 'eos' | 'stop-sequence' | 'context' | 'stopped';

export interface GenerationState {
  /** generated token ids (EOS not included) */
  tokens: number[];
  /** the text of `tokens`, cut before a stop sequence once one appears; while running, without a pending stop prefix */
  text: string;
  /** the sampler's state after the last token, so an interrupted run continues with the same draws */
  prngState: number[];
  done: boolean;
  stopReason?: StopReason;
}

export interface GenerateOptions {
  model: NextTokenLogits;
  promptIds: readonly number[];
  params: GenerationParams;
  /** which sample of the run this is: draws come from Prng(params.seed + sample) */
  sample: number;
  decode(ids: readonly number[]): string;
  eosId?: number;
  /** the model's maximum sequence length (prompt + generated) */
  contextLength?: number;
  /** continue an earlier, unfinished run */
  resume?: Pick<GenerationState, 'tokens' | 'prngState'>;
  /** called after every token with the state so far (and once more when done) */
  onUpdate?(state: GenerationState): void | Promise<void>;
  /** checked before every token; true ends the run with stopReason 'stopped' */
  shouldStop?(): boolean;
}

export class PromptTooLongError extends Error {
  override readonly name = 'PromptTooLongError';
}

export async function generate(options: GenerateOptions): Promise<GenerationState> {
  const { model, promptIds, params, decode } = options;
  const stops = params.stopSequences;
  const limit = options.contextLength ?? Number.POSITIVE_INFINITY;
  if (promptIds.length === 0) throw new PromptTooLongError('The prompt is empty: write some text to continue.');
  if (promptIds.length >= limit) {
    throw new PromptTooLongError(`The prompt is ${promptIds.length} tokens long; this model reads at most ${limit}, so nothing is left to generate.`);
  }
  const prng = options.resume ? Prng.fromState(options.resume.prngState) : new Prng(params.seed + options.sample);
  const tokens = [...(options.resume?.tokens ?? [])];
  const state = (done: boolean, text: string, stopReason?: StopReason): GenerationState => {
    const s: GenerationState = { tokens: [...tokens], text, prngState: prng.getState(), done };
    if (stopReason) s.stopReason = stopReason;
    return s;
  };
  const finish = async (reason: StopReason, text = decode(tokens)): Promise<GenerationState> => {
    const at = findStop(text, stops);
    const final = state(true, at >= 0 ? text.slice(0, at) : text, at >= 0 ? 'stop-sequence' : reason);
    await options.onUpdate?.(final);
    return final;
  };

  for (;;) {
    if (tokens.length >= params.maxNewTokens) return finish('length');
    if (promptIds.length + tokens.length >= limit) return finish('context');
    if (options.shouldStop?.()) return finish('stopped');
    const sequence = [...promptIds, ...tokens];
    const logits = await model.next(sequence);
    const token = sampleToken(logits, sequence, params, prng);
    if (token === options.eosId) return finish('eos');
    tokens.push(token);
    const text = decode(tokens);
    if (findStop(text, stops) >= 0) return finish('stop-sequence', text);
    await options.onUpdate?.(state(false, visibleText(text, stops)));
  }
}
