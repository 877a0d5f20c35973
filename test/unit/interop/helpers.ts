// Shared fixtures for the interop tests: small trained-looking SAEs, byte helpers, and an error matcher.
import { expect } from 'vitest';
import { validateSaeConfig, type Architecture, type SaeConfig, type SaeParams } from '../../../src/sae/config';
import { initSaeParams } from '../../../src/sae/init';
import { Prng } from '../../../src/sae/prng';
import { InteropError, type InteropErrorCode } from '../../../src/interop/errors';

export const META = { model_name: 'gpt2-small', hook_name: 'blocks.8.hook_resid_pre', context_size: 128, prepend_bos: true, dataset_path: 'local/tiny.txt' };

/** An SAE with perturbed (not freshly initialised) weights, d_in=5, d_sae=8, k=2. */
export function trained(arch: Architecture, seed = 1, dIn = 5, dSae = 8): { config: SaeConfig; params: SaeParams } {
  const config = validateSaeConfig({ total_steps: 10, architecture: arch, d_in: dIn, d_sae: dSae, k: 2, initial_threshold: 0.2 });
  const params = initSaeParams(config, { seed });
  const rng = new Prng(seed + 100);
  for (const t of [params.W_enc, params.b_enc, params.b_dec]) for (let i = 0; i < t.length; i++) t[i] = Math.fround(t[i]! + 0.2 * rng.normal());
  if (params.log_threshold) for (let j = 0; j < dSae; j++) params.log_threshold[j] = Math.log(0.05 + 0.3 * rng.uniform());
  return { config, params };
}

export function randomNormals(n: number, seed: number): number[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => rng.normal());
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new Prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rng.uniform() * 256);
  return out;
}

/** Byte-exact equality without Vitest's slow element-wise diff on large arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && sameBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
}

/** Awaits `p` and checks it fails with an InteropError of `code` (and a message matching `message`). */
export async function expectInteropError(p: Promise<unknown> | (() => unknown), code: InteropErrorCode, message?: RegExp): Promise<InteropError> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error, 'expected an InteropError').toBeInstanceOf(InteropError);
  const ie = error as InteropError;
  expect(ie.code, ie.message).toBe(code);
  if (message) expect(ie.message).toMatch(message);
  expect(ie.action.length).toBeGreaterThan(0);
  return ie;
}

export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
