// `npm run -s sae:profile -- [--arch topk] [--batch 256] [--d-in 64] [--d-sae 1024] [--k 16] [--steps 6]`:
// times every kernel of a training step headlessly (Node + Dawn, timestamp queries) and prints GPU ms per
// step, largest first, and the step's total. For finding what to speed up; `npm run bench` measures the ratios.
import { parseArgs } from 'node:util';
import { ARCHITECTURES, validateSaeConfig, type Architecture } from '../sae/config';
import { GpuSaeTrainer } from '../sae/gpu/trainer';
import { initSaeParams } from '../sae/init';
import { cliGpu } from './cli-gpu';
import { CliUsageError, runCli } from './cli-error';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string', default: 'topk' },
      batch: { type: 'string', default: '256' },
      'd-in': { type: 'string', default: '64' },
      'd-sae': { type: 'string', default: '1024' },
      k: { type: 'string', default: '16' },
      steps: { type: 'string', default: '6' },
    },
  });
  const arch = values.arch as Architecture;
  if (!ARCHITECTURES.includes(arch)) throw new CliUsageError(`--arch must be one of ${ARCHITECTURES.join(', ')}`);
  const [batch, dIn, dSae, k, steps] = [values.batch, values['d-in'], values['d-sae'], values.k, values.steps].map(Number) as [number, number, number, number, number];
  const { device } = await cliGpu();
  const config = validateSaeConfig({ architecture: arch, d_in: dIn, d_sae: dSae, k, k_aux: Math.min(512, dSae), total_steps: 1_000_000, lr: 1e-4, l1_coefficient: 1e-3 });
  const trainer = await GpuSaeTrainer.create(device, config, initSaeParams(config, { seed: 1 }), { metricsInterval: 64, profile: true });
  const x = new Float32Array(batch * dIn);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step(x, batch);
  await device.queue.onSubmittedWorkDone();
  const wallMs = (performance.now() - t0) / steps;
  const passes = (await trainer.profile()).sort((a, b) => b.totalMs - a.totalMs);
  let total = 0;
  for (const p of passes) {
    const ms = p.totalMs / p.count;
    total += ms;
    process.stdout.write(`${p.label.padEnd(28)} ${ms.toFixed(3)}\n`);
  }
  process.stdout.write(`${'total GPU ms / step'.padEnd(28)} ${total.toFixed(3)}\n${'wall ms / step'.padEnd(28)} ${wallMs.toFixed(3)}\n`);
  trainer.destroy();
  device.destroy();
});
