// The extraction engine on the GPU: the encoder's latents stay on the device and go straight into the
// statistics, sampler or gather kernels (src/analysis/gpu); only the end of a pass reads back.
import { GpuContextGather, GpuFeatureEncoder, GpuFeatureStats, GpuQuantileSampler, gpuLogitEffects, maxBatchRows } from '../gpu';
import { FeatureEngineError, type FeatureEngine, type FeatureEngineOptions } from './engine';

/** The most activation rows one encode may hold on this device (latents and inputs in one buffer each). */
export function gpuMaxEncodeRows(device: GPUDevice, dSae: number, dIn: number): number {
  return maxBatchRows(device, dSae, dIn);
}

export function gpuFeatureEngine(device: GPUDevice, opts: FeatureEngineOptions): FeatureEngine {
  const { cfg, maxRows } = opts;
  const encoder = GpuFeatureEncoder.create(device, cfg, opts.params, { maxRows });
  const owned: { destroy(): void }[] = [encoder];
  let stats: GpuFeatureStats | null = null;
  let sampler: GpuQuantileSampler | null = null;
  let gather: GpuContextGather | null = null;
  let rowsEncoded = 0;
  const own = <T extends { destroy(): void }>(x: T): T => (owned.push(x), x);
  const checkRows = (rows: number) => {
    if (rows !== rowsEncoded) throw new FeatureEngineError(`The latest encode has ${rowsEncoded} rows, not ${rows}.`);
  };
  const statsOptions = { dSae: cfg.d_sae, k: opts.topK, maxRows, ...(opts.histogram ? { histogram: opts.histogram } : {}) };
  return {
    maxRows,
    encode(x, rows) {
      encoder.encodeArray(x, rows);
      rowsEncoded = rows;
    },
    addStats(rows, batch) {
      checkRows(rows);
      stats ??= own(GpuFeatureStats.create(device, statsOptions));
      stats.add(encoder.z, rows, batch);
    },
    async readStats() {
      stats ??= own(GpuFeatureStats.create(device, statsOptions));
      return stats.read();
    },
    loadStats(state) {
      stats ??= own(GpuFeatureStats.create(device, statsOptions));
      stats.load(state);
    },
    beginSampling(edges, perBand, seed) {
      sampler = own(GpuQuantileSampler.create(device, { edges, perBand, seed, maxRows }));
    },
    addSamples(rows, batch) {
      checkRows(rows);
      if (!sampler) throw new FeatureEngineError('Sampling was not set up before its pass.');
      sampler.add(encoder.z, rows, batch);
    },
    async readSamples() {
      if (!sampler) throw new FeatureEngineError('Sampling was not set up before its pass.');
      return sampler.read();
    },
    loadSamples(state) {
      if (!sampler) throw new FeatureEngineError('Sampling was not set up before its pass.');
      sampler.load(state);
    },
    gather(list) {
      gather ??= own(new GpuContextGather(device, cfg.d_sae));
      return gather.gather(encoder.z, list);
    },
    logitEffects: (input, topN) => gpuLogitEffects(device, input, topN),
    destroy() {
      for (const x of owned) x.destroy();
      owned.length = 0;
    },
  };
}
