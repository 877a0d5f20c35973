// How imported documents are stored: in parts of a few MiB, each one blob with an index up front, so a
// page of documents is three small range reads and nothing ever loads a whole dataset.
//
//   offset              size              field
//   0                   4                 magic "MIDP"
//   4                   2                 version (1)
//   6                   2                 reserved, zero
//   8                   4                 document count n
//   12                  4                 reserved, zero
//   16                  (n + 1) × 4       byte offsets of each text in the text section, then its end
//   16 + (n + 1) × 4    n × 4             origin of each document: its 1-based line, or its row (0xFFFFFFFF: none)
//   16 + (2n + 1) × 4   …                 the texts, UTF-8, back to back
// All numbers little-endian u32. A part holds at most 4 GiB of text (parts are cut far below that).
import type { BlobStore } from '../../store/blob-store';

export const DOCUMENT_PART_MAGIC = 'MIDP';
export const DOCUMENT_PART_VERSION = 1;
const HEADER_BYTES = 16;
export const NO_ORIGIN = 0xffffffff;

/** Cut a part once its text reaches this many bytes… */
export const PART_TARGET_BYTES = 4 * 1024 * 1024;
/** …or it holds this many documents (keeps the index small for datasets of short lines). */
export const PART_MAX_DOCUMENTS = 65536;

export class DocumentPartError extends Error {
  override readonly name = 'DocumentPartError';
  readonly action = 'Delete the dataset and import it again.';
}

export interface StoredDocument {
  /** 0-based position in the dataset */
  index: number;
  text: string;
  /** 1-based line in the source (text formats) or 0-based row (parquet); null when unknown */
  origin: number | null;
}

function indexBytes(count: number): number {
  return HEADER_BYTES + (count + 1) * 4 + count * 4;
}

export interface PartLimits {
  /** text bytes after which a part is full (default PART_TARGET_BYTES) */
  targetBytes?: number;
  /** documents after which a part is full (default PART_MAX_DOCUMENTS) */
  maxDocuments?: number;
}

/** Collects documents into one part's bytes. */
export class DocumentPartBuilder {
  private readonly encoder = new TextEncoder();
  private readonly targetBytes: number;
  private readonly maxDocuments: number;
  private text = new Uint8Array(64 * 1024);
  private textBytes = 0;
  private offsets: number[] = [0];
  private origins: number[] = [];

  constructor(limits: PartLimits = {}) {
    this.targetBytes = limits.targetBytes ?? PART_TARGET_BYTES;
    this.maxDocuments = limits.maxDocuments ?? PART_MAX_DOCUMENTS;
  }

  get documents(): number {
    return this.origins.length;
  }

  get bytes(): number {
    return this.textBytes;
  }

  /** true once the part should be written */
  get full(): boolean {
    return this.textBytes >= this.targetBytes || this.origins.length >= this.maxDocuments;
  }

  add(text: string, origin: number | null): void {
    // UTF-8 never takes more than 3 bytes per UTF-16 code unit
    this.reserve(text.length * 3);
    const { written } = this.encoder.encodeInto(text, this.text.subarray(this.textBytes));
    this.textBytes += written;
    if (this.textBytes > 0xffffffff) throw new DocumentPartError('A part of the dataset grew past 4 GiB.');
    this.offsets.push(this.textBytes);
    this.origins.push(origin === null || origin < 0 || origin >= NO_ORIGIN ? NO_ORIGIN : origin);
  }

  /** The part's bytes; the builder starts empty again. */
  take(): Uint8Array<ArrayBuffer> {
    const n = this.origins.length;
    const head = indexBytes(n);
    const out = new Uint8Array(head + this.textBytes);
    const view = new DataView(out.buffer);
    for (let i = 0; i < 4; i++) out[i] = DOCUMENT_PART_MAGIC.charCodeAt(i);
    view.setUint16(4, DOCUMENT_PART_VERSION, true);
    view.setUint32(8, n, true);
    let at = HEADER_BYTES;
    for (const offset of this.offsets) {
      view.setUint32(at, offset, true);
      at += 4;
    }
    for (const origin of this.origins) {
      view.setUint32(at, origin, true);
      at += 4;
    }
    out.set(this.text.subarray(0, this.textBytes), head);
    this.textBytes = 0;
    this.offsets = [0];
    this.origins = [];
    if (this.text.length > 4 * this.targetBytes) this.text = new Uint8Array(64 * 1024); // a huge document passed: give the memory back
    return out;
  }

  private reserve(extra: number): void {
    if (this.textBytes + extra <= this.text.length) return;
    const grown = new Uint8Array(Math.max(this.textBytes + extra, this.text.length * 2));
    grown.set(this.text.subarray(0, this.textBytes));
    this.text = grown;
  }
}

