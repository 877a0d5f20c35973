// "Try it": a prompt's tokens and the model's most likely next tokens, from one forward pass.
import type { TextTokenizer } from '../../data/tokenize';
import { promptBatch } from './lm-inputs';
import type { LmBackend, LmSession } from './lm-session';
import { topNextTokens } from './top-tokens';

export interface PromptToken {
  id: number;
  /** the token's text (spaces and newlines as they are) */
  text: string;
}

export interface PromptResult {
  prompt: string;
  tokens: PromptToken[];
  next: (PromptToken & { probability: number })[];
  backend: LmBackend;
  /** milliseconds the forward pass took */
  ms: number;
  at: number;
}

export class PromptError extends Error {
  override readonly name = 'PromptError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

export async function tryPrompt(
  session: LmSession,
  tokenizer: TextTokenizer,
  prompt: string,
  options: { topK: number; contextLength?: number; now?: () => number },
): Promise<PromptResult> {
  const now = options.now ?? (() => performance.now());
  const ids = tokenizer.encode(prompt);
  if (ids.length === 0) throw new PromptError('The prompt has no tokens.', 'Type some text.');
  if (options.contextLength !== undefined && ids.length > options.contextLength) {
    throw new PromptError(`The prompt is ${ids.length} tokens long; this model reads at most ${options.contextLength}.`, 'Shorten the prompt.');
  }
  const logitsName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
  if (logitsName === undefined) throw new PromptError('The model has no outputs.', 'Use a language-model export with a logits output.');
  const started = now();
  const out = await session.run(promptBatch(ids), [logitsName]);
  const logits = out[logitsName];
  if (!logits || logits.dims.length !== 3 || logits.type !== 'float32') {
    throw new PromptError(`The model's "${logitsName}" output is not [batch, sequence, vocabulary] float32 logits.`, 'Use a language-model export (…ForCausalLM) with float32 logits.');
  }
  const vocab = logits.dims[2] as number;
  const data = (logits.location === 'cpu' ? logits.data : await logits.getData()) as Float32Array;
  logits.dispose();
  const ms = now() - started;
  const text = (id: number) => tokenizer.decode([id]);
  return {
    prompt,
    tokens: ids.map((id) => ({ id, text: text(id) })),
    next: topNextTokens(data, vocab, ids.length - 1, options.topK).map((t) => ({ id: t.id, text: text(t.id), probability: t.probability })),
    backend: session.backend,
    ms,
    at: Date.now(),
  };
}
