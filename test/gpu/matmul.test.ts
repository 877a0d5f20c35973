import { describe, expect, it } from 'vitest';
import { readF32 } from '../../src/gpu/buffers';
import { chooseMatmulTiling, matmulDispatch, type MatmulShape } from '../../src/sae/gpu/matmul';
import { expectClose, randomF32, run, useGpu } from './gpu-test-kit';

const gpu = useGpu();

/** C = op(A)·op(B) in float64 from the stored layouts. */
function naive(shape: MatmulShape, a: Float32Array, b: Float32Array): Float64Array {
  const { M, N, K } = shape;
  const c = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const av = shape.a === 'mk' ? a[m * K + k]! : a[k * M + m]!;
        const bv = shape.b === 'kn' ? b[k * N + n]! : b[n * K + k]!;
        s += av * bv;
      }
      c[m * N + n] = s;
    }
  }
  return c;
}

describe('sae_matmul.wgsl', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 67, 5],
    [37, 70, 19],
    [70, 3, 131],
  ];
  for (const [M, N, K] of shapes) {
    for (const a of ['mk', 'km'] as const) {
      for (const b of ['kn', 'nk'] as const) {
        it(`matmul ${M}×${N}×${K} A:${a} B:${b}`, async () => {
          const { device, scope } = gpu;
          const shape: MatmulShape = { M, N, K, a, b };
          const A = randomF32(M * K, 1 + M + K);
          const Bm = randomF32(K * N, 2 + N);
          const out0 = scope.storage('c', M * N * 4);
          const d = matmulDispatch(scope, 'test', 'matmul', shape, { a: scope.upload('a', A), b: scope.upload('b', Bm), out0 }, chooseMatmulTiling(device.limits));
          await run(device, [d]);
          expectClose(await readF32(device, out0, M * N), naive(shape, A, Bm), 1e-5 * Math.sqrt(K), 'C');
        });
      }
    }
  }

  it('small tiling (32×32) gives the same product', async () => {
    const { device, scope } = gpu;
    const shape: MatmulShape = { M: 45, N: 33, K: 17, a: 'km', b: 'nk' };
    const A = randomF32(45 * 17, 7);
    const Bm = randomF32(33 * 17, 8);
    const out0 = scope.storage('c', 45 * 33 * 4);
    const d = matmulDispatch(scope, 'test', 'matmul', shape, { a: scope.upload('a', A), b: scope.upload('b', Bm), out0 }, { TM: 32, TN: 32, TK: 8, RM: 4, RN: 4 });
    await run(device, [d]);
    expectClose(await readF32(device, out0, 45 * 33), naive(shape, A, Bm), 1e-5, 'C');
  });

  it('encode_jumprelu: bias and threshold epilogue', async () => {
    const { device, scope } = gpu;
    const [B, dIn, dSae] = [5, 7, 40];
    const x = randomF32(B * dIn, 3);
    const wT = randomF32(dSae * dIn, 4);
    const bEnc = randomF32(dSae, 5, -0.2, 0.2);
    const logT = randomF32(dSae, 6, -3, 0);
    const pre = scope.storage('pre', B * dSae * 4);
    const z = scope.storage('z', B * dSae * 4);
    const shape: MatmulShape = { M: B, N: dSae, K: dIn, a: 'mk', b: 'nk' };
    const d = matmulDispatch(
      scope,
      'enc',
      'encode_jumprelu',
      shape,
      { a: scope.upload('x', x), b: scope.upload('w', wT), out0: pre, out1: z, vec_n: scope.upload('b', bEnc), vec_n2: scope.upload('t', logT) },
      chooseMatmulTiling(device.limits),
    );
    await run(device, [d]);
    const want = naive(shape, x, wT).map((v, i) => v + bEnc[i % dSae]!);
    const gotPre = await readF32(device, pre, B * dSae);
    expectClose(gotPre, want, 1e-5, 'pre');
    const gotZ = await readF32(device, z, B * dSae);
    gotZ.forEach((v, i) => expect(v).toBe(gotPre[i]! > Math.fround(Math.exp(logT[i % dSae]!)) ? gotPre[i] : 0));
  });
});
