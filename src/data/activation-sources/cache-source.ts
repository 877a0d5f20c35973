// Activations from a stored cache: shards read in a seeded random order each epoch, a chunk of rows at a
// time, through a CPU shuffle buffer so each batch mixes rows from many windows (and, across chunks, many
// shards). The state (epoch, shard position, shuffle PRNG) goes into checkpoints; a resumed run refills its
// shuffle buffer from that position, so it sees the same rows in a slightly different mix.
import type { ActivationCacheRecord } from '../../domain/entities';
import { Prng } from '../../sae/prng';
import { activationCacheRepo } from '../../store/repos/activationCaches';
import { fromHalf } from './f16';
import { CpuShuffleBuffer } from './shuffle-buffer-cpu';
import { ActivationSourceError, type ActivationSource, type ActivationSourceDeps } from './source';

/** bytes read from storage per fill */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** most memory the shuffle buffer takes */
const BUFFER_BYTES = 128 * 1024 * 1024;

export interface CacheSourceOptions {
  chunkBytes?: number;
  bufferBytes?: number;
}

export async function openCacheSource(cacheId: string, deps: ActivationSourceDeps, options: CacheSourceOptions = {}): Promise<ActivationSource> {
  const cache = await activationCacheRepo.get(cacheId);
  if (!cache) throw new ActivationSourceError('The activation cache this training reads was deleted.', 'Extract the activations again, or train on the model directly.');
  if (cache.status !== 'ready' || cache.rows === 0 || cache.dIn === 0) {
    throw new ActivationSourceError(`The activation cache for ${cache.hook} is not ready (${cache.status}).`, 'Wait for its extraction to finish, or extract again.');
  }
  return new CacheSource(cache, deps, options);
}

class CacheSource implements ActivationSource {
  readonly dIn: number;
  private readonly bytesPerValue: number;
  private readonly chunkRows: number;
  private readonly pool: CpuShuffleBuffer;
  private epoch = 0;
  private order: number[] = [];
  private orderIndex = 0;
  private rowInShard = 0;

  constructor(
    private readonly cache: ActivationCacheRecord,
    private readonly deps: ActivationSourceDeps,
    options: CacheSourceOptions,
  ) {
    this.dIn = cache.dIn;
    this.bytesPerValue = cache.dtype === 'f16' ? 2 : 4;
    this.chunkRows = Math.max(1, Math.floor((options.chunkBytes ?? CHUNK_BYTES) / (this.dIn * this.bytesPerValue)));
    const memoryRows = Math.floor((options.bufferBytes ?? BUFFER_BYTES) / (this.dIn * 4));
    const capacity = Math.max(deps.batchSize + this.chunkRows, Math.min(cache.rows, memoryRows));
    this.pool = new CpuShuffleBuffer(this.dIn, capacity, deps.seed);
    this.order = this.shardOrder(0);
  }

  async nextBatch(B: number, scale = 1): Promise<Float32Array> {
    if (B > this.pool.plan.capacity - this.chunkRows) {
      throw new ActivationSourceError(`A batch of ${B} rows is larger than this source was opened for.`, 'Use the batch size the training was created with.');
    }
    while (this.pool.free >= this.chunkRows || this.pool.count < B) await this.fill();
    return this.pool.take(B, scale);
  }

  async sample(rows: number): Promise<Float32Array> {
    const out = new Float32Array(rows * this.dIn);
    const step = Math.max(1, this.pool.plan.capacity - this.chunkRows);
    for (let done = 0; done < rows; ) {
      const n = Math.min(step, rows - done);
      out.set(await this.nextBatch(n), done * this.dIn);
      done += n;
    }
    return out;
  }

  getState(): number[] {
    return [this.epoch, this.orderIndex, this.rowInShard, ...this.pool.plan.getState()];
  }

  setState(state: readonly number[]): void {
    const [epoch, orderIndex, rowInShard, ...rng] = state;
    if (epoch === undefined || orderIndex === undefined || rowInShard === undefined || orderIndex >= this.cache.shards.length) {
      throw new ActivationSourceError('The saved position in the activation cache does not fit this cache.', 'Start the training again.');
    }
    this.epoch = epoch;
    this.order = this.shardOrder(epoch);
    this.orderIndex = orderIndex;
    this.rowInShard = rowInShard;
    this.pool.plan.setState(rng);
    this.pool.clear();
  }

  async destroy(): Promise<void> {
    this.pool.clear();
  }

  /** Shard indices in this epoch's order (a permutation seeded by the training seed and the epoch). */
  private shardOrder(epoch: number): number[] {
    const rng = new Prng(this.deps.seed + 0x9e3779b9 * (epoch + 1));
    const order = this.cache.shards.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return order;
  }

  /** Reads the next chunk of rows (at most the free room) into the shuffle buffer. */
  private async fill(): Promise<void> {
    const shard = this.cache.shards[this.order[this.orderIndex] as number];
    if (!shard) throw new ActivationSourceError('The activation cache has no shards.', 'Extract the activations again.');
    const rows = Math.min(this.chunkRows, shard.rows - this.rowInShard, this.pool.free);
    const rowBytes = this.dIn * this.bytesPerValue;
    const bytes = await this.deps.blobs.readRange(shard.blobKey, this.rowInShard * rowBytes, (this.rowInShard + rows) * rowBytes);
    if (bytes.byteLength !== rows * rowBytes) {
      throw new ActivationSourceError(`A shard of the activation cache is shorter than recorded (${bytes.byteLength} of ${rows * rowBytes} bytes).`, 'Extract the activations again.');
    }
    const copy = bytes.slice();
    const values = this.bytesPerValue === 2 ? fromHalf(new Uint16Array(copy.buffer, 0, rows * this.dIn)) : new Float32Array(copy.buffer, 0, rows * this.dIn);
    this.pool.push(values, Uint32Array.from({ length: rows }, (_, i) => i));
    this.rowInShard += rows;
    if (this.rowInShard >= shard.rows) {
      this.rowInShard = 0;
      this.orderIndex++;
      if (this.orderIndex >= this.cache.shards.length) {
        this.epoch++;
        this.orderIndex = 0;
        this.order = this.shardOrder(this.epoch);
      }
    }
  }
}
