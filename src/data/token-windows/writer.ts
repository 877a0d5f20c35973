// Writes token-window chunks to a random-access sink as they arrive. The header goes first with the
// 'complete' flag clear and is rewritten by finish() with the final count, so a half-written file is
// never mistaken for a whole one. OPFS: FileSystemWritableFileStream.write({type: 'write', position, data}).
import type { TokenWindowStream } from '../tokenize/tokenize-documents';
import type { TokenDtype } from '../tokenize/token-dtype';
import type { WindowChunk } from '../tokenize/window-builder';
import { IS_LITTLE_ENDIAN, TokenWindowsFormatError, encodeHeader, lengthsOffset, windowBytes, windowOffset, type TokenWindowsHeader } from './format';

export interface RandomAccessSink {
  write(position: number, data: Uint8Array): void | Promise<void>;
}

export interface TokenWindowsSpec {
  dtype: TokenDtype;
  contextLength: number;
  vocabSize: number;
  hasLengths: boolean;
}

/** The file spec matching a tokenization run. */
export function tokenWindowsSpecOf(stream: Pick<TokenWindowStream, 'dtype' | 'layout' | 'vocabSize'>): TokenWindowsSpec {
  return { dtype: stream.dtype, contextLength: stream.layout.contextLength, vocabSize: stream.vocabSize, hasLengths: stream.layout.hasLengths };
}

export class TokenWindowsWriter {
  private readonly sink: RandomAccessSink;
  private readonly spec: TokenWindowsSpec;
  private count = 0;
  private lengths = new Uint32Array(1024);
  private started = false;
  private finished = false;

  constructor(sink: RandomAccessSink, spec: TokenWindowsSpec) {
    if (!IS_LITTLE_ENDIAN) throw new Error('Token windows are stored little-endian; this platform is big-endian.');
    this.sink = sink;
    this.spec = spec;
  }

  get windows(): number {
    return this.count;
  }

  async append(chunk: WindowChunk): Promise<void> {
    if (this.finished) throw new Error('TokenWindowsWriter: append after finish');
    const { spec } = this;
    const wantUint16 = spec.dtype === 'uint16';
    if (wantUint16 !== (chunk.tokens instanceof Uint16Array) || chunk.tokens.length !== chunk.count * spec.contextLength || (chunk.lengths === null) === spec.hasLengths) {
      throw new TokenWindowsFormatError('mismatch', 'A chunk of token windows does not match the file it is written to.', 'Tokenize the dataset again.');
    }
    if (!this.started) {
      await this.sink.write(0, encodeHeader({ ...spec, count: 0, complete: false }));
      this.started = true;
    }
    const { tokens } = chunk;
    await this.sink.write(windowOffset(spec, this.count), new Uint8Array(tokens.buffer, tokens.byteOffset, chunk.count * windowBytes(spec)));
    if (chunk.lengths) {
      if (this.count + chunk.count > this.lengths.length) {
        const grown = new Uint32Array(Math.max(this.count + chunk.count, this.lengths.length * 2));
        grown.set(this.lengths.subarray(0, this.count));
        this.lengths = grown;
      }
      this.lengths.set(chunk.lengths.subarray(0, chunk.count), this.count);
    }
    this.count += chunk.count;
  }

  /** Writes the lengths and the final header; returns the header. */
  async finish(): Promise<TokenWindowsHeader> {
    if (this.finished) throw new Error('TokenWindowsWriter: finish called twice');
    this.finished = true;
    const header = { ...this.spec, count: this.count, complete: true };
    if (this.spec.hasLengths && this.count > 0) {
      const lengths = this.lengths.subarray(0, this.count);
      await this.sink.write(lengthsOffset(header), new Uint8Array(lengths.buffer, lengths.byteOffset, lengths.byteLength));
    }
    await this.sink.write(0, encodeHeader(header));
    return { version: 1, ...header };
  }
}

/** Streams all chunks into the sink; returns the final header. */
export async function writeTokenWindows(chunks: AsyncIterable<WindowChunk>, sink: RandomAccessSink, spec: TokenWindowsSpec): Promise<TokenWindowsHeader> {
  const writer = new TokenWindowsWriter(sink, spec);
  for await (const chunk of chunks) await writer.append(chunk);
  return writer.finish();
}
