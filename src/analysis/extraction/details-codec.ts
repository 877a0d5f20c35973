// Per-latent details of an extraction that the feature page shows but the feature list never needs — the
// activation histogram and the logit effects — in one binary blob of fixed-size records, so a page reads
// only its latent's bytes (BlobStore.readRange) and the list rows stay small.
//
// Layout (little-endian):
//   header, 48 bytes: magic "MIFD", version u32, d_sae u32, bins u32 (log bins), topN u32, 0 u32,
//                     minLog10 f64, maxLog10 f64, binsPerDecade f64
//   d_sae records of recordBytes(bins, topN):
//     counts u32[bins + 1]            zero count first, then the log bins (histogram.ts)
//     promoted: n u32, ids u32[topN], values f32[topN]
//     suppressed: n u32, ids u32[topN], values f32[topN]
import type { HistogramSpec } from '../histogram';
import type { TokenEffect } from '../logit-effects';

const MAGIC = 0x4446494d; // "MIFD"
const VERSION = 1;
export const DETAILS_HEADER_BYTES = 48;

export class FeatureDetailsError extends Error {
  override name = 'FeatureDetailsError';
  readonly action = 'Run the feature extraction again.';
}

export interface FeatureDetailsHeader {
  dSae: number;
  /** log bins (the zero count comes on top) */
  bins: number;
  /** tokens kept per direction of the logit effects */
  topN: number;
  histogram: HistogramSpec;
}

export interface LatentDetails {
  /** [zero count, log bins…] */
  histogram: number[];
  /** empty when the model's unembedding was not available */
  promoted: TokenEffect[];
  suppressed: TokenEffect[];
}

export function recordBytes(bins: number, topN: number): number {
  return 4 * (bins + 1) + 2 * (4 + 8 * topN);
}

export function encodeDetailsHeader(h: FeatureDetailsHeader): Uint8Array {
  const out = new Uint8Array(DETAILS_HEADER_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, VERSION, true);
  v.setUint32(8, h.dSae, true);
  v.setUint32(12, h.bins, true);
  v.setUint32(16, h.topN, true);
  v.setFloat64(24, h.histogram.minLog10, true);
  v.setFloat64(32, h.histogram.maxLog10, true);
  v.setFloat64(40, h.histogram.binsPerDecade, true);
  return out;
}

export function decodeDetailsHeader(bytes: Uint8Array): FeatureDetailsHeader {
  if (bytes.byteLength < DETAILS_HEADER_BYTES) throw new FeatureDetailsError('The stored feature details are cut short.');
  const v = new DataView(bytes.buffer, bytes.byteOffset, DETAILS_HEADER_BYTES);
  if (v.getUint32(0, true) !== MAGIC) throw new FeatureDetailsError('The stored feature details are not in the expected format.');
  const version = v.getUint32(4, true);
  if (version !== VERSION) throw new FeatureDetailsError(`The stored feature details have version ${version}; this version of miStudio reads version ${VERSION}.`);
  return {
    dSae: v.getUint32(8, true),
    bins: v.getUint32(12, true),
    topN: v.getUint32(16, true),
    histogram: { minLog10: v.getFloat64(24, true), maxLog10: v.getFloat64(32, true), binsPerDecade: v.getFloat64(40, true) },
  };
}

/** Byte range [start, end) of latent `index`'s record. */
export function latentRecordRange(h: FeatureDetailsHeader, index: number): { start: number; end: number } {
  if (!Number.isInteger(index) || index < 0 || index >= h.dSae) throw new FeatureDetailsError(`Feature ${index} does not exist (this SAE has ${h.dSae}).`);
  const size = recordBytes(h.bins, h.topN);
  const start = DETAILS_HEADER_BYTES + index * size;
  return { start, end: start + size };
}

/** Writes latent records one after another (call in latent order). */
export function encodeLatentRecord(h: FeatureDetailsHeader, d: LatentDetails): Uint8Array {
  const size = recordBytes(h.bins, h.topN);
  if (d.histogram.length !== h.bins + 1) throw new FeatureDetailsError(`A histogram of ${d.histogram.length} counts does not fit ${h.bins + 1} slots.`);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let at = 0;
  for (const c of d.histogram) {
    v.setUint32(at, c, true);
    at += 4;
  }
  for (const list of [d.promoted, d.suppressed]) {
    const n = Math.min(list.length, h.topN);
    v.setUint32(at, n, true);
    for (let i = 0; i < n; i++) {
      v.setUint32(at + 4 + 4 * i, list[i]!.token, true);
      v.setFloat32(at + 4 + 4 * h.topN + 4 * i, list[i]!.value, true);
    }
    at += 4 + 8 * h.topN;
  }
  return out;
}

export function decodeLatentRecord(h: FeatureDetailsHeader, bytes: Uint8Array): LatentDetails {
  const size = recordBytes(h.bins, h.topN);
  if (bytes.byteLength < size) throw new FeatureDetailsError('The stored details of this feature are cut short.');
  const v = new DataView(bytes.buffer, bytes.byteOffset, size);
  let at = 0;
  const histogram: number[] = [];
  for (let i = 0; i <= h.bins; i++, at += 4) histogram.push(v.getUint32(at, true));
  const lists: TokenEffect[][] = [];
  for (let l = 0; l < 2; l++) {
    const n = Math.min(v.getUint32(at, true), h.topN);
    const list: TokenEffect[] = [];
    for (let i = 0; i < n; i++) list.push({ token: v.getUint32(at + 4 + 4 * i, true), value: v.getFloat32(at + 4 + 4 * h.topN + 4 * i, true) });
    lists.push(list);
    at += 4 + 8 * h.topN;
  }
  return { histogram, promoted: lists[0]!, suppressed: lists[1]! };
}
