// Moving trainer state between the CPU layouts (TrainerState, SaeParams: W_enc [d_in, d_sae]) and the GPU
// layouts (W_enc transposed), and reading step internals back.
import type { SaeParams } from '../config';

/** [rows, cols] → [cols, rows]. */
export function transpose(src: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[o + c]!;
  }
  return out;
}

/** Dense [rows, d_sae] activations from per-row (start, count) lists of (latent, bits of z). */
export function denseFromLists(rowPtr: Uint32Array, entries: Uint32Array, rows: number, dSae: number): Float32Array {
  const z = new Float32Array(rows * dSae);
  const bits = new Uint32Array(1);
  const asF32 = new Float32Array(bits.buffer);
  for (let r = 0; r < rows; r++) {
    const start = rowPtr[2 * r]!;
    const count = rowPtr[2 * r + 1]!;
    for (let e = start; e < start + count; e++) {
      bits[0] = entries[2 * e + 1]!;
      z[r * dSae + entries[2 * e]!] = asF32[0]!;
    }
  }
  return z;
}

/** Checks every tensor of `p` against the config's shapes; returns a message per problem. */
export function paramProblems(p: Partial<Record<keyof SaeParams, ArrayLike<number>>>, shapes: Record<string, number[]>, what: string): string[] {
  const problems: string[] = [];
  for (const [name, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = p[name as keyof SaeParams];
    if (!v) problems.push(`${what} ${name} is missing`);
    else if (v.length !== n) problems.push(`${what} ${name} has ${v.length} values, shape [${shape.join(', ')}] needs ${n}`);
  }
  return problems;
}
