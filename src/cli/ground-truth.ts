// `npm run -s sae:groundtruth [-- --arch topk] [--steps N] [--cpu]`: trains each built-in toy-superposition
// template on its synthetic source and reports how well the SAE recovered the true feature directions
// (MMCS, and the share recovered at cos > 0.9). The GPU trainer by default; --cpu uses the float64 reference.
import { parseArgs } from 'node:util';
import { BUILT_IN_TRAINING_TEMPLATES } from '../domain/templates/builtins';
import { mmcs, recoveredFraction, SuperpositionSource } from '../data/synthetic';
import { validateSaeConfig, type SaeConfig, type SaeParams } from '../sae/config';
import { GpuSaeTrainer } from '../sae/gpu/trainer';
import { initSaeParams } from '../sae/init';
import { ReferenceTrainer } from '../sae/reference';
import { cliGpu } from './cli-gpu';
import { CliUsageError, runCli } from './cli-error';

interface Trainer {
  step(x: Float32Array, B: number): void;
  /** flushes pending work and returns the decoder */
  decoder(): Promise<ArrayLike<number>>;
  lastL0(): Promise<number>;
  destroy(): void;
}

async function gpuTrainer(device: GPUDevice, cfg: SaeConfig, init: SaeParams): Promise<Trainer> {
  const t = await GpuSaeTrainer.create(device, cfg, init, { metricsInterval: 200 });
  let l0 = NaN;
  return {
    step: (x, B) => t.step(x, B),
    decoder: async () => {
      const m = await t.readMetrics();
      if (m.length) l0 = m[m.length - 1]!.l0;
      return (await t.getState()).params.W_dec;
    },
    lastL0: async () => l0,
    destroy: () => t.destroy(),
  };
}

function cpuTrainer(cfg: SaeConfig, init: SaeParams): Trainer {
  const t = new ReferenceTrainer(cfg, init);
  let l0 = NaN;
  return {
    step: (x, B) => {
      l0 = t.step(x, B).metrics.l0;
    },
    decoder: async () => t.currentParams().W_dec,
    lastL0: async () => l0,
    destroy: () => {},
  };
}

await runCli(async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { arch: { type: 'string' }, steps: { type: 'string' }, cpu: { type: 'boolean' }, seed: { type: 'string' }, set: { type: 'string', multiple: true } },
  });
  const toys = BUILT_IN_TRAINING_TEMPLATES.filter((t) => t.id.startsWith('builtin-training-toy-'));
  const chosen = values.arch ? toys.filter((t) => t.fields.config.architecture === values.arch) : toys;
  if (!chosen.length) throw new CliUsageError(`No toy template for architecture ${values.arch}.`);
  const device = values.cpu ? null : (await cliGpu()).device;
  const results = [];
  for (const tpl of chosen) {
    const { config: partial, batchSize, source } = tpl.fields;
    if (source?.kind !== 'synthetic') continue;
    const steps = values.steps ? Number(values.steps) : partial.total_steps!;
    // --set key=value overrides a config number, for tuning the templates' defaults
    const overrides = Object.fromEntries((values.set ?? []).map((kv) => {
      const [k, v] = kv.split('=');
      if (!k || v === undefined || !Number.isFinite(Number(v))) throw new CliUsageError(`--set expects key=number (got ${kv}).`);
      return [k, Number(v)];
    }));
    const cfg = validateSaeConfig({ ...partial, ...overrides, total_steps: steps, lr_decay_steps: Math.min(partial.lr_decay_steps ?? 0, steps) });
    const seed = values.seed ? Number(values.seed) : source.seed;
    const src = new SuperpositionSource({ dIn: source.dIn, features: source.features, activeProb: source.activeProb, seed });
    const init = initSaeParams(cfg, { seed });
    const trainer = device ? await gpuTrainer(device, cfg, init) : cpuTrainer(cfg, init);
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      trainer.step(src.nextBatch(batchSize), batchSize);
      if ((s + 1) % Math.max(1, Math.round(steps / 4)) === 0) {
        const W = await trainer.decoder();
        process.stderr.write(`${cfg.architecture} step ${s + 1}/${steps}: MMCS ${mmcs(src.trueDirections, W, source.dIn).toFixed(4)}\n`);
      }
    }
    const W = await trainer.decoder();
    const row = {
      architecture: cfg.architecture,
      overrides,
      steps,
      mmcs: +mmcs(src.trueDirections, W, source.dIn).toFixed(4),
      recovered_at_0_9: +recoveredFraction(src.trueDirections, W, source.dIn, 0.9).toFixed(4),
      l0: +(await trainer.lastL0()).toFixed(3),
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    };
    trainer.destroy();
    results.push(row);
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
  device?.destroy();
});
