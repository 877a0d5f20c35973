// src/gpu building blocks: WGSL includes/defines/reflection (pure text), 2-D grids, the readback ring and
// the kernel cache.
import { describe, expect, it } from 'vitest';
import { grid1D, DispatchTooLargeError } from '../../src/gpu/dispatch';
import { kernel, kernelSource, KernelError } from '../../src/gpu/kernels';
import { ReadbackRing } from '../../src/gpu/readback-ring';
import { UniformWriter } from '../../src/gpu/uniforms';
import { applyDefines, entryBindings, expandIncludes, reflectBindings, ShaderSourceError } from '../../src/gpu/wgsl-source';
import { useGpu } from './gpu-test-kit';

const gpu = useGpu();

const SOURCE = `
// #include lib.wgsl
const WG: u32 = 64u;
const SCALE: f32 = 1.0;
const FLAG: bool = false;
@group(0) @binding(0) var<uniform> params: vec4u;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<storage> other: array<f32>;
fn helper(i: u32) -> f32 { return src[i] * SCALE; }
@compute @workgroup_size(WG) fn a(@builtin(global_invocation_id) id: vec3u) { dst[id.x] = helper(id.x); }
@compute @workgroup_size(WG) fn b(@builtin(global_invocation_id) id: vec3u) { let v = id.x; dst[v] = other[params.x]; }
`;

describe('wgsl-source', () => {
  const sources = new Map([
    ['main.wgsl', SOURCE],
    ['lib.wgsl', 'fn lib_fn() {}\n// #include main.wgsl'],
  ]);

  it('expands includes once', () => {
    const code = expandIncludes('main.wgsl', sources);
    expect(code).toContain('fn lib_fn() {}');
    expect(code.match(/fn helper/g)).toHaveLength(1);
    expect(() => expandIncludes('missing.wgsl', sources)).toThrow(ShaderSourceError);
  });

  it('overrides typed constants and refuses unknown or ill-typed ones', () => {
    const code = applyDefines(SOURCE, { WG: 128, SCALE: 0.5, FLAG: true });
    expect(code).toContain('const WG: u32 = 128u;');
    expect(code).toContain('const SCALE: f32 = 0.5f;');
    expect(code).toContain('const FLAG: bool = true;');
    expect(() => applyDefines(SOURCE, { NOPE: 1 })).toThrow(/matches no/);
    expect(() => applyDefines(SOURCE, { WG: 1.5 })).toThrow(/u32/);
  });

  it('reflects bindings and the ones each entry point reaches', () => {
    expect(reflectBindings(SOURCE).map((b) => [b.name, b.binding, b.kind])).toEqual([
      ['params', 0, 'uniform'],
      ['src', 1, 'read-only-storage'],
      ['dst', 2, 'storage'],
      ['other', 3, 'read-only-storage'],
    ]);
    expect(entryBindings(SOURCE, 'a').map((b) => b.name)).toEqual(['src', 'dst']);
    // `v` and `id.x` are not bindings; `params.x` is a use of params
    expect(entryBindings(SOURCE, 'b').map((b) => b.name)).toEqual(['params', 'dst', 'other']);
    expect(() => entryBindings(SOURCE, 'c')).toThrow(/does not exist/);
  });
});

describe('dispatch grids', () => {
  it('splits 1-D counts over two dimensions only when needed', () => {
    expect(grid1D(0, 65535)).toEqual([1, 1]);
    expect(grid1D(65535, 65535)).toEqual([65535, 1]);
    const [x, y] = grid1D(65536, 65535);
    expect(y).toBe(2);
    expect(x * y).toBeGreaterThanOrEqual(65536);
    expect(() => grid1D(65535 * 65535 + 1, 65535)).toThrow(DispatchTooLargeError);
  });

  it('packs uniform blocks to 16 bytes', () => {
    const bytes = new UniformWriter().u32(7).f32(0.5).i32(-2).u32(1).u32(2).finish();
    expect(bytes.byteLength).toBe(32);
    const view = new DataView(bytes);
    expect([view.getUint32(0, true), view.getFloat32(4, true), view.getInt32(8, true), view.getUint32(16, true)]).toEqual([7, 0.5, -2, 2]);
    expect(() => new UniformWriter().u32(-1)).toThrow(RangeError);
  });
});

describe('kernels and readback', () => {
  it('caches pipelines per device and spec; bind() names what is missing or unknown', () => {
    const spec = { shader: 'sae_adam.wgsl', entry: 'decoder_norms', defines: { WG: 64 } };
    const k = kernel(gpu.device, spec);
    expect(kernel(gpu.device, { ...spec })).toBe(k);
    expect(kernel(gpu.device, { ...spec, defines: { WG: 128 } })).not.toBe(k);
    expect(kernelSource(spec)).toContain('const WG: u32 = 64u;');
    expect(k.bindings.map((b) => b.name)).toEqual(['params', 'rows_in', 'norms']);
    const buf = gpu.scope.storage('b', 64);
    expect(() => k.bind({ params: buf, rows_in: buf })).toThrow(/no buffer given for norms/);
    expect(() => k.bind({ params: buf, rows_in: buf, norms: buf, nrms: buf })).toThrow(KernelError);
  });

  it('readback ring: many reads in flight, each sees the data as of its submission, buffers reused', async () => {
    const { device, scope } = gpu;
    const ring = new ReadbackRing(device, 2);
    const src = scope.storage('src', 64);
    const reads: Promise<ArrayBuffer>[] = [];
    for (let i = 0; i < 6; i++) {
      device.queue.writeBuffer(src, 0, new Float32Array([i, i + 0.5, i + 0.25]));
      reads.push(ring.read(src, 4, 8));
    }
    expect(ring.inFlight).toBe(6);
    const got = (await Promise.all(reads)).map((b) => [...new Float32Array(b)]);
    expect(got).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i + 0.5, i + 0.25]));
    expect(ring.inFlight).toBe(0);
    ring.destroy();
    await expect(ring.read(src, 0, 4)).rejects.toThrow(/destroy/);
  });
});
