// Memory and time estimates for the new-training form, with this device's limits and, once a run has
// finished here, the speed it actually reached.
import type { TrainingRecord } from '../../domain/entities';
import {
  checkDeviceLimits,
  estimateMemory,
  estimateSeconds,
  GPU_THROUGHPUT,
  SOFTWARE_ADAPTER_THROUGHPUT,
  throughputFromRun,
  type DeviceLimits,
  type LimitProblem,
  type MemoryEstimate,
  type ThroughputAssumption,
  type TrainingShape,
} from '../../sae/training/estimate';
import { trainingRepo } from '../../store/repos/trainings';
import { gpuStatus } from '../system';

export interface DeviceInfo {
  available: boolean;
  /** why there is no GPU, when there is none */
  reason?: string;
  description?: string;
  software?: boolean;
  limits?: DeviceLimits;
}

export async function deviceInfo(): Promise<DeviceInfo> {
  const status = await gpuStatus();
  if (!status.available) return { available: false, reason: status.message };
  const { adapter } = status;
  const limits: DeviceLimits = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize ?? 128 * 2 ** 20,
    maxBufferSize: adapter.limits.maxBufferSize ?? 256 * 2 ** 20,
  };
  const description = [adapter.vendor, adapter.architecture, adapter.device || adapter.description].filter(Boolean).join(' ');
  return { available: true, description, software: adapter.isFallbackAdapter || /swiftshader/i.test(adapter.description + adapter.device), limits };
}

/** The newest finished training's measured speed, as an assumption for others. */
export async function measuredThroughput(base: ThroughputAssumption): Promise<{ assumption: ThroughputAssumption; from?: TrainingRecord }> {
  const done = await trainingRepo.list({ filters: { status: 'completed' }, sort: { field: 'updatedAt', dir: 'desc' }, page: 0, pageSize: 1 });
  const last = done.rows[0];
  if (!last?.elapsedMs || last.elapsedMs <= 0) return { assumption: base };
  const shape: TrainingShape = { ...last.config, batchSize: last.batchSize, totalSteps: last.config.total_steps };
  const ran = last.step - (last.runs?.[0]?.fromStep ?? 0);
  return { assumption: throughputFromRun(shape, ran / (last.elapsedMs / 1000), base), from: last };
}

export interface TrainingEstimate {
  memory: MemoryEstimate;
  seconds: number;
  problems: LimitProblem[];
  /** how the time was estimated, in words */
  basis: string;
}

export function estimateTraining(shape: TrainingShape, device: DeviceInfo | undefined, measured?: { assumption: ThroughputAssumption; from?: TrainingRecord }): TrainingEstimate {
  const memory = estimateMemory(shape);
  const problems = device?.limits ? checkDeviceLimits(memory, device.limits) : [];
  let assumption = device?.software ? SOFTWARE_ADAPTER_THROUGHPUT : GPU_THROUGHPUT;
  let basis = device?.software ? 'a software (CPU) GPU adapter' : 'a typical laptop GPU';
  if (measured?.from) {
    assumption = measured.assumption;
    basis = `the speed of “${measured.from.name}” on this device`;
  }
  return { memory, seconds: estimateSeconds(shape, assumption), problems, basis };
}
