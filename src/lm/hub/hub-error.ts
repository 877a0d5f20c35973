// Failures talking to the Hub, with a kind callers can branch on and a message a person can act on.
export type HubErrorKind =
  | 'repo-not-found'
  | 'revision-not-found'
  | 'file-not-found'
  | 'unauthorized'
  | 'rate-limited'
  | 'network'
  | 'interrupted'
  | 'range-not-satisfiable'
  | 'bad-response'
  | 'http';

export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
