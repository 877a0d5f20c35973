// `npm run -s sae:replay -- FIXTURE.json`: replays a golden fixture (any shape or seed of the shared format)
// on the GPU trainer and prints one JSON document with its metrics, step-0 internals and final parameters.
import { paramShapes } from '../sae/config';
import { fixtureParams, parseFixture } from '../sae/fixture';
import { GpuSaeTrainer } from '../sae/gpu/trainer';
import { cliGpu } from './cli-gpu';
import { CliUsageError, readJsonFile, runCli } from './cli-error';

const flat = (a: ArrayLike<number>) => Array.from(a);

await runCli(async () => {
  const path = process.argv.slice(2).find((a) => a !== '--');
  if (!path) throw new CliUsageError('usage: npm run -s sae:replay -- FIXTURE.json');
  const fx = parseFixture(readJsonFile(path, 'fixture'));
  const { device } = await cliGpu();
  const trainer = await GpuSaeTrainer.create(device, fx.config, fixtureParams(fx), { metricsInterval: 64 });
  const step0 = trainer.captureNextStep();
  for (const batch of fx.batches.slice(0, fx.steps)) trainer.step(Float32Array.from(batch.data), batch.shape[0]!);
  const metrics = await trainer.readMetrics();
  const internals = await step0;
  const state = await trainer.getState();
  const shapes = paramShapes(fx.config);
  const final: Record<string, { shape: number[]; data: number[] }> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    final[name] = { shape, data: flat(state.params[name as keyof typeof state.params]!) };
  }
  const grads: Record<string, number[]> = {};
  for (const name of Object.keys(shapes)) grads[name] = flat(internals.grads[name as keyof typeof internals.grads]!);
  const out: Record<string, unknown> = {
    metrics,
    step0: { hidden_pre: flat(internals.hidden_pre), feature_acts: flat(internals.feature_acts), x_hat: flat(internals.x_hat), grads },
    final,
  };
  if (fx.config.architecture === 'batchtopk') out.final_threshold = state.thresholdBatch;
  trainer.destroy();
  device.destroy();
  process.stdout.write(`${JSON.stringify(out)}\n`);
});
