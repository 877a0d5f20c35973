import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTOGRAM, histogramBins, histogramSlot, histogramSlotRange, HistogramSpecError } from '../../../src/analysis';

describe('histogram bins', () => {
  const h = histogramBins();

  it('has 70 log bins from 1e-4 to 1e3 plus the zero count', () => {
    expect(DEFAULT_HISTOGRAM).toEqual({ minLog10: -4, maxLog10: 3, binsPerDecade: 10 });
    expect(h.bins).toBe(70);
    expect(h.width).toBe(71);
    expect(h.edges[0]).toBe(Math.fround(1e-4));
    expect(h.edges[70]).toBe(Math.fround(1e3));
    expect(h.edges[40]).toBe(1);
  });

  it('puts non-firing values in slot 0 and clamps the ends', () => {
    for (const v of [0, -0, -3, Number.NaN, -Infinity]) expect(histogramSlot(v, h)).toBe(0);
    expect(histogramSlot(1e-9, h)).toBe(1);
    expect(histogramSlot(Number.MIN_VALUE, h)).toBe(1);
    expect(histogramSlot(1e6, h)).toBe(70);
    expect(histogramSlot(Infinity, h)).toBe(70);
  });

  it('agrees with a linear scan over the f32 edges, and edges fall in the bin they open', () => {
    const linear = (v: number) => {
      if (!(v > 0)) return 0;
      let i = 0;
      for (let e = 1; e < h.bins; e++) if (h.edges[e]! <= v) i = e;
      return 1 + i;
    };
    for (let i = 0; i <= h.bins; i++) {
      const e = h.edges[i]!;
      for (const v of [e, Math.fround(e * (1 + 1e-7)), Math.fround(e * (1 - 1e-7)), Math.fround(e * 1.1)]) expect(histogramSlot(v, h)).toBe(linear(v));
      if (i < h.bins) expect(histogramSlot(e, h)).toBe(1 + Math.min(i, h.bins - 1));
    }
    // away from edges the bin is floor((log10 v + 4) · 10)
    for (const v of [2e-4, 0.0031, 0.5, 7, 123, 999]) expect(histogramSlot(v, h)).toBe(1 + Math.floor((Math.log10(v) + 4) * 10));
  });

  it('reports slot ranges for labels', () => {
    expect(histogramSlotRange(0, h)).toEqual({ low: 0, high: 0 });
    expect(histogramSlotRange(1, h)).toEqual({ low: 0, high: h.edges[1] });
    expect(histogramSlotRange(41, h)).toEqual({ low: 1, high: h.edges[41] });
    expect(histogramSlotRange(70, h).high).toBe(Infinity);
  });

  it('rejects specs it cannot represent', () => {
    expect(() => histogramBins({ minLog10: 0, maxLog10: 0, binsPerDecade: 10 })).toThrow(HistogramSpecError);
    expect(() => histogramBins({ minLog10: -1, maxLog10: 1.5, binsPerDecade: 10 })).toThrow(/whole decades/);
    expect(() => histogramBins({ minLog10: -1, maxLog10: 1, binsPerDecade: 0 })).toThrow(HistogramSpecError);
    expect(() => histogramBins({ minLog10: -10, maxLog10: 10, binsPerDecade: 100 })).toThrow(/too fine/);
  });
});
