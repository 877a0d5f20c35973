// Pure helpers of TokenText: the colour of a token from its activation, and how a token's text is shown
// (whitespace and control characters made visible). No DOM, so they test in Node.

export interface Shade {
  /** 0 … 1, ∝ |act| / max */
  alpha: number;
  /** 1: positive activation, −1: negative, 0: none */
  sign: 1 | -1 | 0;
}

/** The largest |activation| (0 for none), the default scale of a row of tokens. */
export function activationScale(activations: readonly number[]): number {
  let max = 0;
  for (const a of activations) if (Number.isFinite(a) && Math.abs(a) > max) max = Math.abs(a);
  return max;
}

export function tokenShade(act: number, max: number): Shade {
  if (!Number.isFinite(act) || act === 0 || !(max > 0)) return { alpha: 0, sign: 0 };
  return { alpha: Math.min(1, Math.abs(act) / max), sign: act > 0 ? 1 : -1 };
}

/** Warm for positive activations, cool for negative; transparent for none. */
export const POSITIVE_RGB = [255, 150, 60] as const;
export const NEGATIVE_RGB = [90, 160, 255] as const;

/** A CSS background colour for the token (alpha rounded to 3 places). */
export function shadeColor(act: number, max: number): string {
  const { alpha, sign } = tokenShade(act, max);
  if (sign === 0) return 'transparent';
  const [r, g, b] = sign > 0 ? POSITIVE_RGB : NEGATIVE_RGB;
  return `rgba(${r}, ${g}, ${b}, ${Math.round(alpha * 1000) / 1000})`;
}

const VISIBLE: Readonly<Record<string, string>> = {
  '\n': '↵',
  '\r': '␍',
  '\t': '⇥',
  ' ': '·',
  '\u00a0': '⍽',
};

/**
 * The token's text as displayed: newlines, carriage returns, tabs and other control characters always
 * shown as symbols; spaces shown as "·" only in tokens made of whitespace alone (elsewhere they read
 * normally); an empty token (part of a multi-byte character) as "∅". Everything else, "<script>"
 * included, is returned unchanged: the component renders it as text.
 */
export function visibleToken(text: string): string {
  if (text === '') return '∅';
  const onlySpace = /^\s+$/u.test(text);
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || ch === '\r' || ch === '\t' || (onlySpace && (ch === ' ' || ch === '\u00a0'))) out += VISIBLE[ch]!;
    else if (code < 0x20) out += String.fromCodePoint(0x2400 + code);
    else if (code === 0x7f) out += '␡';
    else out += ch;
  }
  return out;
}

/** Hover text: the raw token (quoted, escapes for invisible characters) and its activation. */
export function tokenTitle(text: string, act: number): string {
  const value = Number.isFinite(act) ? (Math.abs(act) >= 1000 || (act !== 0 && Math.abs(act) < 0.001) ? act.toExponential(2) : act.toFixed(3)) : String(act);
  return `${JSON.stringify(text)}  ${value}`;
}
