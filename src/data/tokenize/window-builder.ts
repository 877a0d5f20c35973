// Cuts documents' token ids into windows per a WindowLayout and collects them into chunks of typed arrays.
// Pure and synchronous: feed documents, take the chunks that are ready, finish at the end.
import { allocTokens, type TokenArray, type TokenDtype } from './token-dtype';
import type { WindowLayout } from './window-layout';

export interface WindowChunk {
  /** `count` windows × contextLength ids, row-major */
  tokens: TokenArray;
  /** tokens before the padding in each window (BOS/EOS included); null when no window can be padded */
  lengths: Uint32Array | null;
  count: number;
  /** index of this chunk's first window in the whole run */
  firstWindow: number;
}

export interface WindowCounts {
  windows: number;
  /** BOS/EOS the pipeline inserted: into the stream (bos 'document', EOS) and at the head of each window (bos 'window') */
  specialTokens: number;
  paddingTokens: number;
  /** stream tokens that ended up in no window (cut by truncation, or the dropped remainder) */
  droppedTokens: number;
}

/** Compact the pack-mode buffer only when this many consumed tokens sit at its front (amortised copying). */
const COMPACT_AT = 1 << 16;

export class WindowBuilder {
  readonly layout: WindowLayout;
  readonly dtype: TokenDtype;
  readonly windowsPerChunk: number;
  private readonly ready: WindowChunk[] = [];
  private chunkTokens: TokenArray;
  private chunkLengths: Uint32Array | null;
  private chunkCount = 0;
  private windows = 0;
  private specialTokens = 0;
  private paddingTokens = 0;
  private droppedTokens = 0;
  // the token stream: buf[i] is stream position bufStart + i; positions before nextStart are no longer needed
  private buf = new Uint32Array(1024);
  private len = 0;
  private bufStart = 0;
  private nextStart = 0;
  private coveredEnd = 0;
  private finished = false;

  constructor(layout: WindowLayout, dtype: TokenDtype, windowsPerChunk: number) {
    this.layout = layout;
    this.dtype = dtype;
    this.windowsPerChunk = Math.max(1, Math.floor(windowsPerChunk));
    this.chunkTokens = allocTokens(dtype, this.windowsPerChunk * layout.contextLength);
    this.chunkLengths = layout.hasLengths ? new Uint32Array(this.windowsPerChunk) : null;
  }

  /** Adds one document's ids (no special tokens). An empty document adds nothing. */
  addDocument(ids: ArrayLike<number>): void {
    if (this.finished) throw new Error('WindowBuilder: addDocument after finish');
    if (ids.length === 0) return;
    const { layout } = this;
    if (layout.mode === 'truncate') {
      this.len = 0;
      this.bufStart = 0;
      this.nextStart = 0;
      this.coveredEnd = 0;
    }
    this.reserve(ids.length + 2);
    if (layout.bos === 'document') this.push(layout.bosId!);
    this.buf.set(ids, this.len);
    this.len += ids.length;
    if (layout.eosId !== null) this.push(layout.eosId);
    if (layout.mode === 'pack') this.emitFullWindows();
    else this.emitDocumentWindows();
  }

  /** Emits the last partial window (pack, remainder 'pad') and the last partial chunk. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.layout.mode === 'pack') {
      const streamEnd = this.bufStart + this.len;
      if (this.layout.remainder === 'pad' && streamEnd > this.coveredEnd) {
        this.emitWindow(this.nextStart - this.bufStart, streamEnd - this.nextStart);
        this.coveredEnd = streamEnd;
      }
      this.droppedTokens += streamEnd - this.coveredEnd;
    }
    if (this.chunkCount > 0) this.flushChunk();
  }

  /** Chunks completed since the last call. */
  takeReady(): WindowChunk[] {
    return this.ready.splice(0, this.ready.length);
  }

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  counts(): WindowCounts {
    return { windows: this.windows, specialTokens: this.specialTokens, paddingTokens: this.paddingTokens, droppedTokens: this.droppedTokens };
  }

  private push(id: number): void {
    this.buf[this.len++] = id;
    this.specialTokens++;
  }

  private reserve(extra: number): void {
    const dead = this.nextStart - this.bufStart;
    if (dead >= COMPACT_AT || (dead > 0 && this.len + extra > this.buf.length && dead >= this.len / 2)) {
      this.buf.copyWithin(0, dead, this.len);
      this.len -= dead;
      this.bufStart = this.nextStart;
    }
    if (this.len + extra > this.buf.length) {
      const grown = new Uint32Array(Math.max(this.len + extra, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
  }

  private emitFullWindows(): void {
    const { body, stride } = this.layout;
    const streamEnd = this.bufStart + this.len;
    while (this.nextStart + body <= streamEnd) {
      this.emitWindow(this.nextStart - this.bufStart, body);
      this.coveredEnd = this.nextStart + body;
      this.nextStart += stride;
    }
  }

  private emitDocumentWindows(): void {
    const { body, stride, overflow } = this.layout;
    let start = 0;
    for (;;) {
      const end = Math.min(start + body, this.len);
      this.emitWindow(start, end - start);
      this.coveredEnd = end;
      if (!overflow || end >= this.len) break;
      start += stride;
    }
    this.droppedTokens += this.len - this.coveredEnd;
  }

  /** Writes one window: [BOS] + n stream tokens from buf[offset] + padding. */
  private emitWindow(offset: number, n: number): void {
    const { contextLength, bos, bosId, padId } = this.layout;
    let o = this.chunkCount * contextLength;
    const windowEnd = o + contextLength;
    if (bos === 'window') {
      this.chunkTokens[o++] = bosId!;
      this.specialTokens++;
    }
    this.chunkTokens.set(this.buf.subarray(offset, offset + n), o);
    o += n;
    if (o < windowEnd) {
      this.chunkTokens.fill(padId, o, windowEnd);
      this.paddingTokens += windowEnd - o;
    }
    if (this.chunkLengths) this.chunkLengths[this.chunkCount] = o - (windowEnd - contextLength);
    this.chunkCount++;
    this.windows++;
    if (this.chunkCount === this.windowsPerChunk) this.flushChunk();
  }

  private flushChunk(): void {
    const { contextLength } = this.layout;
    const full = this.chunkCount === this.windowsPerChunk;
    this.ready.push({
      tokens: full ? this.chunkTokens : this.chunkTokens.slice(0, this.chunkCount * contextLength),
      lengths: this.chunkLengths ? (full ? this.chunkLengths : this.chunkLengths.slice(0, this.chunkCount)) : null,
      count: this.chunkCount,
      firstWindow: this.windows - this.chunkCount,
    });
    this.chunkCount = 0;
    if (this.finished) return;
    this.chunkTokens = allocTokens(this.dtype, this.windowsPerChunk * contextLength);
    this.chunkLengths = this.layout.hasLengths ? new Uint32Array(this.windowsPerChunk) : null;
  }
}
