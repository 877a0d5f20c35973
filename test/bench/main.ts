// The bench page (run by `npm run bench`): our WGSL SAE training step against the same step in TensorFlow.js
// on one adapter, our best dense matmul rate, sparse vs dense decode, and tokenization overhead. Prints a
// table and, last, one JSON line of ratios; sets window.__benchDone for the runner.
import { acquireGpu } from '../../src/gpu/device';
import { recordDispatches } from '../../src/gpu/dispatches';
import { GpuProfiler } from '../../src/gpu/profiler';
import { ReadbackRing } from '../../src/gpu/readback-ring';
import { GpuScope } from '../../src/gpu/scope';
import { validateSaeConfig, type Architecture } from '../../src/sae/config';
import { GpuSaeTrainer } from '../../src/sae/gpu/trainer';
import { chooseMatmulTiling, matmulDispatch, type MatmulShape } from '../../src/sae/gpu/matmul';
import { initSaeParams } from '../../src/sae/init';
import { benchTokenization } from '../../src/services/tokenization/bench';
import { initTfjs, makeTfjsStepper, randomBatch, type BenchShape } from './tfjs-sae-step';

declare global {
  interface Window {
    __benchDone?: Record<string, unknown>;
  }
}

const query = new URLSearchParams(location.search);
const quick = query.has('quick');
const shape: BenchShape = customShape(query.get('shape')) ?? (quick ? { batch: 256, dIn: 64, dSae: 1024, k: 16 } : { batch: 4096, dIn: 768, dSae: 16384, k: 32 });

/** `shape=B,D_IN,D_SAE,K` in place of the default shapes (scripts/bench.mjs has checked the numbers). */
function customShape(text: string | null): BenchShape | null {
  const n = text?.split(',').map(Number) ?? [];
  if (n.length !== 4) return null;
  const [batch, dIn, dSae, k] = n as [number, number, number, number];
  return { batch, dIn, dSae, k };
}

/** minimum wall time per measurement */
const MIN_MS = quick ? 1500 : 3000;
const rows: string[][] = [];
const log = (line: string) => {
  console.log(line);
  document.getElementById('out')!.textContent += `\n${line}`;
};

/** Repeats `run` (which enqueues `per` units of work and resolves when they finished) until MIN_MS has passed. */
async function rate(run: () => Promise<number>): Promise<number> {
  await run(); // warm-up: pipelines, allocations, JIT
  let units = 0;
  const t0 = performance.now();
  do units += await run();
  while (performance.now() - t0 < MIN_MS);
  return units / ((performance.now() - t0) / 1000);
}

