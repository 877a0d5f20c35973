// Activation sources for training: a stored cache, a model run on a tokenized dataset (on the GPU, zero
// copy, through a shuffle buffer), or synthetic superposition data — one interface (source.ts).
import type { ActivationSourceSpec } from '../../domain/entities';
import { openCacheSource } from './cache-source';
import { openModelSource } from './model-source';
import type { ActivationSource, ActivationSourceDeps } from './source';
import { openSyntheticSource } from './synthetic-source';

export { ActivationStatsAccumulator, type ActivationStats, type ActivationStatsState } from './activation-stats';
export { fromHalf, toHalf } from './f16';
export { CpuShuffleBuffer } from './shuffle-buffer-cpu';
export { GpuShuffleBuffer, type GpuShuffleBufferOptions } from './shuffle-buffer-gpu';
export { ShufflePlan, type TakePlan } from './shuffle-plan';
export { ActivationSourceError, type ActivationSource, type ActivationSourceDeps } from './source';

/** Opens the source a training spec names. Model sources need `deps.ort` and (for GPU batches) `deps.device`. */
export function openActivationSource(spec: ActivationSourceSpec, deps: ActivationSourceDeps): Promise<ActivationSource> {
  switch (spec.kind) {
    case 'synthetic':
      return Promise.resolve(openSyntheticSource(spec));
    case 'cache':
      return openCacheSource(spec.cacheId, deps);
    case 'model':
      return openModelSource(spec, deps);
  }
}
