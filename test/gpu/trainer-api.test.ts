// The trainer's contract beyond the maths: batches from GPU buffers, varying batch sizes, metrics
// callbacks, divergence, profiling, bad input.
import { describe, expect, it } from 'vitest';
import { KernelError } from '../../src/gpu/kernels';
import { validateSaeConfig, type SaeConfig, type StepMetrics } from '../../src/sae/config';
import { GpuCapacityError, GpuTrainerInputError, TrainingDivergedError } from '../../src/sae/gpu/errors';
import { GpuSaeTrainer } from '../../src/sae/gpu/trainer';
import { initSaeParams } from '../../src/sae/init';
import { ReferenceTrainer } from '../../src/sae/reference';
import { expectClose, randomF32, useGpu } from './gpu-test-kit';

const gpu = useGpu();

const topk: SaeConfig = validateSaeConfig({ architecture: 'topk', d_in: 6, d_sae: 20, k: 3, k_aux: 4, dead_steps_threshold: 1, total_steps: 8, lr: 1e-2 });

describe('GpuSaeTrainer API', () => {
  it('takes batches from a GPU buffer (at an offset) and batches of varying size', async () => {
    const { device, scope } = gpu;
    const init = initSaeParams(topk, { seed: 1 });
    const sizes = [5, 3, 9, 5];
    const batches = sizes.map((B, i) => randomF32(B * topk.d_in, 30 + i, -2, 2));
    const ref = new ReferenceTrainer(topk, init);
    const want = batches.map((x, i) => ref.step(x, sizes[i]!).metrics);
    const trainer = await GpuSaeTrainer.create(device, topk, init);
    try {
      const pad = 3 * topk.d_in;
      batches.forEach((x, i) => {
        const padded = new Float32Array(pad + x.length);
        padded.set(x, pad);
        const buffer = scope.upload(`batch ${i}`, padded);
        trainer.step(buffer, sizes[i]!, pad * 4);
      });
      const got = await trainer.readMetrics();
      expect(got).toHaveLength(sizes.length);
      got.forEach((m, i) => expect(Math.abs(m.loss - want[i]!.loss), `step ${i} loss`).toBeLessThanOrEqual(1e-5 * want[i]!.loss));
      const state = await trainer.getState();
      expectClose(state.params.W_dec, ref.getState().params.W_dec, 1e-4, 'W_dec');
    } finally {
      trainer.destroy();
    }
  });

  it('takes f16 batches (Uint16Array bits or a GPU buffer), odd element counts included', async () => {
    const cfg = validateSaeConfig({ ...topk, d_in: 7 });
    const init = initSaeParams(cfg, { seed: 7 });
    const B = 3;
    // values k/64 are exact in f16
    const values = Float32Array.from({ length: B * cfg.d_in }, (_, i) => (((i * 37) % 257) - 128) / 64);
    const f16Bits = (v: number) => {
      if (v === 0) return 0;
      const e = Math.floor(Math.log2(Math.abs(v)));
      return ((v < 0 ? 0x8000 : 0) | ((e + 15) << 10) | Math.round((Math.abs(v) / 2 ** e - 1) * 1024)) & 0xffff;
    };
    const bits = Uint16Array.from(values, f16Bits);
    const padded = new Uint16Array(4 + bits.length + 1);
    padded.set(bits, 4);
    const buffer = gpu.scope.upload('f16 batch', padded);
    const states = [];
    for (const feed of ['f32', 'f16 array', 'f16 buffer'] as const) {
      const trainer = await GpuSaeTrainer.create(gpu.device, cfg, init);
      try {
        for (let s = 0; s < 2; s++) {
          if (feed === 'f32') trainer.step(values, B);
          else if (feed === 'f16 array') trainer.step(bits, B);
          else trainer.step(buffer, B, 8, 'f16');
        }
        await trainer.readMetrics();
        states.push(await trainer.getState());
      } finally {
        trainer.destroy();
      }
    }
    expect(states[1]!.params).toEqual(states[0]!.params);
    expect(states[2]!.params).toEqual(states[0]!.params);
  });

  it('delivers metrics to a callback every metricsInterval steps, in order', async () => {
    const delivered: { first: number; metrics: StepMetrics[] }[] = [];
    const trainer = await GpuSaeTrainer.create(gpu.device, topk, initSaeParams(topk, { seed: 2 }), {
      metricsInterval: 2,
      onMetrics: (metrics, first) => delivered.push({ first, metrics }),
    });
    try {
      for (let i = 0; i < 5; i++) trainer.step(randomF32(4 * topk.d_in, 40 + i), 4);
      expect(await trainer.readMetrics()).toEqual([]);
      expect(delivered.map((d) => [d.first, d.metrics.length])).toEqual([
        [0, 2],
        [2, 2],
        [4, 1],
      ]);
      expect(delivered.flatMap((d) => d.metrics.map((m) => m.lr))).toEqual([0.01, 0.01, 0.01, 0.01, 0.01].map(Math.fround));
    } finally {
      trainer.destroy();
    }
  });

  it('reports a non-finite loss as TrainingDivergedError and keeps the last finite parameters', async () => {
    const cfg = validateSaeConfig({ ...topk, architecture: 'relu', normalize_decoder: false });
    const init = initSaeParams(cfg, { seed: 3 });
    const trainer = await GpuSaeTrainer.create(gpu.device, cfg, init);
    const twin = await GpuSaeTrainer.create(gpu.device, cfg, init);
    try {
      const ok = [randomF32(4 * cfg.d_in, 50), randomF32(4 * cfg.d_in, 51)];
      const bad = randomF32(4 * cfg.d_in, 52);
      bad[5] = Number.NaN;
      for (const x of ok) {
        trainer.step(x, 4);
        twin.step(x, 4);
      }
      trainer.step(bad, 4);
      trainer.step(ok[0]!, 4);
      const err = await trainer.readMetrics().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TrainingDivergedError);
      const diverged = err as TrainingDivergedError;
      expect(diverged.step).toBe(2);
      expect(diverged.metricsBefore).toHaveLength(2);
      expect(diverged.message).toMatch(/diverged at step 2/);
      expect(() => trainer.step(ok[1]!, 4)).toThrow(TrainingDivergedError);
      const state = await trainer.getState();
      const good = await twin.getState();
      expect(state.step).toBe(2);
      expect(state.params.W_enc).toEqual(good.params.W_enc);
      expect(state.adamV.W_dec).toEqual(good.adamV.W_dec);
    } finally {
      trainer.destroy();
      twin.destroy();
    }
  });

  it('surfaces a WebGPU validation error of a step (a batch buffer without COPY_SRC) as KernelError', async () => {
    const trainer = await GpuSaeTrainer.create(gpu.device, topk, initSaeParams(topk, { seed: 6 }));
    const buffer = gpu.device.createBuffer({ size: 4 * topk.d_in * 4, usage: GPUBufferUsage.STORAGE });
    try {
      trainer.step(buffer, 4);
      await expect(trainer.readMetrics()).rejects.toBeInstanceOf(KernelError);
      expect(() => trainer.step(buffer, 4)).toThrow(/rejected a training step/);
    } finally {
      trainer.destroy();
      buffer.destroy();
    }
  });

  it('times its kernels when asked to profile', async () => {
    const trainer = await GpuSaeTrainer.create(gpu.device, topk, initSaeParams(topk, { seed: 4 }), { profile: true });
    try {
      trainer.step(randomF32(4 * topk.d_in, 60), 4);
      await trainer.readMetrics();
      const timings = await trainer.profile();
      if (gpu.device.features.has('timestamp-query')) {
        expect(timings.map((t) => t.label)).toEqual(expect.arrayContaining(['encode', 'topk', 'latent backward', 'finalize metrics']));
        for (const t of timings) expect(t.count).toBe(1);
      } else expect(timings).toEqual([]);
    } finally {
      trainer.destroy();
    }
  });

  it('rejects inconsistent input with readable errors', async () => {
    const init = initSaeParams(topk, { seed: 5 });
    await expect(GpuSaeTrainer.create(gpu.device, topk, { ...init, b_dec: new Float32Array(2) })).rejects.toThrow(/b_dec has 2 values/);
    const trainer = await GpuSaeTrainer.create(gpu.device, topk, init);
    try {
      expect(() => trainer.step(new Float32Array(7), 2)).toThrow(GpuTrainerInputError);
      expect(() => trainer.step(new Float32Array(12), 0)).toThrow(/positive integer/);
      expect(() => trainer.step(new Uint16Array(12), 2, 0, 'f32')).toThrow(/Uint16Array/);
      const small = gpu.scope.storage('small', 16);
      expect(() => trainer.step(small, 2)).toThrow(/has no 48 bytes at offset 0/);
    } finally {
      trainer.destroy();
    }
    expect(() => trainer.step(new Float32Array(12), 2)).toThrow(/destroyed/);
    // a batch whose pre-activations exceed the device's binding limit, reported by create()
    const rows = Math.ceil(gpu.device.limits.maxStorageBufferBindingSize / (topk.d_sae * 4)) + 1;
    await expect(GpuSaeTrainer.create(gpu.device, topk, init, { batchSize: rows })).rejects.toThrow(GpuCapacityError);
    await expect(GpuSaeTrainer.create(gpu.device, topk, init, { batchSize: rows })).rejects.toThrow(/Use at most \d+ rows per batch/);
  });
});
