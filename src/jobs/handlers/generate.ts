// 'generate': steered generation and ablation in the GPU worker (see generateRun.ts for the work). The model
// runs with ONNX Runtime on the worker's WebGPU device, or on the CPU when there is no usable GPU.
import { GpuUnavailableError } from '../../gpu/device';
import { webOrt } from '../../lm/runner/ort-web';
import { openBlobStore } from '../../store/open-blob-store';
import type { GpuLaneEnv } from '../gpuLane';
import type { JobHandler } from '../handlers';
import { runSteering } from './generateRun';

/** The worker's device, or undefined when WebGPU is unavailable (ORT then runs on the CPU). */
export async function optionalDevice(env: GpuLaneEnv): Promise<GPUDevice | undefined> {
  try {
    return (await env.gpu()).device;
  } catch (err) {
    if (err instanceof GpuUnavailableError) return undefined;
    throw err;
  }
}

export const generateHandler: JobHandler<GpuLaneEnv> = async (ctx) =>
  runSteering(ctx, { ort: webOrt(), device: await optionalDevice(ctx.env), blobs: await openBlobStore() });
