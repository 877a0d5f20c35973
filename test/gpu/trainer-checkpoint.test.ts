// Checkpointing: N steps in one go equal N/2 steps, getState, a new trainer on a NEW device, N/2 steps.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acquireGpu } from '../../src/gpu/device';
import { nodeGpu } from '../../src/gpu/node-gpu';
import type { StepMetrics } from '../../src/sae/config';
import { fixtureParams, parseFixture } from '../../src/sae/fixture';
import { GpuSaeTrainer } from '../../src/sae/gpu/trainer';
import type { TrainerState } from '../../src/sae/state';
import { expectClose, useGpu } from './gpu-test-kit';

const gpu = useGpu();

function expectSameState(a: TrainerState, b: TrainerState): void {
  expect(b.step).toBe(a.step);
  for (const name of Object.keys(a.params) as (keyof TrainerState['params'])[]) {
    expectClose(b.params[name]!, a.params[name]!, 1e-6, `param ${name}`);
    expectClose(b.adamM[name]!, a.adamM[name]!, 1e-6, `Adam m ${name}`);
    expectClose(b.adamV[name]!, a.adamV[name]!, 1e-6, `Adam v ${name}`);
  }
  expect(b.stepsSinceFired).toEqual(a.stepsSinceFired);
  if (a.thresholdBatch === null) expect(b.thresholdBatch).toBeNull();
  else expect(Math.abs(b.thresholdBatch! - a.thresholdBatch)).toBeLessThanOrEqual(1e-6);
  expect(b.rngState).toEqual(a.rngState);
}

describe('GpuSaeTrainer checkpoints', () => {
  for (const arch of ['jumprelu', 'batchtopk']) {
    it(`${arch}: 6 steps = 3 steps → getState → new device → 3 steps`, async () => {
      const fx = parseFixture(JSON.parse(readFileSync(new URL(`../fixtures/sae/${arch}.json`, import.meta.url), 'utf8')));
      const B = fx.batches[0]!.shape[0]!;
      const batch = (i: number) => Float32Array.from(fx.batches[i]!.data);
      const N = fx.steps;

      const whole = await GpuSaeTrainer.create(gpu.device, fx.config, fixtureParams(fx));
      for (let i = 0; i < N; i++) whole.step(batch(i), B);
      const wholeMetrics = await whole.readMetrics();
      const wholeState = await whole.getState();
      whole.destroy();

      const first = await GpuSaeTrainer.create(gpu.device, fx.config, fixtureParams(fx));
      for (let i = 0; i < N / 2; i++) first.step(batch(i), B);
      const firstMetrics = await first.readMetrics();
      const mid = await first.getState();
      first.destroy();
      expect(mid.step).toBe(N / 2);
      mid.rngState = [1, 2, 3, 4];

      const { device: other } = await acquireGpu(await nodeGpu());
      try {
        const second = await GpuSaeTrainer.create(other, mid.config, mid);
        expect(second.completedSteps).toBe(N / 2);
        for (let i = N / 2; i < N; i++) second.step(batch(i), B);
        const secondMetrics = await second.readMetrics();
        const end = await second.getState();
        second.destroy();
        expectSameState({ ...wholeState, rngState: [1, 2, 3, 4] }, end);
        const resumed: StepMetrics[] = [...firstMetrics, ...secondMetrics];
        resumed.forEach((m, i) => {
          for (const key of Object.keys(m) as (keyof StepMetrics)[]) {
            expect(Math.abs(m[key] - wholeMetrics[i]![key]), `step ${i} ${key}`).toBeLessThanOrEqual(1e-6 * Math.abs(wholeMetrics[i]![key]) + 1e-9);
          }
        });
      } finally {
        other.destroy();
      }
    });
  }

  it('setState rolls a trainer back to a checkpoint on the same device', async () => {
    const fx = parseFixture(JSON.parse(readFileSync(new URL('../fixtures/sae/topk.json', import.meta.url), 'utf8')));
    const B = fx.batches[0]!.shape[0]!;
    const batch = (i: number) => Float32Array.from(fx.batches[i]!.data);
    const trainer = await GpuSaeTrainer.create(gpu.device, fx.config, fixtureParams(fx), { metricsInterval: 2 });
    try {
      for (let i = 0; i < 3; i++) trainer.step(batch(i), B);
      const mid = await trainer.getState();
      for (let i = 3; i < 6; i++) trainer.step(batch(i), B);
      const end = await trainer.getState();
      const firstRun = await trainer.readMetrics();
      trainer.setState(mid);
      expect(trainer.completedSteps).toBe(3);
      for (let i = 3; i < 6; i++) trainer.step(batch(i), B);
      expectSameState(end, await trainer.getState());
      const again = await trainer.readMetrics();
      expect(again).toEqual(firstRun.slice(3));
    } finally {
      trainer.destroy();
    }
  });
});
