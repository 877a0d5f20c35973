// 'evaluate': an SAE spliced into its model on held-out windows, in the GPU worker (see evaluateRun.ts).
import { webOrt } from '../../lm/runner/ort-web';
import { openBlobStore } from '../../store/open-blob-store';
import type { GpuLaneEnv } from '../gpuLane';
import type { JobHandler } from '../handlers';
import { runEvaluate } from './evaluateRun';
import { optionalDevice } from './generate';

export const evaluateHandler: JobHandler<GpuLaneEnv> = async (ctx) =>
  runEvaluate(ctx, { ort: webOrt(), device: await optionalDevice(ctx.env), blobs: await openBlobStore() });
