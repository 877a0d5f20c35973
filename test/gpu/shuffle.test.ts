// The GPU shuffle buffer (shaders/shuffle_rows.wgsl) against its CPU twin at odd sizes: pushes from an
// offset into a source buffer, scaled random batches, compaction moves; plus a push wider than one
// dispatch dimension allows. Every row pushed comes out exactly once.
import { describe, expect, test } from 'vitest';
import { readF32, uploadBuffer } from '../../src/gpu/buffers';
import { GpuShuffleBuffer } from '../../src/data/activation-sources/shuffle-buffer-gpu';
import { gatherRowsCpu, moveRowsCpu } from '../../src/data/activation-sources/shuffle-rows-cpu';
import { pickPairs, pushPairs, ShufflePlan } from '../../src/data/activation-sources/shuffle-plan';
import { Prng } from '../../src/sae/prng';
import { useGpu } from './gpu-test-kit';

const gpu = useGpu();

/** Rows whose first element is a unique id (row r of push p: 1000·p + r), the rest derived from it. */
function sourceRows(rows: number, width: number, push: number): Float32Array {
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) out[r * width + c] = c === 0 ? 1000 * push + r : (1000 * push + r) * 0.5 + c;
  return out;
}

describe('GpuShuffleBuffer', () => {
  test.each([
    { width: 37, capacity: 53, batch: 19, pushRows: 23, srcRows: 31, srcOffsetRows: 2 },
    { width: 131, capacity: 41, batch: 17, pushRows: 13, srcRows: 29, srcOffsetRows: 0 },
  ])('matches the CPU twin (width $width, capacity $capacity, batch $batch)', async ({ width, capacity, batch, pushRows, srcRows, srcOffsetRows }) => {
    const { device } = gpu;
    const seed = 7;
    const shuffle = new GpuShuffleBuffer(device, { width, capacity, batch, maxPush: pushRows, seed });
    const plan = new ShufflePlan(capacity, new Prng(seed));
    const cpuRows = new Float32Array(capacity * width);
    const rng = new Prng(99);
    const seen: number[] = [];
    let pushed = 0;
    try {
      for (let round = 0; round < 6; round++) {
        // push as many rows as fit, picked at random from the source (out of order, like kept positions)
        while (plan.free >= pushRows) {
          const src = sourceRows(srcRows + srcOffsetRows, width, pushed);
          const rows = Uint32Array.from({ length: pushRows }, () => Math.floor(rng.uniform() * srcRows));
          const unique = [...new Set(rows)];
          const srcBuffer = uploadBuffer(device, 'source', src);
          shuffle.push(srcBuffer, Uint32Array.from(unique), srcOffsetRows * width);
          gatherRowsCpu(cpuRows, src, pushPairs(plan.push(unique.length), unique), width, { srcOffset: srcOffsetRows * width });
          srcBuffer.destroy();
          pushed++;
        }
        const scale = round % 2 === 0 ? 1 : 0.25;
        const out = await readF32(device, shuffle.take(batch, scale), batch * width);
        const { picks, moves } = plan.take(batch);
        const want = new Float32Array(batch * width);
        gatherRowsCpu(want, cpuRows, pickPairs(picks), width, { scale });
        moveRowsCpu(cpuRows, moves, width);
        expect(out).toEqual(want);
        for (let r = 0; r < batch; r++) seen.push(out[r * width]! / scale);
      }
      // ids never repeat across batches: a taken row leaves the buffer
      const ids = seen.map((v) => Math.round(v));
      expect(new Set(ids).size).toBe(ids.length);
      expect(shuffle.count).toBe(plan.count);
    } finally {
      shuffle.destroy();
    }
  });

  test('pushes and takes with more pairs than one dispatch dimension holds', async () => {
    const { device } = gpu;
    const rows = device.limits.maxComputeWorkgroupsPerDimension + 37;
    const width = 3;
    const shuffle = new GpuShuffleBuffer(device, { width, capacity: rows, batch: rows, maxPush: rows, seed: 3 });
    try {
      const src = sourceRows(rows, width, 0);
      const srcBuffer = uploadBuffer(device, 'source', src);
      shuffle.push(srcBuffer, Uint32Array.from({ length: rows }, (_, i) => i));
      const out = await readF32(device, shuffle.take(rows), rows * width);
      srcBuffer.destroy();
      const ids = Array.from({ length: rows }, (_, r) => out[r * width]!).sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: rows }, (_, i) => i));
      // rows stay whole: column 1 follows from the id
      for (let r = 0; r < rows; r += 997) expect(out[r * width + 1]).toBe(out[r * width]! * 0.5 + 1);
      expect(shuffle.count).toBe(0);
    } finally {
      shuffle.destroy();
    }
  });
});
