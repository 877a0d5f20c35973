// Running fixture models with onnxruntime-web's wasm backend in Node.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;

export const FIXTURE_DIR = resolve(import.meta.dirname, '../../fixtures/lm/tiny-gpt2');

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(FIXTURE_DIR, name)));
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(resolve(FIXTURE_DIR, name), 'utf8'));
}

export async function createSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' });
}

export function int64Tensor(rows: readonly (readonly number[])[]): ort.Tensor {
  const seq = rows[0]?.length ?? 0;
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, seq]);
}

/** Runs a session and returns every output as Float32Array (float outputs only). */
export async function runFloat(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const results = await session.run(feeds);
  const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [name, tensor] of Object.entries(results)) {
    if (tensor.data instanceof Float32Array) out[name] = { data: tensor.data, dims: tensor.dims };
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

export { ort };
