// 'demo-reduce': the GPU self-test as a job. Sums a few million values on the GPU step by step (progress,
// pause/cancel and a checkpoint after each step), then checks the total against the CPU twin.
import {
  compareWithTwin,
  cpuReduceSum,
  GpuSumReduction,
  parseSelfTestParams,
  planReduction,
  selfTestData,
} from '../../gpu/selftest';
import type { JobHandler } from '../handlers';
import type { GpuLaneEnv } from '../gpuLane';

export interface DemoReduceCheckpoint {
  /** sums of the steps done so far, in order */
  stepSums: number[];
}

export class SelfTestMismatchError extends Error {
  override name = 'SelfTestMismatchError';
  readonly action = 'Your GPU or its driver computed a wrong sum. Update the GPU driver, or try another browser.';
}

export function parseDemoReduceCheckpoint(value: unknown, steps: number): DemoReduceCheckpoint {
  if (typeof value === 'object' && value !== null && 'stepSums' in value && Array.isArray(value.stepSums)) {
    const sums = value.stepSums.filter((v): v is number => typeof v === 'number');
    if (sums.length === value.stepSums.length && sums.length <= steps) return { stepSums: sums };
  }
  return { stepSums: [] };
}

export const demoReduceHandler: JobHandler<GpuLaneEnv> = async (ctx) => {
  const params = parseSelfTestParams(ctx.job.params);
  const plan = planReduction(params.elements, params.steps);
  const total = plan.steps.length;
  const { stepSums } = parseDemoReduceCheckpoint(ctx.job.checkpoint, total);
  const resumed = stepSums.length > 0;
  await ctx.reportProgress({
    phase: 'preparing',
    done: stepSums.length,
    total,
    message: resumed ? `Resuming at step ${stepSums.length + 1} of ${total}` : `Uploading ${params.elements.toLocaleString('en')} values`,
  });

  const data = selfTestData(params.elements, params.seed);
  const { device } = await ctx.env.gpu();
  const reduction = await GpuSumReduction.create(device, data, plan);
  try {
    reduction.restoreStepSums(stepSums);
    for (let step = stepSums.length; step < total; step++) {
      if (ctx.shouldStop()) return { status: 'stopped' };
      stepSums.push(await reduction.runStep(step));
      await ctx.checkpoint({ stepSums } satisfies DemoReduceCheckpoint);
      await ctx.reportProgress({ phase: 'reducing', done: step + 1, total, message: `Step ${step + 1} of ${total} reduced on the GPU` });
    }
    const gpuTotal = await reduction.total();
    const verdict = compareWithTwin(gpuTotal, cpuReduceSum(data, plan).total, data);
    if (!verdict.passed) {
      throw new SelfTestMismatchError(
        `GPU self-test failed: the GPU's sum ${verdict.gpu} differs from the CPU twin's ${verdict.cpu} by ${verdict.difference} (allowed ${verdict.tolerance.toPrecision(2)}).`,
      );
    }
    const exactness = verdict.difference === 0 ? 'exactly' : `within ${verdict.difference.toPrecision(2)}`;
    return {
      status: 'completed',
      message: `Passed: GPU sum ${verdict.gpu} of ${params.elements.toLocaleString('en')} values matches the CPU twin ${exactness}.`,
    };
  } finally {
    reduction.destroy();
  }
};
