import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateSaeConfig, type ParamName, type SaeConfig, type StepMetrics } from '../../../src/sae/config';
import { flat, parseFixture, type SaeFixture } from '../../../src/sae/fixture';
import { Prng } from '../../../src/sae/prng';
import {
  ReferenceTrainer,
  auxKLoss,
  batchTopkActivation,
  deadLatents,
  clipGradients,
  globalGradNorm,
  lossAndGradients,
  paramNames,
  topkActivation,
  type ReferenceParams,
} from '../../../src/sae/reference';

function loadFixture(arch: string): SaeFixture {
  return parseFixture(JSON.parse(readFileSync(new URL(`../../fixtures/sae/${arch}.json`, import.meta.url), 'utf8')));
}

/** Fixture init in float64 (fixtureParams rounds to float32, too coarse for a float64 replay). */
function initParams(fx: SaeFixture): Record<string, number[]> {
  return Object.fromEntries(Object.entries(fx.init).map(([k, v]) => [k, v.data]));
}

/**
 * The fixtures store numbers rounded to 12 decimals, inputs included, so a float64 replay differs from the
 * stored outputs by ~1e-12 (up to ~1.5e-11 on values of size ~10). 1e-9 relative (absolute below 1) is
 * three orders of magnitude above that and far below any real mistake.
 */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-9): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst relative error at ${at} (${actual[at]} vs ${expected[at]})`).toBeLessThanOrEqual(tol);
}

const ARCHS = ['relu', 'topk', 'batchtopk', 'jumprelu'] as const;

describe.each(ARCHS)('ReferenceTrainer replays the %s golden fixture', (arch) => {
  const fx = loadFixture(arch);
  const expected = fx.expected!;

  it('matches step-0 internals, every step’s metrics and the final parameters', () => {
    const trainer = new ReferenceTrainer(fx.config, initParams(fx));
    for (let s = 0; s < fx.steps; s++) {
      const batch = fx.batches[s]!;
      const { metrics, internals } = trainer.step(batch.data, batch.shape[0]!);
      if (s === 0) {
        expectClose(internals.hidden_pre, flat(expected.step0.hidden_pre), 'hidden_pre');
        expectClose(internals.feature_acts, flat(expected.step0.feature_acts), 'feature_acts');
        expectClose(internals.x_hat, flat(expected.step0.x_hat), 'x_hat');
        const gradNames = Object.keys(expected.step0.grads);
        expect(gradNames.sort()).toEqual([...paramNames(fx.config)].sort());
        for (const name of gradNames) {
          expectClose(internals.grads[name as ParamName]!, flat(expected.step0.grads[name]!), `grad ${name}`);
        }
      }
      const want = expected.metrics[s]!;
      for (const key of Object.keys(want) as (keyof StepMetrics)[]) {
        expectClose([metrics[key]], [want[key]!], `step ${s} metric ${key}`);
      }
    }
    const final = trainer.currentParams();
    for (const [name, tensor] of Object.entries(expected.final)) {
      expectClose(final[name as ParamName]!, tensor.data, `final ${name}`);
    }
    if (expected.final_threshold !== undefined) {
      expectClose([trainer.batchThreshold!], [expected.final_threshold], 'final threshold');
    } else {
      expect(trainer.batchThreshold).toBeNull();
    }
  });

  it('resumes bit-for-bit from its exact float64 state', () => {
    const whole = new ReferenceTrainer(fx.config, initParams(fx));
    const first = new ReferenceTrainer(fx.config, initParams(fx));
    const half = Math.floor(fx.steps / 2);
    const wholeMetrics = fx.batches.map((b) => whole.step(b.data, b.shape[0]!).metrics);
    for (let s = 0; s < half; s++) first.step(fx.batches[s]!.data, fx.batches[s]!.shape[0]!);
    const state = first.getExactState();
    // the resumed trainer starts from unrelated weights: everything must come from the state
    const resumed = new ReferenceTrainer(fx.config, initParams(loadFixture(arch)));
    resumed.step(fx.batches[0]!.data, fx.batches[0]!.shape[0]!);
    resumed.setExactState(state);
    for (let s = half; s < fx.steps; s++) {
      expect(resumed.step(fx.batches[s]!.data, fx.batches[s]!.shape[0]!).metrics).toEqual(wholeMetrics[s]);
    }
    expect(resumed.getExactState()).toEqual(whole.getExactState());
  });

  it('resumes bit-for-bit through the Float32 TrainerState when storing float32', () => {
    const opts = { stateStorage: 'float32' } as const;
    const whole = new ReferenceTrainer(fx.config, initParams(fx), opts);
    const first = new ReferenceTrainer(fx.config, initParams(fx), opts);
    const half = Math.floor(fx.steps / 2);
    for (const b of fx.batches) whole.step(b.data, b.shape[0]!);
    for (let s = 0; s < half; s++) first.step(fx.batches[s]!.data, fx.batches[s]!.shape[0]!);
    first.rngState = [1, 2, 3, 4];
    first.inputScale = 0.5;
    const resumed = ReferenceTrainer.fromState(first.getState(), opts);
    expect(resumed.completedSteps).toBe(half);
    for (let s = half; s < fx.steps; s++) resumed.step(fx.batches[s]!.data, fx.batches[s]!.shape[0]!);
    const a = resumed.getState();
    const b = whole.getState();
    expect(a.rngState).toEqual([1, 2, 3, 4]);
    expect(a.inputScale).toBe(0.5);
    expect({ ...a, rngState: undefined, inputScale: undefined }).toEqual({ ...b, rngState: undefined, inputScale: undefined });
    // float32 storage stays close to the float64 contract
    const final = whole.currentParams();
    for (const [name, tensor] of Object.entries(expected.final)) {
      expectClose(final[name as ParamName]!, tensor.data, `float32-storage final ${name}`, 1e-5);
    }
  });
});

describe('ReferenceTrainer input checks', () => {
  const fx = loadFixture('topk');
  it('rejects a batch of the wrong size and parameters of the wrong shape', () => {
    const t = new ReferenceTrainer(fx.config, initParams(fx));
    expect(() => t.step(new Float32Array(10), 2)).toThrow(/d_in=16/);
    const init = initParams(fx);
    expect(() => new ReferenceTrainer(fx.config, { ...init, b_enc: [1, 2] })).toThrow(/b_enc has 2 values/);
    const { W_dec: _omit, ...noDecoder } = init;
    expect(() => new ReferenceTrainer(fx.config, noDecoder)).toThrow(/W_dec is missing/);
  });
  it('rejects a state whose Adam moments do not match', () => {
    const t = new ReferenceTrainer(fx.config, initParams(fx));
    const state = t.getState();
    delete state.adamV.W_enc;
    expect(() => t.setState(state)).toThrow(/second moment for W_enc/);
  });
});

describe('top-k selection ties', () => {
  it('topk keeps the lower index among equal pre-activations', () => {
    const pre = Float64Array.of(1, 3, 3, 2, 3, /* row 2 */ -1, -2, -1, -1, 0);
    expect(Array.from(topkActivation(pre, 2, 5, 2))).toEqual([0, 3, 3, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('batchtopk keeps the lower flat index among equal activations', () => {
    const pre = Float64Array.of(2, 1, 5, /* row 2 */ 2, 2, -3);
    // k·B = 2 entries over the batch: 5, then the first 2 (index 0)
    expect(Array.from(batchTopkActivation(pre, 2, 1))).toEqual([2, 0, 5, 0, 0, 0]);
  });
});

describe('gradient clipping', () => {
  it('scales all tensors together to the global norm (hand-computed)', () => {
    const a = Float64Array.of(3, 0);
    const b = Float64Array.of(0, 4); // global norm 5
    expect(clipGradients([a, b], 1)).toBe(5);
    expectClose(a, [0.6, 0], 'a', 1e-15);
    expectClose(b, [0, 0.8], 'b', 1e-15);
    expect(globalGradNorm([a, b])).toBeCloseTo(1, 15);
    const c = Float64Array.of(0.3, 0.4);
    clipGradients([c], 1); // already inside: unchanged
    expect(Array.from(c)).toEqual([0.3, 0.4]);
  });

  it('feeds Adam the clipped gradients', () => {
    const fx = loadFixture('relu');
    const clip = 0.05;
    const config: SaeConfig = { ...fx.config, grad_clip_norm: clip };
    const t = new ReferenceTrainer(config, initParams(fx));
    const { internals } = t.step(fx.batches[0]!.data, fx.batches[0]!.shape[0]!);
    const names = paramNames(config);
    const norm = globalGradNorm(names.map((n) => internals.grads[n]!));
    expect(norm).toBeGreaterThan(clip * 10);
    const state = t.getExactState();
    // first step: m = (1 − β1) · g · clip / ‖g‖, v = (1 − β2) · (g · clip / ‖g‖)²
    for (const n of names) {
      const g = internals.grads[n]!;
      expectClose(state.adamM[n]!, Array.from(g, (x) => (1 - config.adam_beta1) * x * (clip / norm)), `m ${n}`, 1e-14);
      expectClose(state.adamV[n]!, Array.from(g, (x) => (1 - config.adam_beta2) * (x * (clip / norm)) ** 2), `v ${n}`, 1e-14);
    }
    const clippedNorm = Math.sqrt(names.reduce((s, n) => s + state.adamM[n]!.reduce((a, x) => a + x * x, 0), 0)) / (1 - config.adam_beta1);
    expect(clippedNorm).toBeCloseTo(clip, 12);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Finite differences on tiny random problems

// validateSaeConfig checks these on its raw input, before filling defaults, so tests spell them out.
const EXPLICIT = { total_steps: 10, lr: 1e-3, lr_warmup_steps: 0, lr_decay_steps: 0, dead_steps_threshold: 1000 };

function randomProblem(arch: SaeConfig['architecture'], extra: Partial<SaeConfig>, seed: number) {
  const rng = new Prng(seed);
  const dIn = 3;
  const dSae = 5;
  const B = 4;
  const config = validateSaeConfig({
    architecture: arch,
    d_in: dIn,
    d_sae: dSae,
    ...EXPLICIT,
    normalize_decoder: false,
    ...extra,
  });
  const r = (n: number, s = 1) => Array.from({ length: n }, () => s * rng.normal());
  const params: ReferenceParams = {
    W_enc: Float64Array.from(r(dIn * dSae)),
    b_enc: Float64Array.from(r(dSae, 0.2)),
    W_dec: Float64Array.from(r(dSae * dIn, 0.5)),
    b_dec: Float64Array.from(r(dIn, 0.3)),
  };
  if (arch === 'jumprelu') params.log_threshold = Float64Array.from(r(dSae, 0.3), (v) => Math.log(0.3) + v);
  return { config, params, x: r(B * dIn), B };
}

type Ctx = { step: number; stepsSinceFired: number[] };

/**
 * Compares lossAndGradients' gradients with central differences of `objective` (by default the total loss).
 */
function checkFiniteDifferences(
  config: SaeConfig,
  params: ReferenceParams,
  x: number[],
  B: number,
  ctx: Ctx,
  names: ParamName[],
  objective: () => number = () => lossAndGradients(config, params, x, B, ctx).terms.loss,
): void {
  const { grads } = lossAndGradients(config, params, x, B, ctx);
  const h = 1e-6;
  for (const name of names) {
    const p = params[name]!;
    for (let i = 0; i < p.length; i++) {
      const keep = p[i]!;
      p[i] = keep + h;
      const up = objective();
      p[i] = keep - h;
      const down = objective();
      p[i] = keep;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(grads[name]![i]! - numeric), `${config.architecture} d${name}[${i}]: ${grads[name]![i]} vs ${numeric}`).toBeLessThan(
        1e-6 * Math.max(1, Math.abs(numeric)),
      );
    }
  }
}

/** mse + AuxK with e = x − x_hat frozen at the unperturbed parameters (the spec detaches e). */
function detachedAuxObjective(config: SaeConfig, params: ReferenceParams, x: number[], B: number, ctx: Ctx): () => number {
  const frozenXHat = lossAndGradients(config, params, x, B, ctx).forward.xHat;
  const dead = deadLatents(ctx.stepsSinceFired, config.dead_steps_threshold);
  return () => {
    const { forward, terms } = lossAndGradients(config, params, x, B, ctx);
    const aux = auxKLoss(forward.hiddenPre, x, frozenXHat, params.W_dec, dead, { kAux: config.k_aux!, auxCoefficient: config.aux_coefficient! }, {
      B,
      dIn: config.d_in,
      dSae: config.d_sae,
    });
    return terms.mse + (aux?.aux ?? 0);
  };
}

describe('gradients agree with finite differences', () => {
  const all: ParamName[] = ['W_enc', 'b_enc', 'W_dec', 'b_dec'];
  it('relu with decoder-norm-weighted L1 during warm-up', () => {
    const { config, params, x, B } = randomProblem('relu', { l1_coefficient: 0.7, l1_warmup_steps: 4 }, 1);
    checkFiniteDifferences(config, params, x, B, { step: 1, stepsSinceFired: [0, 0, 0, 0, 0] }, all);
  });
  it('relu without b_dec applied to the input', () => {
    const { config, params, x, B } = randomProblem('relu', { l1_coefficient: 0.3, apply_b_dec_to_input: false }, 2);
    checkFiniteDifferences(config, params, x, B, { step: 0, stepsSinceFired: [0, 0, 0, 0, 0] }, all);
  });
  it('topk with AuxK on dead latents', () => {
    const { config, params, x, B } = randomProblem('topk', { k: 2, k_aux: 2, aux_coefficient: 0.5, dead_steps_threshold: 3 }, 3);
    const ctx = { step: 0, stepsSinceFired: [5, 0, 3, 4, 1] }; // latents 0, 2, 3 are dead
    const { terms } = lossAndGradients(config, params, x, B, ctx);
    expect(terms.aux).toBeGreaterThan(0);
    checkFiniteDifferences(config, params, x, B, ctx, all, detachedAuxObjective(config, params, x, B, ctx));
    // with nothing dead, the loss is the plain MSE
    checkFiniteDifferences(config, params, x, B, { step: 0, stepsSinceFired: [0, 0, 0, 0, 0] }, all);
  });
  it('batchtopk with AuxK (one dead latent: scale n_dead/k_aux)', () => {
    const { config, params, x, B } = randomProblem('batchtopk', { k: 2, k_aux: 3, aux_coefficient: 0.25, dead_steps_threshold: 2 }, 4);
    const ctx = { step: 0, stepsSinceFired: [0, 0, 9, 0, 0] };
    expect(lossAndGradients(config, params, x, B, ctx).terms.aux).toBeGreaterThan(0);
    checkFiniteDifferences(config, params, x, B, ctx, all, detachedAuxObjective(config, params, x, B, ctx));
  });
  it('jumprelu: the true gradients (all but log_threshold, whose straight-through gradient is not one)', () => {
    const { config, params, x, B } = randomProblem('jumprelu', { l0_coefficient: 0.4, bandwidth: 0.1 }, 5);
    checkFiniteDifferences(config, params, x, B, { step: 0, stepsSinceFired: [0, 0, 0, 0, 0] }, all);
  });
});

describe('JumpReLU threshold pseudo-gradient', () => {
  it('matches the rectangle-kernel formula on a hand-computed case', () => {
    // d_in = d_sae = 1, W_enc = W_dec = 1, biases 0, no b_dec subtraction: pre = x, x_hat = z
    const theta = 0.5;
    const eps = 0.2;
    const c = 0.3;
    const config = validateSaeConfig({
      ...EXPLICIT, architecture: 'jumprelu', d_in: 1, d_sae: 1, apply_b_dec_to_input: false,
      l0_coefficient: c, bandwidth: eps, initial_threshold: theta,
    });
    const params: ReferenceParams = {
      W_enc: Float64Array.of(1), b_enc: Float64Array.of(0), W_dec: Float64Array.of(1), b_dec: Float64Array.of(0),
      log_threshold: Float64Array.of(Math.log(theta)),
    };
    // rows: 0.55 (fires, inside the kernel), 0.45 (silent, inside), 0.9 (fires, outside: |0.4/0.2| ≥ ½)
    const x = [0.55, 0.45, 0.9];
    const B = 3;
    const { terms, grads } = lossAndGradients(config, params, x, B, { step: 0, stepsSinceFired: [0] });
    // x_hat = z = [0.55, 0, 0.9]: only row 1 has error, (0 − 0.45)²
    expect(terms.mse).toBeCloseTo(0.45 ** 2 / 3, 15);
    expect(terms.sparsity).toBeCloseTo((c * 2) / 3, 15);
    const dz = [0, (2 * (0 - 0.45)) / 3, 0];
    // ∂L/∂θ = Σ_{rows in kernel} [dz · (−θ/ε) + (c/B) · (−1/ε)]
    const dTheta = [0, 1].reduce((s, b) => s + dz[b]! * (-theta / eps) + (c / B) * (-1 / eps), 0);
    expect(grads.log_threshold![0]).toBeCloseTo(dTheta * theta, 14);
  });
});
