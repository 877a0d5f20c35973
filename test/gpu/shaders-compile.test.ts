import { describe, expect, it } from 'vitest';
import { compileErrors, SHADER_SOURCES } from '../../src/gpu/kernels';
import { useGpu } from './gpu-test-kit';

const gpu = useGpu();

// Files included by others rather than compiled alone.
const INCLUDES = new Set(['sae_common.wgsl', 'wg_reduce.wgsl', 'wg_scan.wgsl']);

describe('every shader compiles', () => {
  for (const name of SHADER_SOURCES.keys()) {
    if (INCLUDES.has(name)) continue;
    it(name, async () => {
      expect(await compileErrors(gpu.device, { shader: name })).toEqual([]);
    });
  }
});
