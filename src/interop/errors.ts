// Typed failures of every import and export in interop/: a code the UI can branch on, a message a user
// understands and an action they can take. Errors from lower layers (safetensors, SAELens cfg checks,
// fflate, fetch) are wrapped, never passed through raw, so callers need to handle only this class.

export type InteropErrorCode =
  | 'not-zip' // the bytes are not a zip archive
  | 'truncated' // the file ends too early (cut-off download or copy)
  | 'corrupt' // damaged data: checksum mismatch, bad compressed stream, inconsistent headers
  | 'unsupported' // a valid file using a feature or version we do not read
  | 'bad-json' // a JSON file that does not parse
  | 'missing-entry' // a required file or part is absent
  | 'manifest-mismatch' // a bundle's manifest disagrees with its contents
  | 'invalid-data' // well-formed but wrong content: a row with a bad field, a dangling reference
  | 'wrong-dims' // tensor shapes or sizes that disagree
  | 'unknown-architecture' // an SAE architecture we cannot run
  | 'ambiguous' // several candidates (e.g. SAE folders) and no choice made
  | 'too-large' // beyond a format limit (zip32) or a safety limit
  | 'invalid-option' // a bad argument (repository name, feature list, template)
  | 'network' // the server could not be reached
  | 'auth' // 401/403: private or gated repository
  | 'not-found' // 404
  | 'http'; // any other HTTP failure

export class InteropError extends Error {
  override readonly name = 'InteropError';
  readonly code: InteropErrorCode;
  /** what the user can do about it */
  readonly action: string;
  /** choices the user can pick from ('ambiguous'), e.g. candidate folder paths */
  readonly candidates: readonly string[];

  constructor(code: InteropErrorCode, message: string, action: string, options?: { cause?: unknown; candidates?: readonly string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.action = action;
    this.candidates = options?.candidates ?? [];
  }
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs `fn`; anything it throws that is not already an InteropError becomes one made by `wrap`. */
export function guard<T>(fn: () => T, wrap: (cause: unknown) => InteropError): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InteropError) throw e;
    throw wrap(e);
  }
}

/** The async twin of guard. */
export async function guardAsync<T>(fn: () => Promise<T>, wrap: (cause: unknown) => InteropError): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InteropError) throw e;
    throw wrap(e);
  }
}

/** Aborts are the caller's own doing: they pass through unwrapped. */
export function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
