// Where a paused or interrupted feature extraction stands, as bytes for the BlobStore: the pass and batch (or
// context chunk) to go on from, with the accumulators so far — statistics and top examples, and the quantile
// samples once their pass has begun. Counts and sums stay float64, so a resumed run ends exactly where an
// unbroken one does. Layout: u32 header length, JSON header, padding to 8 bytes, then the typed arrays.
import { ExampleHeaps } from '../example-heap';
import type { FeatureStatsState } from '../feature-accumulator';
import { histogramBins, type HistogramSpec } from '../histogram';
import type { QuantileSamplerState } from '../quantile-sampler';

/** Where to go on from: batch `batch` of data pass `pass`, or context chunk `chunk` (all data passes done). */
export type ResumePosition = { phase: 'data'; pass: number; batch: number } | { phase: 'contexts'; chunk: number };

export interface ExtractionResume {
  /** what the run was planned as; a resume under another plan starts over */
  plan: { windows: number; batches: number; passes: number; dSae: number };
  position: ResumePosition;
  stats: FeatureStatsState;
  /** during and after the sampling pass */
  samples?: QuantileSamplerState;
}

export class ResumeCodecError extends Error {
  override name = 'ResumeCodecError';
}

const FORMAT = 'mistudio-extraction-resume';
const VERSION = 1;

type Numeric = Float64Array | Float32Array | Uint32Array;
const KINDS = { f64: Float64Array, f32: Float32Array, u32: Uint32Array } as const;
type Kind = keyof typeof KINDS;

function kindOf(a: Numeric): Kind {
  return a instanceof Float64Array ? 'f64' : a instanceof Float32Array ? 'f32' : 'u32';
}

interface HeapMeta {
  groups: number;
  capacity: number;
}

interface Header {
  format: string;
  version: number;
  plan: ExtractionResume['plan'];
  position: ResumePosition;
  stats: { dSae: number; tokens: number; histogram: HistogramSpec; top: HeapMeta };
  samples?: { perBand: number; seed: number; dSae: number; bands: number; heaps: HeapMeta };
  arrays: { name: string; kind: Kind; length: number }[];
}

function heapArrays(prefix: string, h: ExampleHeaps): [string, Numeric][] {
  return [
    [`${prefix}.scores`, h.scores],
    [`${prefix}.acts`, h.acts],
    [`${prefix}.windows`, h.windows],
    [`${prefix}.positions`, h.positions],
    [`${prefix}.sizes`, h.sizes],
  ];
}

export function encodeExtractionResume(r: ExtractionResume): Uint8Array {
  const { stats, samples } = r;
  const arrays: [string, Numeric][] = [
    ['stats.fired', stats.fired],
    ['stats.max', stats.max],
    ['stats.sum', stats.sum],
    ['stats.histogram', stats.histogram],
    ...heapArrays('stats.top', stats.top),
  ];
  const header: Header = {
    format: FORMAT,
    version: VERSION,
    plan: r.plan,
    position: r.position,
    stats: { dSae: stats.dSae, tokens: stats.tokens, histogram: stats.histogramBins.spec, top: { groups: stats.top.groups, capacity: stats.top.capacity } },
    arrays: [],
  };
  if (samples) {
    header.samples = {
      perBand: samples.perBand,
      seed: samples.seed,
      dSae: samples.edges.dSae,
      bands: samples.edges.bands,
      heaps: { groups: samples.samples.groups, capacity: samples.samples.capacity },
    };
    arrays.push(['samples.edges', samples.edges.interior], ...heapArrays('samples.heaps', samples.samples));
  }
  header.arrays = arrays.map(([name, a]) => ({ name, kind: kindOf(a), length: a.length }));
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((4 + json.length) / 8) * 8;
  const total = arrays.reduce((n, [, a]) => n + Math.ceil(a.byteLength / 8) * 8, dataStart);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = dataStart;
  for (const [, a] of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += Math.ceil(a.byteLength / 8) * 8;
  }
  return out;
}

export function decodeExtractionResume(bytes: Uint8Array): ExtractionResume {
  const fail = (why: string): never => {
    throw new ResumeCodecError(`The saved extraction progress cannot be read (${why}).`);
  };
  if (bytes.byteLength < 4) fail('too short');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + length > bytes.byteLength) fail('cut off');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Header;
  } catch {
    return fail('bad header');
  }
  if (header.format !== FORMAT || header.version !== VERSION) fail('another format');
  const arrays = new Map<string, Numeric>();
  let at = Math.ceil((4 + length) / 8) * 8;
  for (const { name, kind, length: n } of header.arrays) {
    const Kind = KINDS[kind];
    if (!Kind) fail(`unknown array type ${kind}`);
    const byteLength = n * Kind.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.byteLength) fail('cut off');
    // a copy: the arrays outlive the read buffer and must be aligned
    arrays.set(name, new Kind(bytes.slice(at, at + byteLength).buffer));
    at += Math.ceil(byteLength / 8) * 8;
  }
  const get = <T extends Numeric>(name: string, Kind: new (n: number) => T, n: number): T => {
    const a = arrays.get(name);
    if (!(a instanceof Kind) || a.length !== n) return fail(`${name} is missing or has the wrong size`);
    return a as T;
  };
  const heaps = (prefix: string, meta: HeapMeta): ExampleHeaps => {
    const h = new ExampleHeaps(meta.groups, meta.capacity);
    const n = meta.groups * meta.capacity;
    h.scores.set(get(`${prefix}.scores`, Float64Array, n));
    h.acts.set(get(`${prefix}.acts`, Float32Array, n));
    h.windows.set(get(`${prefix}.windows`, Uint32Array, n));
    h.positions.set(get(`${prefix}.positions`, Uint32Array, n));
    h.sizes.set(get(`${prefix}.sizes`, Uint32Array, meta.groups));
    return h;
  };
  const s = header.stats;
  const bins = histogramBins(s.histogram);
  const stats: FeatureStatsState = {
    dSae: s.dSae,
    tokens: s.tokens,
    fired: get('stats.fired', Float64Array, s.dSae),
    max: get('stats.max', Float32Array, s.dSae),
    sum: get('stats.sum', Float64Array, s.dSae),
    histogram: get('stats.histogram', Float64Array, s.dSae * bins.bins),
    histogramBins: bins,
    top: heaps('stats.top', s.top),
  };
  const out: ExtractionResume = { plan: header.plan, position: header.position, stats };
  const q = header.samples;
  if (q) {
    const edges = { dSae: q.dSae, bands: q.bands, interior: get('samples.edges', Float32Array, q.dSae * (q.bands - 1)) };
    out.samples = { edges, perBand: q.perBand, seed: q.seed, samples: heaps('samples.heaps', q.heaps) };
  }
  return out;
}
