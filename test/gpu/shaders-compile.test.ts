import { describe, expect, it } from 'vitest';
import { compileErrors, kernelSource, SHADER_SOURCES } from '../../src/gpu/kernels';
import { entryBindings } from '../../src/gpu/wgsl-source';
import { useGpu } from './gpu-test-kit';

const gpu = useGpu();

// Files included by others rather than compiled alone.
const INCLUDES = new Set(['sae_common.wgsl', 'wg_reduce.wgsl', 'wg_scan.wgsl']);
// The SAE trainer's kernel families.
const TRAINER_SHADERS = ['sae_matmul.wgsl', 'sae_topk.wgsl', 'counting_sort.wgsl', 'sae_decode.wgsl', 'sae_backward.wgsl', 'sae_adam.wgsl', 'sae_reduce.wgsl'];

describe('every shader compiles', () => {
  for (const name of SHADER_SOURCES.keys()) {
    if (INCLUDES.has(name)) continue;
    it(name, async () => {
      expect(await compileErrors(gpu.device, { shader: name })).toEqual([]);
    });
  }
});

describe('trainer kernels fit the limits every WebGPU device has', () => {
  for (const name of TRAINER_SHADERS) {
    it(`${name}: at most 8 storage and 12 uniform buffers per entry point`, () => {
      const code = kernelSource({ shader: name });
      const entries = [...code.matchAll(/@compute[^]*?fn\s+(\w+)/g)].map((m) => m[1]!);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const bindings = entryBindings(code, entry);
        expect(bindings.filter((b) => b.kind !== 'uniform').length, `${entry} storage buffers`).toBeLessThanOrEqual(8);
        expect(bindings.filter((b) => b.kind === 'uniform').length, `${entry} uniform buffers`).toBeLessThanOrEqual(12);
      }
    });
  }
});