function randomGpuBatch(device: GPUDevice, n: number): GPUBuffer {
  const data = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  const buf = device.createBuffer({ size: Math.ceil((n * 4) / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, data);
  return buf;
}

async function ourStepsPerSecond(device: GPUDevice, arch: Architecture, k: number, profile = false): Promise<{ stepsPerSec: number; trainer: GpuSaeTrainer }> {
  const config = validateSaeConfig({ architecture: arch, d_in: shape.dIn, d_sae: shape.dSae, k, k_aux: Math.min(512, shape.dSae), total_steps: 1_000_000, lr: 1e-4, l1_coefficient: 1e-3 });
  const trainer = await GpuSaeTrainer.create(device, config, initSaeParams(config, { seed: 1 }), { metricsInterval: 64, profile });
  const x = randomGpuBatch(device, shape.batch * shape.dIn);
  const per = quick ? 4 : 8;
  const stepsPerSec = await rate(async () => {
    for (let i = 0; i < per; i++) trainer.step(x, shape.batch);
    await device.queue.onSubmittedWorkDone();
    return per;
  });
  await trainer.readMetrics();
  x.destroy();
  return { stepsPerSec, trainer };
}

async function tfjsStepsPerSecond(arch: 'topk' | 'relu'): Promise<number> {
  const stepper = makeTfjsStepper(shape, arch);
  const x = randomBatch(shape, 7);
  const per = quick ? 2 : 4;
  const r = await rate(async () => {
    for (let i = 0; i < per; i++) stepper.step(x);
    await stepper.sync();
    return per;
  });
  x.dispose();
  stepper.dispose();
  return r;
}

async function matmulRate(device: GPUDevice, s: MatmulShape): Promise<number> {
  const scope = new GpuScope(device);
  const a = scope.storage('a', s.M * s.K * 4);
  const b = scope.storage('b', s.K * s.N * 4);
  const out0 = scope.storage('out', s.M * s.N * 4);
  const d = matmulDispatch(scope, 'bench matmul', 'matmul', s, { a, b, out0 }, chooseMatmulTiling(device.limits));
  const per = quick ? 4 : 16;
  const flopsPerSec = await rate(async () => {
    const enc = device.createCommandEncoder();
    recordDispatches(enc, Array.from({ length: per }, () => d));
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return per * 2 * s.M * s.N * s.K;
  });
  scope.destroy();
  return flopsPerSec;
}

/** GPU time of one dense decode product [B, d_sae]·[d_sae, d_in], by timestamp queries. */
async function denseDecodeMs(device: GPUDevice, ring: ReadbackRing): Promise<number | null> {
  const profiler = GpuProfiler.create(device, ring);
  if (!profiler) return null;
  const s: MatmulShape = { M: shape.batch, N: shape.dIn, K: shape.dSae, a: 'mk', b: 'kn' };
  const scope = new GpuScope(device);
  const d = matmulDispatch(scope, 'dense decode', 'matmul', s, { a: scope.storage('z', s.M * s.K * 4), b: scope.storage('w', s.K * s.N * 4), out0: scope.storage('o', s.M * s.N * 4) }, chooseMatmulTiling(device.limits));
  for (let i = 0; i < 6; i++) {
    const enc = device.createCommandEncoder();
    recordDispatches(enc, [d], profiler);
    profiler.endFrame(enc);
    device.queue.submit([enc.finish()]);
    profiler.afterSubmit();
  }
  const t = (await profiler.summary()).find((p) => p.label === 'dense decode');
  profiler.destroy();
  scope.destroy();
  return t ? t.totalMs / t.count : null;
}

const fmtRate = (v: number, unit: string) => `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${unit}`;

async function main(): Promise<Record<string, unknown>> {
  const { device, info } = await acquireGpu(navigator.gpu);
  const tfBackend = await initTfjs();
  log(`adapter: ${info.vendor} ${info.architecture} ${info.description} (tfjs backend: ${tfBackend})`);
  log(`shapes: batch ${shape.batch}, d_in ${shape.dIn}, d_sae ${shape.dSae}, k ${shape.k}${query.has('shape') ? ' (--shape)' : quick ? ' (--quick)' : ''}`);

  const ours: Record<string, number> = {};
  const theirs: Record<string, number> = {};
  for (const arch of ['topk', 'relu'] as const) {
    const o = await ourStepsPerSecond(device, arch, shape.k);
    o.trainer.destroy();
    ours[arch] = o.stepsPerSec;
    theirs[arch] = await tfjsStepsPerSecond(arch);
    rows.push([`${arch} step`, fmtRate(ours[arch]!, 'steps/s'), fmtRate(theirs[arch]!, 'steps/s (tfjs)'), `${(ours[arch]! / theirs[arch]!).toFixed(2)}×`]);
  }

  const encodeShape: MatmulShape = { M: shape.batch, N: shape.dSae, K: shape.dIn, a: 'mk', b: 'nk' };
  const decodeShape: MatmulShape = { M: shape.batch, N: shape.dIn, K: shape.dSae, a: 'mk', b: 'kn' };
  const bestMatmul = Math.max(await matmulRate(device, encodeShape), await matmulRate(device, decodeShape));
  // Useful FLOPs of a step: ReLU runs five dense products of B·d_in·d_sae; TopK one (the encoder) plus ∝ k work.
  const reluFlops = 10 * shape.batch * shape.dIn * shape.dSae;
  const topkFlops = 2 * shape.batch * shape.dIn * shape.dSae + 8 * shape.batch * shape.k * shape.dIn;
  const matmulFraction = (ours.relu! * reluFlops) / bestMatmul;
  const matmulFractionTopk = (ours.topk! * topkFlops) / bestMatmul;
  rows.push(['best dense matmul', fmtRate(bestMatmul / 1e9, 'GFLOP/s'), '', '']);
  rows.push(['relu step FLOP rate', fmtRate((ours.relu! * reluFlops) / 1e9, 'GFLOP/s'), `matmul_fraction`, matmulFraction.toFixed(2)]);
  rows.push(['topk step FLOP rate', fmtRate((ours.topk! * topkFlops) / 1e9, 'GFLOP/s'), `(topk)`, matmulFractionTopk.toFixed(2)]);

  // Sparse decode at k/d_sae = 1/64 against the dense decode product, both timed on the GPU.
  const ring = new ReadbackRing(device);
  const kSparse = Math.max(1, Math.round(shape.dSae / 64));
  const prof = await ourStepsPerSecond(device, 'topk', kSparse, true);
  const passes = await prof.trainer.profile();
  prof.trainer.destroy();
  const sparse = passes.find((p) => p.label === 'sparse decode');
  const dense = await denseDecodeMs(device, ring);
  const sparseMs = sparse ? sparse.totalMs / sparse.count : null;
  const sparseDecodeSpeedup = sparseMs && dense ? dense / sparseMs : null;
  rows.push([`decode k=${kSparse} (1/64)`, sparseMs ? `${sparseMs.toFixed(3)} ms sparse` : 'n/a', dense ? `${dense.toFixed(3)} ms dense` : 'n/a (no timestamp-query)', sparseDecodeSpeedup ? `${sparseDecodeSpeedup.toFixed(2)}×` : '']);
  if (passes.length) {
    log('topk step (k = d_sae/64) by kernel, GPU ms per step:');
    for (const p of passes.sort((a, b) => b.totalMs - a.totalMs)) log(`  ${p.label.padEnd(24)} ${(p.totalMs / p.count).toFixed(3)}`);
  }

  // Tokenization: the tokenize job's per-chunk path (windows, parts written to this page's BlobStore) against
  // a bare encode loop over the same tokenizer and documents.
  const tp = await benchTokenization({ documentCount: quick ? 5_000 : 20_000, repeats: quick ? 7 : 5 });
  rows.push([
    `tokenize (${tp.store})`,
    fmtRate(tp.pipelineTokensPerSecond, 'tok/s'),
    fmtRate(tp.bareTokensPerSecond, 'tok/s (bare)'),
    `overhead ${tp.overhead.toFixed(2)} (isolated ${tp.isolatedOverhead.toFixed(2)})`,
  ]);

  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  const summary = {
    adapter: `${info.vendor} ${info.description}`.trim(),
    quick,
    shape,
    vs_tfjs_topk: +(ours.topk! / theirs.topk!).toFixed(3),
    vs_tfjs_relu: +(ours.relu! / theirs.relu!).toFixed(3),
    matmul_fraction: +matmulFraction.toFixed(3),
    matmul_fraction_topk: +matmulFractionTopk.toFixed(3),
    sparse_decode_speedup: sparseDecodeSpeedup === null ? null : +sparseDecodeSpeedup.toFixed(3),
    tokenize_overhead: +tp.overhead.toFixed(3),
    tokenize_overhead_isolated: +tp.isolatedOverhead.toFixed(3),
  };
  log(JSON.stringify(summary));
  ring.destroy();
  device.destroy();
  return summary;
}

main().then(
  (s) => (window.__benchDone = s),
  (err: unknown) => {
    const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    log(`bench failed: ${message}`);
    window.__benchDone = { error: message };
  },
);
