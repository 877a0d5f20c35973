// A tokenization setting or tokenizer the pipeline cannot work with, said so a user can fix it.
export class TokenizeError extends Error {
  override readonly name = 'TokenizeError';
  /** what the user can do about it */
  readonly action: string;

  constructor(message: string, action: string, options?: { cause?: unknown }) {
    super(message, options);
    this.action = action;
  }
}
