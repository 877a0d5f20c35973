// Every extraction kernel entry point binds at most 8 storage buffers: the most WebGPU guarantees per
// shader stage (browsers often offer 8 or 10), so the pipelines are valid on any device.
import { describe, expect, it } from 'vitest';
import { kernelSource, type KernelSpec } from '../../../src/gpu/kernels';
import { entryBindings } from '../../../src/gpu/wgsl-source';

const KERNELS: KernelSpec[] = [
  { shader: 'feature_accumulate.wgsl', entry: 'accumulate' },
  { shader: 'feature_accumulate.wgsl', entry: 'sample' },
  { shader: 'feature_encode.wgsl', defines: { ACT: 0 } },
  { shader: 'feature_encode.wgsl', defines: { ACT: 1 } },
  { shader: 'feature_encode.wgsl', defines: { ACT: 2 } },
  { shader: 'feature_rowselect.wgsl', defines: { KEY: 0, OUT: 0 } },
  { shader: 'feature_rowselect.wgsl', defines: { KEY: 1, OUT: 1 } },
  { shader: 'feature_rowselect.wgsl', defines: { KEY: 2, OUT: 1 } },
  { shader: 'feature_gather.wgsl' },
];

describe('extraction kernels', () => {
  it.each(KERNELS)('$shader $entry binds at most 8 storage buffers', (spec) => {
    const bindings = entryBindings(kernelSource(spec), spec.entry ?? 'main');
    expect(bindings.length).toBeGreaterThan(0);
    expect(bindings.filter((b) => b.kind !== 'uniform').length).toBeLessThanOrEqual(8);
  });
});
