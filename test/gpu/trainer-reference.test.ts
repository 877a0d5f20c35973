// The GPU trainer against the CPU float64 ReferenceTrainer on configurations the golden fixtures do not
// cover: odd sizes, B = 1, clipping, no b_dec on the input, a normalised relu decoder, AuxK with many dead
// latents, rows and lists longer than a workgroup. (Grids over the per-dimension limit are tested per
// kernel in kernels.test.ts: SwiftShader needs minutes for a whole step at that size.)
import { describe, expect, it } from 'vitest';
import { validateSaeConfig, type SaeConfig, type SaeParams, type StepMetrics } from '../../src/sae/config';
import { GpuSaeTrainer } from '../../src/sae/gpu/trainer';
import { initSaeParams } from '../../src/sae/init';
import { ReferenceTrainer } from '../../src/sae/reference';
import { expectClose, randomF32, useGpu } from './gpu-test-kit';

const gpu = useGpu();

interface Case {
  name: string;
  config: Partial<SaeConfig>;
  B: number;
  steps: number;
}

const base = { lr: 3e-3, adam_beta1: 0.9, adam_beta2: 0.999, adam_eps: 1e-8, lr_warmup_steps: 1, lr_decay_steps: 2 };

const cases: Case[] = [
  {
    name: 'relu, normalised decoder, clipping, no b_dec on input',
    config: { architecture: 'relu', d_in: 13, d_sae: 37, normalize_decoder: true, apply_b_dec_to_input: false, grad_clip_norm: 0.05, l1_coefficient: 0.3, l1_warmup_steps: 2, dead_steps_threshold: 2 },
    B: 9,
    steps: 4,
  },
  {
    name: 'jumprelu, B = 1',
    config: { architecture: 'jumprelu', d_in: 11, d_sae: 70, l0_coefficient: 0.2, bandwidth: 0.5, initial_threshold: 0.1, dead_steps_threshold: 2 },
    B: 1,
    steps: 3,
  },
  {
    name: 'topk, many dead latents (AuxK active), clipping',
    config: { architecture: 'topk', d_in: 19, d_sae: 90, k: 5, k_aux: 6, aux_coefficient: 0.5, dead_steps_threshold: 1, grad_clip_norm: 0.5 },
    B: 7,
    steps: 4,
  },
  {
    name: 'batchtopk, no b_dec on input, d_sae over one workgroup',
    config: { architecture: 'batchtopk', d_in: 10, d_sae: 300, k: 3, k_aux: 40, aux_coefficient: 0.25, dead_steps_threshold: 2, apply_b_dec_to_input: false, threshold_momentum: 0.9 },
    B: 13,
    steps: 4,
  },
  {
    name: 'topk, lists and d_in longer than a workgroup',
    config: { architecture: 'topk', d_in: 300, d_sae: 600, k: 290, k_aux: 270, aux_coefficient: 0.1, dead_steps_threshold: 1 },
    B: 3,
    steps: 2,
  },
];

function seededParams(cfg: SaeConfig, seed: number): SaeParams {
  const p = initSaeParams(cfg, { seed });
  p.b_enc = randomF32(cfg.d_sae, seed + 1, -0.3, 0.3);
  p.b_dec = randomF32(cfg.d_in, seed + 2, -0.5, 0.5);
  return p;
}

function compareMetrics(got: StepMetrics, want: StepMetrics, step: number): void {
  for (const key of Object.keys(want) as (keyof StepMetrics)[]) {
    // explained variance of a single row is −∞ (no variance to explain)
    if (!Number.isFinite(want[key])) {
      expect(got[key], `step ${step} ${key}`).toBe(want[key]);
      continue;
    }
    const tol = 2e-5 * Math.abs(want[key]) + 2e-6;
    expect(Math.abs(got[key] - want[key]), `step ${step} ${key}: got ${got[key]}, want ${want[key]}`).toBeLessThanOrEqual(tol);
  }
}

async function replay(c: Case, seed: number): Promise<void> {
  const cfg = validateSaeConfig({ ...base, total_steps: c.steps, ...c.config });
  const init = seededParams(cfg, seed);
  const ref = new ReferenceTrainer(cfg, init);
  const trainer = await GpuSaeTrainer.create(gpu.device, cfg, init, { metricsInterval: 3 });
  try {
    const want: StepMetrics[] = [];
    for (let s = 0; s < c.steps; s++) {
      const x = randomF32(c.B * cfg.d_in, seed * 100 + s, -2, 2);
      const captured = s === 0 ? trainer.captureNextStep() : null;
      trainer.step(x, c.B);
      const r = ref.step(x, c.B);
      want.push(r.metrics);
      if (captured) {
        const g = await captured;
        expectClose(g.hidden_pre, r.internals.hidden_pre, 1e-4, 'hidden_pre');
        expectClose(g.feature_acts, r.internals.feature_acts, 1e-4, 'feature_acts');
        expectClose(g.x_hat, r.internals.x_hat, 1e-4, 'x_hat');
        for (const name of ['W_enc', 'b_enc', 'W_dec', 'b_dec', 'log_threshold'] as const) {
          const wantG = r.internals.grads[name];
          if (wantG) expectClose(g.grads[name]!, wantG, 1e-4, `grad ${name}`);
        }
      }
    }
    const got = await trainer.readMetrics();
    got.forEach((m, i) => compareMetrics(m, want[i]!, i));
    const state = await trainer.getState();
    const final = ref.getState();
    for (const name of ['W_enc', 'b_enc', 'W_dec', 'b_dec', 'log_threshold'] as const) {
      if (final.params[name]) expectClose(state.params[name]!, final.params[name]!, 1e-4, `final ${name}`);
    }
    expect(state.stepsSinceFired).toEqual(final.stepsSinceFired);
    if (cfg.architecture === 'batchtopk') expect(Math.abs(state.thresholdBatch! - final.thresholdBatch!)).toBeLessThanOrEqual(1e-5);
  } finally {
    trainer.destroy();
  }
}

describe('GpuSaeTrainer matches the CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, () => replay(c, 17 + i));
  });
});
