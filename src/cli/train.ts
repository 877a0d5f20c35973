// `npm run -s sae:train -- --activations X.npy --config C.json --out DIR`: trains an SAE on a float32 matrix
// [N, d_in] with the same WGSL kernels the studio uses and writes DIR/cfg.json + DIR/sae_weights.safetensors
// (SAELens layout). Progress goes to stderr; the last stdout line is a JSON of the final metrics.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateSaeConfig, type SaeConfig, type StepMetrics } from '../sae/config';
import { readNpy } from '../sae/formats/npy';
import { saeLensFiles, toSaeLens } from '../sae/formats/saelens';
import { GpuSaeTrainer } from '../sae/gpu/trainer';
import { initSaeParams, type DecoderBiasInit } from '../sae/init';
import { estimateInputScale } from '../sae/input-scale';
import { cliGpu } from './cli-gpu';
import { CliUsageError, readBinaryFile, readJsonFile, runCli } from './cli-error';
import { ShuffledBatches } from './shuffled-batches';

const USAGE = 'usage: npm run -s sae:train -- --activations X.npy --config C.json --out DIR';
const B_DEC_INITS: readonly DecoderBiasInit[] = ['zeros', 'mean', 'geometric_median'];

/** Keys the CLI reads beside the SaeConfig keys. */
interface RunOptions {
  batch_size: number;
  seed: number;
  b_dec_init: DecoderBiasInit;
  input_scaling: boolean;
  model_name: string | null;
  hook_name: string | null;
}

function parseRunConfig(raw: unknown, dIn: number): { config: SaeConfig; run: RunOptions } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliUsageError('The config must be a JSON object.');
  const { batch_size = 4096, seed = 0, b_dec_init = 'zeros', input_scaling = false, model_name = null, hook_name = null, arch, ...rest } =
    raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof batch_size !== 'number' || !Number.isInteger(batch_size) || batch_size < 1) problems.push('batch_size must be a positive integer');
  if (typeof seed !== 'number' || !Number.isInteger(seed)) problems.push('seed must be an integer');
  if (!B_DEC_INITS.includes(b_dec_init as DecoderBiasInit)) problems.push(`b_dec_init must be one of ${B_DEC_INITS.join(', ')}`);
  if (typeof input_scaling !== 'boolean') problems.push('input_scaling must be true or false');
  if (model_name !== null && typeof model_name !== 'string') problems.push('model_name must be a string');
  if (hook_name !== null && typeof hook_name !== 'string') problems.push('hook_name must be a string');
  if (problems.length) throw new CliUsageError(`Invalid config: ${problems.join('; ')}.`);
  const candidate = { architecture: arch, ...rest } as Partial<SaeConfig>;
  if (candidate.d_in === undefined) candidate.d_in = dIn;
  const config = validateSaeConfig(candidate);
  if (config.d_in !== dIn) throw new CliUsageError(`The config says d_in=${config.d_in} but the activations have ${dIn} columns.`);
  return {
    config,
    run: {
      batch_size: batch_size as number,
      seed: seed as number,
      b_dec_init: b_dec_init as DecoderBiasInit,
      input_scaling: input_scaling as boolean,
      model_name: model_name as string | null,
      hook_name: hook_name as string | null,
    },
  };
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));

await runCli(async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { activations: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  }).valueOf() as { values: { activations?: string; config?: string; out?: string } };
  if (!values.activations || !values.config || !values.out) throw new CliUsageError(USAGE);

  const npy = readNpy(readBinaryFile(values.activations, 'activations file'));
  if (npy.shape.length !== 2) throw new CliUsageError(`The activations must be a 2-D matrix [N, d_in]; got shape [${npy.shape.join(', ')}].`);
  const [rows, dIn] = npy.shape as [number, number];
  if (rows < 1) throw new CliUsageError('The activations file has no rows.');
  const { config, run } = parseRunConfig(readJsonFile(values.config, 'config file'), dIn);

  const sampleRows = Math.min(rows, 4096);
  const scale = run.input_scaling ? estimateInputScale(npy.data.subarray(0, sampleRows * dIn), sampleRows, dIn) : 1;
  const sample = run.b_dec_init === 'zeros' ? undefined : Float32Array.from(npy.data.subarray(0, sampleRows * dIn), (v) => v * scale);
  const params = initSaeParams(config, { seed: run.seed, bDec: run.b_dec_init, sample, sampleRows });

  const { device, info } = await cliGpu();
  process.stderr.write(`sae:train: ${config.architecture} d_in=${dIn} d_sae=${config.d_sae} on ${info.description || info.vendor}; ${rows} rows, batch ${run.batch_size}, ${config.total_steps} steps\n`);
  const trainer = await GpuSaeTrainer.create(device, config, params, { metricsInterval: 50 });
  const batches = new ShuffledBatches(npy.data, rows, dIn, run.seed);
  const started = performance.now();
  let last: StepMetrics | undefined;
  const report = async () => {
    const m = await trainer.readMetrics();
    if (m.length) last = m[m.length - 1];
    const secs = (performance.now() - started) / 1000;
    const step = trainer.completedSteps;
    const tokPerSec = (step * run.batch_size) / Math.max(secs, 1e-9);
    const eta = (config.total_steps - step) * (secs / Math.max(step, 1));
    if (last) {
      process.stderr.write(
        `step ${step}/${config.total_steps}  loss ${fmt(last.loss)}  mse ${fmt(last.mse)}  l0 ${fmt(last.l0)}  ev ${fmt(last.explained_variance)}  dead ${fmt(last.dead_fraction)}  ${Math.round(tokPerSec)} tok/s  eta ${eta.toFixed(0)}s\n`,
      );
    }
  };
  const reportEvery = Math.max(1, Math.ceil(config.total_steps / 20));
  for (let s = trainer.completedSteps; s < config.total_steps; s++) {
    trainer.step(batches.next(run.batch_size, scale), run.batch_size);
    if ((s + 1) % reportEvery === 0) await report();
  }
  await report();
  const state = await trainer.getState();
  trainer.destroy();
  device.destroy();

  const exp = toSaeLens(
    state.params,
    config,
    { model_name: run.model_name, hook_name: run.hook_name },
    { inputScale: scale, thresholdBatch: state.thresholdBatch },
  );
  mkdirSync(values.out, { recursive: true });
  for (const [name, bytes] of Object.entries(saeLensFiles(exp))) writeFileSync(join(values.out, name), bytes);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`sae:train: wrote ${values.out}/cfg.json and sae_weights.safetensors in ${seconds.toFixed(1)}s\n`);
  process.stdout.write(`${JSON.stringify({ ...last, steps: config.total_steps, tokens: config.total_steps * run.batch_size, seconds, input_scale: scale })}\n`);
});
