// A thrown value as a message and, when the error carries one, what the user can do about it.
export interface ShownError {
  message: string;
  action?: string;
}

export function shownError(error: unknown): ShownError {
  const message = error instanceof Error ? error.message : String(error);
  const action = typeof error === 'object' && error !== null && 'action' in error && typeof error.action === 'string' ? error.action : undefined;
  return action === undefined ? { message } : { message, action };
}
