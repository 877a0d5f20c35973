// The GPU lane: what GPU jobs receive from the worker, and which kinds it runs.
import type { GpuContext } from '../gpu/device';
import { HandlerRegistry } from './handlers';
import { demoReduceHandler } from './handlers/demoReduce';
import { evaluateHandler } from './handlers/evaluate';
import { generateHandler } from './handlers/generate';
import { extractActivationsHandler } from './handlers/extractActivations';
import { extractFeaturesHandler } from './handlers/extractFeatures';
import { trainHandler } from './handlers/train';
import { tryPromptHandler } from './handlers/tryPrompt';

export interface GpuLaneEnv {
  /** the worker's live device; a fresh one after a device loss */
  gpu(): Promise<GpuContext>;
}

export function gpuHandlers(): HandlerRegistry<GpuLaneEnv> {
  return new HandlerRegistry<GpuLaneEnv>('gpu')
    .register('demo-reduce', demoReduceHandler)
    .register('train', trainHandler)
    .register('extract-activations', extractActivationsHandler)
    .register('extract-features', extractFeaturesHandler)
    .register('try-prompt', tryPromptHandler)
    .register('generate', generateHandler)
    .register('evaluate', evaluateHandler);
}
