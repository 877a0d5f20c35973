import { describe, expect, it } from 'vitest';
import { compareExamples, ExampleHeapError, ExampleHeaps, type ScoredExample } from '../../../src/analysis';
import { Prng } from '../../../src/sae/prng';
import { shuffled } from './helpers';

function randomEntries(rng: Prng, n: number, groups: number): { group: number; e: ScoredExample }[] {
  // few distinct scores and windows, so score ties and window ties are common; (window, pos) unique
  return Array.from({ length: n }, (_, i) => {
    const score = rng.nextUint32() % 5;
    return { group: rng.nextUint32() % groups, e: { score, act: score / 2, window: Math.floor(i / 7), pos: i % 7 } };
  });
}

function bruteForce(entries: { group: number; e: ScoredExample }[], group: number, k: number): ScoredExample[] {
  return entries
    .filter((x) => x.group === group)
    .map((x) => x.e)
    .sort(compareExamples)
    .slice(0, k);
}

function fill(heaps: ExampleHeaps, entries: { group: number; e: ScoredExample }[]): ExampleHeaps {
  for (const { group, e } of entries) heaps.offer(group, e.score, e.act, e.window, e.pos);
  return heaps;
}

describe('ExampleHeaps', () => {
  it('keeps exactly the best k per group, ties to the earlier token', () => {
    const rng = new Prng(1);
    for (const k of [1, 2, 5, 40]) {
      const entries = randomEntries(rng, 300, 3);
      const heaps = fill(new ExampleHeaps(3, k), entries);
      for (let g = 0; g < 3; g++) expect(heaps.sorted(g)).toEqual(bruteForce(entries, g, k));
    }
  });

  it('does not depend on the order entries arrive in', () => {
    const rng = new Prng(2);
    const entries = randomEntries(rng, 200, 2);
    const a = fill(new ExampleHeaps(2, 6), entries);
    const b = fill(new ExampleHeaps(2, 6), shuffled(entries, rng));
    for (let g = 0; g < 2; g++) expect(b.sorted(g)).toEqual(a.sorted(g));
  });

  it('merges exactly and associatively', () => {
    const rng = new Prng(3);
    const entries = randomEntries(rng, 400, 4);
    const parts = [entries.slice(0, 90), entries.slice(90, 250), entries.slice(250)].map((p) => fill(new ExampleHeaps(4, 5), p));
    const whole = fill(new ExampleHeaps(4, 5), entries);
    const left = parts[0]!.clone().merge(parts[1]!).merge(parts[2]!);
    const right = parts[0]!.clone().merge(parts[1]!.clone().merge(parts[2]!));
    const swapped = parts[2]!.clone().merge(parts[0]!).merge(parts[1]!);
    for (let g = 0; g < 4; g++) {
      expect(left.sorted(g)).toEqual(whole.sorted(g));
      expect(right.sorted(g)).toEqual(whole.sorted(g));
      expect(swapped.sorted(g)).toEqual(whole.sorted(g));
    }
  });

  it('handles capacity 0, fewer entries than k, and NaN scores', () => {
    const none = new ExampleHeaps(2, 0);
    expect(none.offer(0, 1, 1, 0, 0)).toBe(false);
    expect(none.sorted(0)).toEqual([]);
    const h = new ExampleHeaps(1, 10);
    h.offer(0, 3, 3, 0, 1);
    h.offer(0, Number.NaN, 1, 0, 2);
    h.offer(0, 3, 3, 0, 0);
    expect(h.sorted(0).map((e) => e.pos)).toEqual([0, 1]);
  });

  it('refuses to merge different shapes and bad sizes', () => {
    expect(() => new ExampleHeaps(2, 3).merge(new ExampleHeaps(2, 4))).toThrow(ExampleHeapError);
    expect(() => new ExampleHeaps(-1, 3)).toThrow(ExampleHeapError);
    expect(() => new ExampleHeaps(2, 1.5)).toThrow(/whole/);
  });
});
