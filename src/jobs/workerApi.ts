// What the lane workers expose over comlink. Worker entry points build these; the main thread imports the types.
import type { GpuSession, GpuStatusReport } from './gpuSession';
import type { HandlerRegistry } from './handlers';
import type { GpuLaneEnv } from './gpuLane';
import type { IoLaneEnv } from './ioLane';
import { runJob, type RunnerStore, type RunResult } from './runner';

export interface LaneWorkerApi {
  /** answers once the worker's modules have loaded */
  ping(): true;
  /** runs a job the scheduler claimed (status `running`) to its end; progress and status go to the database */
  runJob(jobId: string): Promise<RunResult>;
}

export interface GpuWorkerApi extends LaneWorkerApi {
  gpuStatus(): Promise<GpuStatusReport>;
  /** destroys the device as a driver reset would, to exercise recovery */
  loseDevice(): Promise<boolean>;
}

export function createGpuWorkerApi(session: GpuSession, handlers: HandlerRegistry<GpuLaneEnv>, store: RunnerStore): GpuWorkerApi {
  const env: GpuLaneEnv = { gpu: () => session.context() };
  return {
    ping: () => true,
    async runJob(jobId) {
      const lost = session.lostSignal();
      try {
        return await runJob(jobId, { store, handlers, env, interruption: lost.promise });
      } finally {
        lost.dispose();
      }
    },
    gpuStatus: () => session.status(),
    loseDevice: () => session.loseDevice(),
  };
}

export function createIoWorkerApi(handlers: HandlerRegistry<IoLaneEnv>, store: RunnerStore): LaneWorkerApi {
  return { ping: () => true, runJob: (jobId) => runJob(jobId, { store, handlers, env: {} }) };
}
