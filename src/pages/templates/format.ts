// Compact numbers for template tables.

/** 16384 → "16,384"; undefined → "—" */
export function formatCount(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString('en-US');
}

/** Hyperparameters: small values in exponent form (2e-4), others as written (0.3, 5). */
export function formatParam(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n !== 0 && Math.abs(n) < 1e-3) return n.toExponential();
  return String(Number(n.toPrecision(6)));
}
