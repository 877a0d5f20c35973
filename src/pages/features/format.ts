// How feature numbers read in the browser and on a feature's page.

/** A share of tokens as a percentage with enough digits for rare features ("0.0031%"). */
export function formatDensity(density: number | undefined): string {
  if (density === undefined || !Number.isFinite(density)) return '—';
  if (density === 0) return '0%';
  const percent = density * 100;
  if (percent >= 10) return `${percent.toFixed(1)}%`;
  if (percent >= 0.01) return `${percent.toPrecision(2)}%`;
  return `${percent.toExponential(1)}%`;
}

/** An activation value, three significant digits. */
export function formatActivation(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1000 || abs < 0.001 ? value.toExponential(2) : value.toPrecision(3);
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en');
}
