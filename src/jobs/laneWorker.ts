// Main-thread handle on a lane worker: spawns it on first use and turns "the worker never started" (a
// module that fails to load) into an error instead of a call that waits forever.
import { wrap, type Remote } from 'comlink';
import type { LaneWorkerApi } from './workerApi';
import type { LaneRunner } from './scheduler';

export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
  readonly action = 'Reload the page. If it keeps happening, your browser may lack a feature miStudio needs (see System).';
}

export class LaneWorker<Api extends LaneWorkerApi> implements LaneRunner {
  private spawned: { api: Remote<Api>; ready: Promise<void> } | undefined;

  constructor(
    private readonly name: string,
    private readonly spawn: () => Worker,
  ) {}

  /** The worker's API once it has loaded. */
  async api(): Promise<Remote<Api>> {
    const spawned = this.start();
    await spawned.ready;
    return spawned.api;
  }

  async run(jobId: string): Promise<unknown> {
    const api = await this.api();
    // comlink's Remote type maps the method; the result is the worker's RunResult
    return api.runJob(jobId);
  }

  private start(): { api: Remote<Api>; ready: Promise<void> } {
    if (this.spawned) return this.spawned;
    const worker = this.spawn();
    const api = wrap<Api>(worker);
    const failed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        const detail = event instanceof ErrorEvent && event.message ? `: ${event.message}` : '';
        reject(new WorkerStartError(`The ${this.name} worker failed to start${detail}.`));
      });
    });
    const ready = Promise.race([api.ping().then(() => undefined), failed]);
    // a worker that failed to start is dropped, so the next call spawns a fresh one
    ready.catch(() => {
      if (this.spawned?.api === api) this.spawned = undefined;
      worker.terminate();
    });
    this.spawned = { api, ready };
    return this.spawned;
  }
}
