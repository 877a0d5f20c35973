// Optional per-pass GPU timing with timestamp queries. Each labelled compute pass writes a begin and an end
// timestamp; a frame (e.g. one training step) resolves its queries and reads them back through the
// ReadbackRing, so profiling adds no CPU wait. Absent 'timestamp-query', create() returns null.
import { ReadbackRing } from './readback-ring';

export interface PassTiming {
  label: string;
  /** total milliseconds over all frames read so far */
  totalMs: number;
  count: number;
}

export class GpuProfiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuffer: GPUBuffer;
  private labels: string[] = [];
  private readonly totals = new Map<string, PassTiming>();
  private readonly reads: Promise<void>[] = [];

  private constructor(
    device: GPUDevice,
    private readonly ring: ReadbackRing,
    private readonly capacity: number,
  ) {
    this.querySet = device.createQuerySet({ label: 'profiler', type: 'timestamp', count: capacity * 2 });
    this.resolveBuffer = device.createBuffer({
      label: 'profiler resolve',
      size: capacity * 16,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
  }

  static create(device: GPUDevice, ring: ReadbackRing, passesPerFrame = 128): GpuProfiler | null {
    if (!device.features.has('timestamp-query')) return null;
    return new GpuProfiler(device, ring, passesPerFrame);
  }

  /** Begins a compute pass that is timed under `label` (untimed once the frame's capacity is used up). */
  beginPass(encoder: GPUCommandEncoder, label: string): GPUComputePassEncoder {
    const i = this.labels.length;
    if (i >= this.capacity) return encoder.beginComputePass({ label });
    this.labels.push(label);
    return encoder.beginComputePass({
      label,
      timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
    });
  }

  /** Records the resolve of this frame's queries; call before finishing the encoder. */
  endFrame(encoder: GPUCommandEncoder): void {
    const n = this.labels.length;
    if (n > 0) encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolveBuffer, 0);
  }

  /** Starts reading this frame's timings; call right after submitting the encoder. */
  afterSubmit(): void {
    const labels = this.labels;
    this.labels = [];
    if (labels.length === 0) return;
    this.reads.push(
      this.ring.read(this.resolveBuffer, 0, labels.length * 16).then((bytes) => {
        const t = new BigUint64Array(bytes);
        labels.forEach((label, i) => {
          const ns = Number(t[2 * i + 1]! - t[2 * i]!);
          const entry = this.totals.get(label) ?? { label, totalMs: 0, count: 0 };
          entry.totalMs += ns / 1e6;
          entry.count++;
          this.totals.set(label, entry);
        });
      }),
    );
  }

  /** Timings of every frame submitted so far, slowest first. */
  async summary(): Promise<PassTiming[]> {
    await Promise.all(this.reads.splice(0));
    return [...this.totals.values()].map((t) => ({ ...t })).sort((a, b) => b.totalMs - a.totalMs);
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuffer.destroy();
  }
}
