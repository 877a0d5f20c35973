// WebGPU adapter/device acquisition shared by the browser (navigator.gpu) and Node (the `webgpu` package).

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
}

export interface GpuContext {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: AdapterSummary;
}

export type GpuUnavailableReason = 'no-webgpu' | 'no-adapter' | 'device-failed';

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
  constructor(
    readonly reason: GpuUnavailableReason,
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

/** Optional features we use when present: subgroups (reductions), timestamp-query (profiler), f16 storage. */
const WANTED_FEATURES: GPUFeatureName[] = ['subgroups', 'timestamp-query', 'shader-f16'] as GPUFeatureName[];

const LIMIT_NAMES = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxBindGroups',
] as const;

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) limits[name] = Number(adapter.limits[name]);
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    // `isFallbackAdapter` moved from GPUAdapter to GPUAdapterInfo; read whichever exists.
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** called once if the device is lost (driver reset, tab backgrounded too long, destroy()) */
  onLost?: (info: GPUDeviceLostInfo) => void;
}

/** Requests the adapter's maximum limits and our optional features, so kernels size themselves from them. */
export async function acquireGpu(gpu: GPU | undefined, opts: AcquireOptions = {}): Promise<GpuContext> {
  if (!gpu) {
    throw new GpuUnavailableError(
      'no-webgpu',
      'This browser does not expose WebGPU.',
      'Use Chrome or Edge 113+, Safari 26, or Firefox 141+ on Windows; on Linux Chrome, enable chrome://flags/#enable-unsafe-webgpu.',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new GpuUnavailableError(
      'no-adapter',
      'WebGPU is present but no GPU adapter is available.',
      'Update your GPU driver, check that hardware acceleration is on in the browser settings, or try another browser.',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) requiredLimits[name] = Number(adapter.limits[name]);
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  } catch (err) {
    throw new GpuUnavailableError(
      'device-failed',
      `The GPU adapter refused to create a device: ${err instanceof Error ? err.message : String(err)}`,
      'Close other GPU-heavy tabs and reload; if it persists, restart the browser.',
    );
  }
  if (opts.onLost) {
    const onLost = opts.onLost;
    void device.lost.then((info) => onLost(info));
  }
  return { adapter, device, info: summarizeAdapter(adapter) };
}
