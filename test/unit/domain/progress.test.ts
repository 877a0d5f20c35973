import { describe, expect, it } from 'vitest';
import { estimateRate, type RateState } from '../../../src/domain/progress';

describe('estimateRate', () => {
  it('knows nothing from the first sample', () => {
    const e = estimateRate(undefined, { done: 0, total: 100, at: 0 });
    expect(e.rate).toBe(0);
    expect(e.etaSeconds).toBeNull();
  });

  it('takes the first measured rate as is and derives the ETA', () => {
    const first = estimateRate(undefined, { done: 0, total: 100, at: 0 });
    const second = estimateRate(first.state, { done: 10, total: 100, at: 2000 });
    expect(second.rate).toBeCloseTo(5);
    expect(second.etaSeconds).toBeCloseTo(18);
  });

  it('converges to a steady rate and smooths a sudden change', () => {
    let state: RateState | undefined;
    let done = 0;
    for (let t = 0; t <= 60; t++) {
      state = estimateRate(state, { done, total: 1000, at: t * 1000 }).state;
      done += 4;
    }
    expect(state?.rate).toBeCloseTo(4, 6);
    // one step 10x faster moves the estimate only part of the way (alpha = 1 - e^(-1/5) ≈ 0.18)
    const jumped = estimateRate(state, { done: (state?.done ?? 0) + 40, total: 1000, at: 61_000 });
    expect(jumped.rate).toBeCloseTo(4 + (1 - Math.exp(-1 / 5)) * 36, 6);
  });

  it('weights by elapsed time, not by number of reports', () => {
    const start = estimateRate(undefined, { done: 0, total: 0, at: 0 });
    const measured = estimateRate(start.state, { done: 10, total: 0, at: 1000 }); // 10/s
    // ten reports 100 ms apart at 20/s move it as much as one report a second later
    let many = measured.state;
    for (let i = 1; i <= 10; i++) many = estimateRate(many, { done: 10 + 2 * i, total: 0, at: 1000 + 100 * i }).state;
    const once = estimateRate(measured.state, { done: 30, total: 0, at: 2000 }).state;
    expect(many.rate).toBeCloseTo(once.rate, 9);
  });

  it('has no ETA without a total, and 0 when finished', () => {
    const a = estimateRate(undefined, { done: 0, total: 0, at: 0 });
    expect(estimateRate(a.state, { done: 5, total: 0, at: 1000 }).etaSeconds).toBeNull();
    const b = estimateRate(undefined, { done: 0, total: 10, at: 0 });
    expect(estimateRate(b.state, { done: 10, total: 10, at: 1000 }).etaSeconds).toBe(0);
  });

  it('survives a repeated timestamp and a counter that restarts', () => {
    const a = estimateRate(undefined, { done: 0, total: 100, at: 0 });
    const b = estimateRate(a.state, { done: 10, total: 100, at: 1000 });
    const same = estimateRate(b.state, { done: 12, total: 100, at: 1000 });
    expect(same.rate).toBe(b.rate);
    expect(Number.isFinite(same.etaSeconds ?? NaN)).toBe(true);
    const restarted = estimateRate(same.state, { done: 0, total: 50, at: 2000 });
    expect(restarted.rate).toBe(b.rate);
    expect(restarted.etaSeconds).toBeCloseTo(5);
    const after = estimateRate(restarted.state, { done: 10, total: 50, at: 3000 });
    expect(after.rate).toBeCloseTo(10);
  });
});
