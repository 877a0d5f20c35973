// GPU storage of ExampleHeaps (groups × capacity binary heaps, see example-heap.ts): key (u32 order key),
// activation, (window, position) and size per group, bound under the names feature_accumulate.wgsl uses.
import { createBuffer, readF32, readU32, writeData } from '../../gpu/buffers';
import { ExampleHeaps } from '../example-heap';

export class HeapBuffers {
  readonly key: GPUBuffer;
  readonly act: GPUBuffer;
  readonly tok: GPUBuffer;
  readonly size: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    label: string,
    readonly groups: number,
    readonly capacity: number,
  ) {
    const n = groups * capacity;
    this.key = createBuffer(device, `${label} keys`, n * 4);
    this.act = createBuffer(device, `${label} activations`, n * 4);
    this.tok = createBuffer(device, `${label} tokens`, n * 8);
    this.size = createBuffer(device, `${label} sizes`, groups * 4);
  }

  bindings(): { heap_key: GPUBuffer; heap_act: GPUBuffer; heap_tok: GPUBuffer; heap_size: GPUBuffer } {
    return { heap_key: this.key, heap_act: this.act, heap_tok: this.tok, heap_size: this.size };
  }

  /** The heaps as ExampleHeaps; `scoreOf` turns a GPU key (and activation) into the CPU score. */
  async read(scoreOf: (key: number, act: number) => number): Promise<ExampleHeaps> {
    const n = this.groups * this.capacity;
    const heaps = new ExampleHeaps(this.groups, this.capacity);
    if (n > 0) {
      const keys = await readU32(this.device, this.key, n);
      heaps.acts.set(await readF32(this.device, this.act, n));
      const tok = await readU32(this.device, this.tok, 2 * n);
      for (let i = 0; i < n; i++) {
        heaps.scores[i] = scoreOf(keys[i]!, heaps.acts[i]!);
        heaps.windows[i] = tok[2 * i]!;
        heaps.positions[i] = tok[2 * i + 1]!;
      }
    }
    heaps.sizes.set(await readU32(this.device, this.size, this.groups));
    return heaps;
  }

  /** Uploads `heaps` (same groups and capacity); `keyOf` turns a CPU score into the GPU key. */
  write(heaps: ExampleHeaps, keyOf: (score: number) => number): void {
    const n = this.groups * this.capacity;
    if (n > 0) {
      writeData(this.device, this.key, Uint32Array.from(heaps.scores, keyOf));
      writeData(this.device, this.act, heaps.acts);
      const tok = new Uint32Array(2 * n);
      for (let i = 0; i < n; i++) {
        tok[2 * i] = heaps.windows[i]!;
        tok[2 * i + 1] = heaps.positions[i]!;
      }
      writeData(this.device, this.tok, tok);
    }
    writeData(this.device, this.size, heaps.sizes);
  }

  destroy(): void {
    for (const b of [this.key, this.act, this.tok, this.size]) b.destroy();
  }
}
