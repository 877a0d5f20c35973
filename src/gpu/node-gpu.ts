// Node entry to WebGPU through the `webgpu` package (Dawn). Finds a real GPU when the machine has a usable
// Vulkan/Metal/D3D driver, else falls back to Chromium's SwiftShader Vulkan ICD (CPU).
import { existsSync } from 'node:fs';
import { GpuUnavailableError } from './device';

const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

let cached: GPU | undefined;

export interface NodeGpuOptions {
  /** told when no GPU driver answered and SwiftShader serves instead (Dawn has already printed Vulkan warnings) */
  log?: (line: string) => void;
}

export async function nodeGpu(options: NodeGpuOptions = {}): Promise<GPU> {
  if (cached) return cached;
  const { create, globals } = await import('webgpu');
  // The WebGPU constants (GPUBufferUsage, GPUMapMode, ...) are globals in browsers; Dawn's binding provides them.
  Object.assign(globalThis, globals);
  let gpu = create([]) as unknown as GPU;
  if (!(await gpu.requestAdapter())) {
    const icd = process.env.CHROMIUM_VK_ICD ?? SWIFTSHADER_ICDS.find((p) => existsSync(p));
    if (!icd) {
      throw new GpuUnavailableError(
        'no-adapter',
        'No WebGPU adapter: no usable Vulkan driver was found and Chromium\'s SwiftShader ICD is not installed.',
        'Install a GPU driver with Vulkan support, or `apt-get install chromium libvulkan1` for the CPU fallback.',
      );
    }
    // The Vulkan loader reads VK_ICD_FILENAMES when an instance is created, so a fresh create() sees it.
    process.env.VK_ICD_FILENAMES = icd;
    gpu = create([]) as unknown as GPU;
    if (await gpu.requestAdapter()) {
      options.log?.(`No GPU driver answered (the Vulkan warnings above); running on SwiftShader, a CPU implementation (${icd}): fine for tests and small shapes, slow for real ones.`);
    } else {
      throw new GpuUnavailableError(
        'no-adapter',
        `No WebGPU adapter, even with SwiftShader (${icd}).`,
        'Install libvulkan1 (`apt-get install libvulkan1`) so Dawn can load the Vulkan loader.',
      );
    }
  }
  cached = gpu;
  return gpu;
}