function readHeader(bytes: Uint8Array): number {
  if (bytes.byteLength < HEADER_BYTES || String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!) !== DOCUMENT_PART_MAGIC) {
    throw new DocumentPartError('A stored part of the dataset is damaged (it does not start with "MIDP").');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const version = view.getUint16(4, true);
  if (version !== DOCUMENT_PART_VERSION) throw new DocumentPartError(`A stored part of the dataset has format ${version}, which this version cannot read.`);
  return view.getUint32(8, true);
}

function u32s(bytes: Uint8Array, count: number): Uint32Array {
  // copy: the range may not be 4-byte aligned in its buffer
  const aligned = new Uint8Array(count * 4);
  aligned.set(bytes.subarray(0, count * 4));
  return new Uint32Array(aligned.buffer);
}

/** Every document of a whole part, in order (for tokenization and search). */
export function* decodeDocumentPart(bytes: Uint8Array, firstIndex = 0): Generator<StoredDocument> {
  const n = readHeader(bytes);
  const head = indexBytes(n);
  if (bytes.byteLength < head) throw new DocumentPartError('A stored part of the dataset is cut short.');
  const offsets = u32s(bytes.subarray(HEADER_BYTES), n + 1);
  const origins = u32s(bytes.subarray(HEADER_BYTES + (n + 1) * 4), n);
  if (head + offsets[n]! > bytes.byteLength) throw new DocumentPartError('A stored part of the dataset is cut short.');
  const decoder = new TextDecoder();
  for (let i = 0; i < n; i++) {
    const origin = origins[i]!;
    yield { index: firstIndex + i, text: decoder.decode(bytes.subarray(head + offsets[i]!, head + offsets[i + 1]!)), origin: origin === NO_ORIGIN ? null : origin };
  }
}

/** Documents [start, end) of one stored part: three range reads (offsets, origins, texts). */
export async function readPartDocuments(blobs: BlobStore, part: { blobKey: string; documents: number }, start: number, end: number, firstIndex = 0): Promise<StoredDocument[]> {
  const n = part.documents;
  const from = Math.max(0, Math.min(start, n));
  const to = Math.max(from, Math.min(end, n));
  if (to === from) return [];
  const [offsetBytes, originBytes] = await Promise.all([
    blobs.readRange(part.blobKey, HEADER_BYTES + from * 4, HEADER_BYTES + (to + 1) * 4),
    blobs.readRange(part.blobKey, HEADER_BYTES + (n + 1) * 4 + from * 4, HEADER_BYTES + (n + 1) * 4 + to * 4),
  ]);
  if (offsetBytes.byteLength !== (to - from + 1) * 4 || originBytes.byteLength !== (to - from) * 4) throw new DocumentPartError('A stored part of the dataset is cut short.');
  const offsets = u32s(offsetBytes, to - from + 1);
  const origins = u32s(originBytes, to - from);
  const head = indexBytes(n);
  const text = await blobs.readRange(part.blobKey, head + offsets[0]!, head + offsets[to - from]!);
  const decoder = new TextDecoder();
  const docs: StoredDocument[] = [];
  for (let i = 0; i < to - from; i++) {
    const origin = origins[i]!;
    docs.push({
      index: firstIndex + from + i,
      text: decoder.decode(text.subarray(offsets[i]! - offsets[0]!, offsets[i + 1]! - offsets[0]!)),
      origin: origin === NO_ORIGIN ? null : origin,
    });
  }
  return docs;
}

/** Documents [start, end) of a dataset stored in `parts`, reading only the parts they lie in. */
export async function readDocuments(blobs: BlobStore, parts: readonly { blobKey: string; documents: number }[], start: number, end: number): Promise<StoredDocument[]> {
  const out: StoredDocument[] = [];
  let base = 0;
  for (const part of parts) {
    const partEnd = base + part.documents;
    if (partEnd > start && base < end) out.push(...(await readPartDocuments(blobs, part, start - base, end - base, base)));
    if (partEnd >= end) break;
    base = partEnd;
  }
  return out;
}

/** Every document of one part (read whole: a few MiB). */
export async function readPartAll(blobs: BlobStore, part: { blobKey: string }, firstIndex = 0): Promise<StoredDocument[]> {
  const bytes = await blobs.readRange(part.blobKey, 0, Number.MAX_SAFE_INTEGER);
  return [...decodeDocumentPart(bytes, firstIndex)];
}

/** Every document of a dataset, part by part (one part in memory at a time). */
export async function* streamDocuments(blobs: BlobStore, parts: readonly { blobKey: string; documents: number }[]): AsyncGenerator<StoredDocument> {
  let base = 0;
  for (const part of parts) {
    const bytes = await blobs.readRange(part.blobKey, 0, Number.MAX_SAFE_INTEGER);
    yield* decodeDocumentPart(bytes, base);
    base += part.documents;
  }
}
