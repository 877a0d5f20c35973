import { describe, expect, it } from 'vitest';
import {
  compareWithTwin,
  cpuReduceSum,
  GROUP_SPAN,
  parseSelfTestParams,
  planReduction,
  SELF_TEST_DEFAULTS,
  SelfTestParamsError,
  selfTestData,
} from '../../../src/gpu/selftest';
import { parseDemoReduceCheckpoint } from '../../../src/jobs/handlers/demoReduce';

describe('self-test reduction plan', () => {
  it('splits the values into the asked number of steps that cover every value once', () => {
    const plan = planReduction(10_000, 3);
    expect(plan.steps).toHaveLength(3);
    const firstPasses = plan.steps.map((passes) => passes[0]!);
    expect(firstPasses.map((p) => [p.offset, p.count])).toEqual([
      [0, 3334],
      [3334, 3334],
      [6668, 3332],
    ]);
    for (const [i, passes] of plan.steps.entries()) {
      expect(passes[0]!.input).toBe('data');
      const last = passes.at(-1)!;
      expect(last).toMatchObject({ output: 'steps', outOffset: i, groups: 1 });
    }
    expect(plan.final.at(-1)).toMatchObject({ input: 'steps', output: 'total', count: 3, groups: 1 });
  });

  it('chains passes through alternating scratch buffers until one value is left', () => {
    const count = GROUP_SPAN * GROUP_SPAN + 1; // needs three passes
    const plan = planReduction(count, 1);
    const passes = plan.steps[0]!;
    expect(passes.map((p) => [p.input, p.output, p.count, p.groups])).toEqual([
      ['data', 'scratchA', count, GROUP_SPAN + 1],
      ['scratchA', 'scratchB', GROUP_SPAN + 1, 2],
      ['scratchB', 'steps', 2, 1],
    ]);
    expect(plan.scratchLength).toBe(GROUP_SPAN + 1);
  });

  it('has fewer steps when the values do not divide into as many', () => {
    expect(planReduction(5, 4).steps).toHaveLength(3); // chunks of 2: [0,2) [2,4) [4,5)
  });
});

describe('CPU twin', () => {
  it('sums in f32 close to the exact sum, with per-step sums that add up', () => {
    const data = selfTestData(50_000, 7);
    const plan = planReduction(data.length, 5);
    const result = cpuReduceSum(data, plan);
    const exact = data.reduce((a, b) => a + b, 0);
    expect(result.total).toBeCloseTo(exact, 1);
    expect(result.stepSums).toHaveLength(5);
    expect(result.stepSums.reduce((a, b) => a + b, 0)).toBeCloseTo(exact, 1);
    expect(Math.fround(result.total)).toBe(result.total);
  });

  it('is exact on values whose sums f32 represents exactly', () => {
    const data = new Float32Array(9_000).map((_, i) => i % 4);
    expect(cpuReduceSum(data, planReduction(data.length, 4)).total).toBe(13_500);
  });

  it('compareWithTwin passes equal sums and fails a wrong one', () => {
    const data = selfTestData(1_000, 1);
    const { total } = cpuReduceSum(data, planReduction(1_000, 2));
    expect(compareWithTwin(total, total, data)).toMatchObject({ passed: true, difference: 0 });
    expect(compareWithTwin(total + 1, total, data).passed).toBe(false);
    expect(compareWithTwin(Number.NaN, total, data).passed).toBe(false);
  });
});

describe('self-test inputs', () => {
  it('generates the same values in [0, 1) for the same seed', () => {
    const a = selfTestData(1000, 42);
    expect(selfTestData(1000, 42)).toEqual(a);
    expect(selfTestData(1000, 43)).not.toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
  });

  it('fills in defaults and rejects nonsense with a readable message', () => {
    expect(parseSelfTestParams(undefined)).toEqual(SELF_TEST_DEFAULTS);
    expect(parseSelfTestParams({ elements: 100, steps: 4 })).toEqual({ ...SELF_TEST_DEFAULTS, elements: 100, steps: 4 });
    expect(() => parseSelfTestParams({ elements: 0 })).toThrow(SelfTestParamsError);
    expect(() => parseSelfTestParams({ elements: 10, steps: 11 })).toThrow(/between 1 and 10 steps/);
    expect(() => parseSelfTestParams({ seed: 'x' })).toThrow(/seed/);
  });

  it('reads a checkpoint back, and starts over from anything malformed', () => {
    expect(parseDemoReduceCheckpoint({ stepSums: [1, 2.5] }, 4)).toEqual({ stepSums: [1, 2.5] });
    expect(parseDemoReduceCheckpoint(undefined, 4)).toEqual({ stepSums: [] });
    expect(parseDemoReduceCheckpoint({ stepSums: [1, 'x'] }, 4)).toEqual({ stepSums: [] });
    expect(parseDemoReduceCheckpoint({ stepSums: [1, 2, 3] }, 2)).toEqual({ stepSums: [] });
  });
});
