import { describe, expect, it } from 'vitest';
import { activationScale, shadeColor, tokenShade, tokenTitle, visibleToken } from '../../../src/components/token-shading';

describe('token shading', () => {
  it('alpha is |act| / max, clamped, with a sign', () => {
    expect(tokenShade(2, 4)).toEqual({ alpha: 0.5, sign: 1 });
    expect(tokenShade(-1, 4)).toEqual({ alpha: 0.25, sign: -1 });
    expect(tokenShade(9, 4)).toEqual({ alpha: 1, sign: 1 });
    for (const [a, m] of [[0, 4], [1, 0], [Number.NaN, 4], [1, Number.NaN], [Infinity, 4]]) expect(tokenShade(a!, m!)).toEqual({ alpha: 0, sign: 0 });
  });

  it('gives CSS colours and a default scale', () => {
    expect(shadeColor(1, 3)).toBe('rgba(255, 150, 60, 0.333)');
    expect(shadeColor(-3, 3)).toBe('rgba(90, 160, 255, 1)');
    expect(shadeColor(0, 3)).toBe('transparent');
    expect(activationScale([0.5, -2, Number.NaN, 1])).toBe(2);
    expect(activationScale([])).toBe(0);
  });

  it('makes whitespace and control characters visible, and leaves markup as characters', () => {
    expect(visibleToken('\n')).toBe('↵');
    expect(visibleToken('\n\n')).toBe('↵↵');
    expect(visibleToken('  ')).toBe('··');
    expect(visibleToken(' the')).toBe(' the');
    expect(visibleToken('a\tb')).toBe('a⇥b');
    expect(visibleToken('\u0000\u001b\u007f')).toBe('␀␛␡');
    expect(visibleToken('')).toBe('∅');
    expect(visibleToken('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
    expect(visibleToken('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(visibleToken('日本')).toBe('日本');
  });

  it('hover text shows the raw token and its value', () => {
    expect(tokenTitle(' the', 1.23456)).toBe('" the"  1.235');
    expect(tokenTitle('\n', 0)).toBe('"\\n"  0.000');
    expect(tokenTitle('x', 12345)).toBe('"x"  1.23e+4');
  });
});
