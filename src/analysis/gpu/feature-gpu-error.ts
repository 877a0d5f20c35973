// Size checks for the feature-extraction kernels, with messages that say what to change.

export class FeatureGpuError extends Error {
  override name = 'FeatureGpuError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(`${message} ${action}`);
  }
}

/** Throws when one buffer of `bytes` cannot be bound as storage on this device. */
export function checkBindingSize(device: GPUDevice, bytes: number, what: string, action: string): void {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (bytes > limit) {
    throw new FeatureGpuError(`${what} needs ${(bytes / 2 ** 20).toFixed(1)} MiB in one GPU buffer; this GPU allows ${(limit / 2 ** 20).toFixed(1)} MiB.`, action);
  }
}

/** The most activation rows per batch whose [rows, d_sae] (and [rows, d_in]) buffers fit on this device. */
export function maxBatchRows(device: GPUDevice, dSae: number, dIn = 0): number {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  return Math.max(0, Math.floor(limit / (4 * Math.max(dSae, dIn))));
}

export function checkRows(rows: number, maxRows: number): void {
  if (!Number.isInteger(rows) || rows < 1 || rows > maxRows) {
    throw new FeatureGpuError(`A batch of ${rows} rows does not fit buffers made for 1 to ${maxRows} rows.`, 'Split the batch, or create the kernels with a larger maximum batch.');
  }
}

/** Throws when `buffer` holds fewer than `rows` rows of `width` f32 values. */
export function checkRowsBuffer(buffer: GPUBuffer, rows: number, width: number, what: string): void {
  if (buffer.size < rows * width * 4) {
    throw new FeatureGpuError(`${what} (${buffer.size} bytes) is too small for ${rows} rows of ${width} values.`, 'Pass the buffer the batch was written to, and its row count.');
  }
}
