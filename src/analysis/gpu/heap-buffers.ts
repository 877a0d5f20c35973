// GPU storage of ExampleHeaps (groups × capacity binary heaps, see example-heap.ts): one vec4u per entry —
// key (u32 order key), the activation's f32 bits, window, position — and a size per group, bound under the
// names feature_accumulate.wgsl uses (packed so its entry points stay within 8 storage buffers).
import { createBuffer, readU32, writeData } from '../../gpu/buffers';
import { ExampleHeaps } from '../example-heap';

export class HeapBuffers {
  readonly entries: GPUBuffer;
  readonly size: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    label: string,
    readonly groups: number,
    readonly capacity: number,
  ) {
    const n = groups * capacity;
    this.entries = createBuffer(device, `${label} entries`, n * 16);
    this.size = createBuffer(device, `${label} sizes`, groups * 4);
  }

  bindings(): { heap: GPUBuffer; heap_size: GPUBuffer } {
    return { heap: this.entries, heap_size: this.size };
  }

  /** The heaps as ExampleHeaps; `scoreOf` turns a GPU key (and activation) into the CPU score. */
  async read(scoreOf: (key: number, act: number) => number): Promise<ExampleHeaps> {
    const n = this.groups * this.capacity;
    const heaps = new ExampleHeaps(this.groups, this.capacity);
    if (n > 0) {
      const packed = await readU32(this.device, this.entries, 4 * n);
      heaps.acts.set(new Float32Array(packed.buffer, packed.byteOffset, 4 * n).filter((_, i) => i % 4 === 1));
      for (let i = 0; i < n; i++) {
        heaps.scores[i] = scoreOf(packed[4 * i]!, heaps.acts[i]!);
        heaps.windows[i] = packed[4 * i + 2]!;
        heaps.positions[i] = packed[4 * i + 3]!;
      }
    }
    heaps.sizes.set(await readU32(this.device, this.size, this.groups));
    return heaps;
  }

  /** Uploads `heaps` (same groups and capacity); `keyOf` turns a CPU score into the GPU key. */
  write(heaps: ExampleHeaps, keyOf: (score: number) => number): void {
    const n = this.groups * this.capacity;
    if (n > 0) {
      const packed = new Uint32Array(4 * n);
      const acts = new Uint32Array(heaps.acts.buffer, heaps.acts.byteOffset, n);
      for (let i = 0; i < n; i++) {
        packed[4 * i] = keyOf(heaps.scores[i]!);
        packed[4 * i + 1] = acts[i]!;
        packed[4 * i + 2] = heaps.windows[i]!;
        packed[4 * i + 3] = heaps.positions[i]!;
      }
      writeData(this.device, this.entries, packed);
    }
    writeData(this.device, this.size, heaps.sizes);
  }

  destroy(): void {
    for (const b of [this.entries, this.size]) b.destroy();
  }
}
