// The GPU worker's device: acquired on first use, replaced after a loss. A job running when the device is
// lost fails with the reason; the next job gets a fresh device.
import { acquireGpu, GpuUnavailableError, type AdapterSummary, type GpuContext } from '../gpu/device';
import type { JobError } from '../domain/job';

export type GpuStatusReport =
  | { available: true; adapter: AdapterSummary; lostCount: number }
  | { available: false; reason: string; message: string; action: string };

type Acquire = (onLost: (info: GPUDeviceLostInfo) => void) => Promise<GpuContext>;

export class GpuSession {
  private current: Promise<GpuContext> | undefined;
  private readonly lostListeners = new Set<(error: JobError) => void>();
  private lostCount = 0;

  constructor(private readonly acquire: Acquire) {}

  /** The live device, acquiring one if there is none (first use, or after a loss). */
  context(): Promise<GpuContext> {
    if (!this.current) {
      const attempt = this.acquire((info) => this.handleLost(attempt, info));
      this.current = attempt;
      // a failed acquisition is not cached: the next call tries again
      attempt.catch(() => {
        if (this.current === attempt) this.current = undefined;
      });
    }
    return this.current;
  }

  /** Settles with a job error when the device is lost; pass it to the runner as `interruption`. */
  lostSignal(): { promise: Promise<JobError>; dispose: () => void } {
    let listener: (error: JobError) => void = () => {};
    const promise = new Promise<JobError>((resolve) => {
      listener = resolve;
    });
    this.lostListeners.add(listener);
    return { promise, dispose: () => this.lostListeners.delete(listener) };
  }

  async status(): Promise<GpuStatusReport> {
    try {
      const { info } = await this.context();
      return { available: true, adapter: info, lostCount: this.lostCount };
    } catch (err) {
      if (err instanceof GpuUnavailableError) return { available: false, reason: err.reason, message: err.message, action: err.action };
      return {
        available: false,
        reason: 'unknown',
        message: `WebGPU failed to start: ${err instanceof Error ? err.message : String(err)}`,
        action: 'Reload the page; if it persists, restart the browser.',
      };
    }
  }

  /** Destroys the live device as a driver reset would (for tests of the recovery path). */
  async loseDevice(): Promise<boolean> {
    if (!this.current) return false;
    const { device } = await this.current;
    device.destroy();
    return true;
  }

  private handleLost(lost: Promise<GpuContext>, info: GPUDeviceLostInfo): void {
    if (this.current === lost) this.current = undefined;
    this.lostCount++;
    const detail = info.message ? `: ${info.message}` : '';
    const error: JobError = {
      message: `The GPU device was lost (${info.reason ?? 'unknown'})${detail}. The job stopped.`,
      action: 'Resume the job to continue on a fresh GPU device. If this keeps happening, close other GPU-heavy tabs or restart the browser.',
    };
    for (const listener of [...this.lostListeners]) listener(error);
  }
}

/** The browser's session: WebGPU from the worker's navigator. */
export function browserGpuSession(): GpuSession {
  return new GpuSession((onLost) => acquireGpu(navigator.gpu, { onLost }));
}
