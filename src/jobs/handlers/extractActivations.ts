// 'extract-activations' in the GPU worker: the model runs through ONNX Runtime on the worker's own WebGPU
// device (the one our kernels and the trainer use), or on the CPU through WebAssembly when this browser
// has no WebGPU — the job says so in its messages. The work itself is extractActivationsRun.ts.
import { GpuUnavailableError } from '../../gpu/device';
import { webOrt } from '../../lm/runner/ort-web';
import { openBlobStore } from '../../store/open-blob-store';
import type { JobHandler } from '../handlers';
import type { GpuLaneEnv } from '../gpuLane';
import { runExtraction } from './extractActivationsRun';

/** The worker's device, or undefined (run on the CPU) when WebGPU is not available at all. */
export async function deviceOrCpu(env: GpuLaneEnv): Promise<GPUDevice | undefined> {
  try {
    return (await env.gpu()).device;
  } catch (err) {
    if (err instanceof GpuUnavailableError) return undefined;
    throw err;
  }
}

export const extractActivationsHandler: JobHandler<GpuLaneEnv> = async (ctx) =>
  runExtraction(ctx, { ort: webOrt(), device: await deviceOrCpu(ctx.env), blobs: await openBlobStore() });
