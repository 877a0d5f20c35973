// The IO lane: CPU and network jobs (downloads, imports, tokenization), beside the GPU lane.
import { HandlerRegistry } from './handlers';

/** IO jobs get nothing beyond the job context: storage and fetch are available in any worker. */
export type IoLaneEnv = Record<string, never>;

export function ioHandlers(): HandlerRegistry<IoLaneEnv> {
  return new HandlerRegistry<IoLaneEnv>('io');
}
