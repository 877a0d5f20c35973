// Buffer helpers: sizes rounded up to 16 bytes (uniform and storage bindings want it), typed uploads, and a
// one-off awaited readback for tests and checkpoints (training loops use the ReadbackRing instead).

export function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** Byte size rounded up to 16, at least 16. */
export function paddedSize(bytes: number): number {
  return Math.max(16, roundUp(bytes, 16));
}

/** GPUBufferUsage is a global that Node only has after nodeGpu(), hence a function rather than a constant. */
export function storageUsage(): number {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

export function createBuffer(device: GPUDevice, label: string, bytes: number, usage: number = storageUsage()): GPUBuffer {
  return device.createBuffer({ label, size: paddedSize(bytes), usage });
}

export type TypedData = Float32Array | Uint32Array | Int32Array | Uint16Array;

/** A storage buffer holding `data` (padded with zeros to 16 bytes). */
export function uploadBuffer(device: GPUDevice, label: string, data: TypedData, usage: number = storageUsage()): GPUBuffer {
  const buffer = device.createBuffer({ label, size: paddedSize(data.byteLength), usage, mappedAtCreation: true });
  const dst = new Uint8Array(buffer.getMappedRange());
  dst.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** writeBuffer of a typed array (writeBuffer needs a multiple of 4 bytes: an even length for Uint16Array). */
export function writeData(device: GPUDevice, buffer: GPUBuffer, data: TypedData, byteOffset = 0): void {
  if (data.byteLength % 4 !== 0) throw new RangeError(`writeData needs a multiple of 4 bytes, got ${data.byteLength}.`);
  device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
}

/** A uniform buffer with `bytes` contents. */
export function uniformBuffer(device: GPUDevice, label: string, bytes: ArrayBuffer): GPUBuffer {
  const buffer = device.createBuffer({ label, size: paddedSize(bytes.byteLength), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, bytes);
  return buffer;
}

/**
 * Copies `bytes` from `src` into a fresh staging buffer and maps it. Waits for all work submitted before.
 * For tests and checkpoints; per-step reads go through a ReadbackRing.
 */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, byteOffset = 0, bytes = src.size - byteOffset): Promise<ArrayBuffer> {
  const size = roundUp(bytes, 4);
  const staging = device.createBuffer({ label: `read ${src.label}`, size: Math.max(4, size), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder({ label: 'readBuffer' });
  encoder.copyBufferToBuffer(src, byteOffset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange(0, size).slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

export async function readF32(device: GPUDevice, src: GPUBuffer, length: number, elementOffset = 0): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, elementOffset * 4, length * 4));
}

export async function readU32(device: GPUDevice, src: GPUBuffer, length: number, elementOffset = 0): Promise<Uint32Array> {
  return new Uint32Array(await readBuffer(device, src, elementOffset * 4, length * 4));
}
