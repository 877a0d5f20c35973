// 'extract-features' in the GPU worker (see extractFeaturesRun.ts for the work): the SAE's encoder and
// accumulators on the worker's device; the model through ONNX Runtime on that same device.
import { gpuFeatureEngine, gpuMaxEncodeRows } from '../../analysis/extraction/gpu-engine';
import { webOrt } from '../../lm/runner/ort-web';
import { openBlobStore } from '../../store/open-blob-store';
import type { GpuLaneEnv } from '../gpuLane';
import type { JobHandler } from '../handlers';
import { modelActivationRunner } from './extractFeaturesActivations';
import { runExtractFeatures } from './extractFeaturesRun';

export const extractFeaturesHandler: JobHandler<GpuLaneEnv> = async (ctx) => {
  const { device } = await ctx.env.gpu();
  return runExtractFeatures(ctx, {
    blobs: await openBlobStore(),
    engine: (opts) => gpuFeatureEngine(device, opts),
    maxEncodeRows: (dSae, dIn) => gpuMaxEncodeRows(device, dSae, dIn),
    modelRunner: (model, tensor) => modelActivationRunner(model, tensor, { ort: webOrt(), device }),
  });
};
