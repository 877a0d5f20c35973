// What the System page reports: the GPU (from the GPU worker, where jobs run), storage and isolation.
import type { GpuStatusReport } from '../jobs/gpuSession';
import { jobRuntime } from '../jobs/runtime';

export async function gpuStatus(): Promise<GpuStatusReport> {
  try {
    const api = await jobRuntime().gpu.api();
    return await api.gpuStatus();
  } catch (err) {
    return {
      available: false,
      reason: 'worker-failed',
      message: err instanceof Error ? err.message : String(err),
      action: 'Reload the page. If it keeps happening, try another browser.',
    };
  }
}

export interface StorageReport {
  supported: boolean;
  usage: number;
  quota: number;
  /** whether the browser promised not to evict this site's data */
  persisted: boolean;
}

export async function storageReport(): Promise<StorageReport> {
  const storage = navigator.storage;
  if (!storage?.estimate) return { supported: false, usage: 0, quota: 0, persisted: false };
  const [estimate, persisted] = await Promise.all([storage.estimate(), storage.persisted ? storage.persisted() : Promise.resolve(false)]);
  return { supported: true, usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
}

/** Asks the browser to keep this site's data under storage pressure; returns whether it agreed. */
export async function requestPersistentStorage(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  return navigator.storage.persist();
}

/** Simulates a GPU driver reset in the GPU worker (tests of the recovery path). */
export async function loseGpuDevice(): Promise<boolean> {
  const api = await jobRuntime().gpu.api();
  return api.loseDevice();
}
