// The GPU trainer replays each golden fixture (float64 ground truth): step-0 internals and final parameters
// within 1e-4 absolute, per-step metrics within 1e-5 relative.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StepMetrics } from '../../src/sae/config';
import { fixtureParams, flat, parseFixture } from '../../src/sae/fixture';
import { GpuSaeTrainer } from '../../src/sae/gpu/trainer';
import { expectClose, useGpu } from './gpu-test-kit';

const gpu = useGpu();

function loadFixture(arch: string) {
  return parseFixture(JSON.parse(readFileSync(new URL(`../fixtures/sae/${arch}.json`, import.meta.url), 'utf8')));
}

describe('GpuSaeTrainer replays the golden fixtures', () => {
  for (const arch of ['relu', 'jumprelu', 'topk', 'batchtopk']) {
    it(arch, async () => {
      const fx = loadFixture(arch);
      const exp = fx.expected!;
      const B = fx.batches[0]!.shape[0]!;
      const trainer = await GpuSaeTrainer.create(gpu.device, fx.config, fixtureParams(fx), { metricsInterval: 4, batchSize: B });
      try {
        const batch = (i: number) => Float32Array.from(fx.batches[i]!.data);
        const captured = trainer.captureNextStep();
        trainer.step(batch(0), B);
        const s0 = await captured;
        expectClose(s0.hidden_pre, flat(exp.step0.hidden_pre), 1e-4, 'step0 hidden_pre');
        expectClose(s0.feature_acts, flat(exp.step0.feature_acts), 1e-4, 'step0 feature_acts');
        expectClose(s0.x_hat, flat(exp.step0.x_hat), 1e-4, 'step0 x_hat');
        for (const [name, g] of Object.entries(exp.step0.grads)) {
          const got = s0.grads[name as keyof typeof s0.grads];
          expect(got, `grad ${name}`).toBeDefined();
          expectClose(got!, flat(g), 1e-4, `step0 grad ${name}`);
        }
        for (let i = 1; i < fx.steps; i++) trainer.step(batch(i), B);
        const metrics = await trainer.readMetrics();
        expect(metrics).toHaveLength(fx.steps);
        metrics.forEach((m, i) => {
          for (const [key, want] of Object.entries(exp.metrics[i]!)) {
            const got = m[key as keyof StepMetrics];
            const tol = 1e-5 * Math.abs(want as number) + 1e-7;
            expect(Math.abs(got - (want as number)), `step ${i} ${key}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
          }
        });
        const state = await trainer.getState();
        expect(state.step).toBe(fx.steps);
        for (const [name, t] of Object.entries(exp.final)) {
          expectClose(state.params[name as keyof typeof state.params]!, t.data, 1e-4, `final ${name}`);
        }
        if (exp.final_threshold !== undefined) {
          expect(state.thresholdBatch).not.toBeNull();
          expect(Math.abs(state.thresholdBatch! - exp.final_threshold)).toBeLessThanOrEqual(1e-4);
        }
      } finally {
        trainer.destroy();
      }
    });
  }
});
