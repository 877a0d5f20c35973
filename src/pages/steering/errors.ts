// A thrown error as the page shows it: the message, and the action when the error carries one.
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const action = 'action' in err && typeof err.action === 'string' ? ` ${err.action}` : '';
  return `${err.message}${action}`;
}
