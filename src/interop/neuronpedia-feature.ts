// One feature in the shape of Neuronpedia's feature JSON (what its API returns for
// /api/feature/{modelId}/{layer}/{index} and what SAEDashboard uploads), so tools that read Neuronpedia
// features read ours. The mapping from the studio's data:
//
//   Neuronpedia field                     ← studio
//   modelId                               ← the model's Neuronpedia id (e.g. "gpt2-small")
//   layer                                 ← the SAE's Neuronpedia source id (e.g. "8-res-mistudio")
//   index                                 ← feature index, as a string (Neuronpedia stores it so)
//   hookName                              ← the hook point, TransformerLens name
//   explanations[0].description           ← the feature's label (no explanations when it has none)
//   maxActApprox                          ← max activation (else the largest example value, else 0)
//   frac_nonzero                          ← density: the share of tokens where the feature fires
//   freq_hist_data_bar_values / _heights  ← activation histogram: bin centres / counts (parallel arrays,
//                                           one value per bar — never the n+1 bin edges)
//   logits_hist_data_bar_values / _heights← histogram of the feature's logit effects, same layout
//   pos_str / pos_values                  ← logit effects: tokens the feature promotes, strongest first
//   neg_str / neg_values                  ← logit effects: tokens it suppresses, strongest first
//   activations[] {tokens, values, maxValue, maxValueTokenIndex, minValue}
//                                         ← top examples by rank: token strings and per-token activations
//   mistudio {label, category, notes, favourite, meanActivation, topTokens}
//                                         ← studio fields Neuronpedia has no place for (ignored there)
import type { FeatureExampleRecord, FeatureRecord } from '../domain/entities';
import { InteropError } from './errors';

export interface Histogram {
  /** counts.length + 1 bin edges, increasing */
  edges: number[];
  counts: number[];
}

export interface LogitEffect {
  token: string;
  value: number;
}

/** What the studio's analyses know about one feature beyond its FeatureRecord. */
export interface FeatureDetails {
  /** examples of any kind and rank; the top-ranked 'top' ones are exported */
  examples?: readonly FeatureExampleRecord[];
  activationHistogram?: Histogram;
  logitHistogram?: Histogram;
  logitEffects?: { pos: readonly LogitEffect[]; neg: readonly LogitEffect[] };
}

export interface NeuronpediaActivation {
  tokens: string[];
  values: number[];
  maxValue: number;
  maxValueTokenIndex: number;
  minValue: number;
}

export interface NeuronpediaFeature {
  modelId: string;
  layer: string;
  index: string;
  hookName: string;
  explanations: { description: string }[];
  maxActApprox: number;
  frac_nonzero: number | null;
  freq_hist_data_bar_heights: number[];
  freq_hist_data_bar_values: number[];
  logits_hist_data_bar_heights: number[];
  logits_hist_data_bar_values: number[];
  pos_str: string[];
  pos_values: number[];
  neg_str: string[];
  neg_values: number[];
  activations: NeuronpediaActivation[];
  mistudio: {
    label: string;
    category: string;
    notes: string;
    favourite: boolean;
    meanActivation: number | null;
    topTokens: string[];
  };
}

export interface FeatureContext {
  modelId: string;
  sourceId: string;
  hookName: string;
  examplesPerFeature: number;
}

function bad(index: number, message: string): InteropError {
  return new InteropError('invalid-data', `Feature ${index}: ${message}.`, 'Run the feature analysis again for this SAE, then export.');
}

function finite(index: number, what: string, v: number): number {
  if (!Number.isFinite(v)) throw bad(index, `${what} is ${v}, not a finite number`);
  return v;
}

function bars(index: number, what: string, h: Histogram | undefined): { values: number[]; heights: number[] } {
  if (!h) return { values: [], heights: [] };
  if (h.edges.length !== h.counts.length + 1) throw bad(index, `the ${what} histogram has ${h.edges.length} edges for ${h.counts.length} bars (needs one more edge than bars)`);
  h.edges.forEach((e, i) => {
    finite(index, `${what} histogram edge ${i}`, e);
    if (i > 0 && !(e > h.edges[i - 1]!)) throw bad(index, `the ${what} histogram's edges must increase`);
  });
  const heights = h.counts.map((c, i) => {
    if (!Number.isFinite(c) || c < 0) throw bad(index, `${what} histogram bar ${i} has count ${c}`);
    return c;
  });
  return { values: h.counts.map((_, i) => (h.edges[i]! + h.edges[i + 1]!) / 2), heights };
}

function effects(index: number, list: readonly LogitEffect[] | undefined, what: string): { str: string[]; values: number[] } {
  const str: string[] = [];
  const values: number[] = [];
  for (const [i, e] of (list ?? []).entries()) {
    if (typeof e.token !== 'string') throw bad(index, `${what} logit effect ${i} has no token text`);
    str.push(e.token);
    values.push(finite(index, `${what} logit effect ${i}`, e.value));
  }
  return { str, values };
}

function activation(index: number, e: FeatureExampleRecord): NeuronpediaActivation {
  if (e.tokens.length !== e.activations.length || e.tokens.length === 0) {
    throw bad(index, `example ${e.rank} has ${e.tokens.length} tokens and ${e.activations.length} values`);
  }
  let maxValueTokenIndex = 0;
  let minValue = Infinity;
  e.activations.forEach((v, i) => {
    finite(index, `example ${e.rank} value ${i}`, v);
    if (v > e.activations[maxValueTokenIndex]!) maxValueTokenIndex = i;
    minValue = Math.min(minValue, v);
  });
  return { tokens: [...e.tokens], values: [...e.activations], maxValue: e.activations[maxValueTokenIndex]!, maxValueTokenIndex, minValue };
}

/** The feature's Neuronpedia JSON; `record` is absent for a feature the studio has no row for yet. */
export function toNeuronpediaFeature(index: number, record: FeatureRecord | undefined, details: FeatureDetails, ctx: FeatureContext): NeuronpediaFeature {
  const top = (details.examples ?? [])
    .filter((e) => e.kind === 'top' && e.featureIndex === index)
    .slice()
    .sort((a, b) => a.rank - b.rank)
    .slice(0, ctx.examplesPerFeature);
  const activations = top.map((e) => activation(index, e));
  const freq = bars(index, 'activation', details.activationHistogram);
  const logits = bars(index, 'logit', details.logitHistogram);
  const pos = effects(index, details.logitEffects?.pos, 'positive');
  const neg = effects(index, details.logitEffects?.neg, 'negative');
  const maxAct = record?.maxActivation ?? (activations.length ? Math.max(...activations.map((a) => a.maxValue)) : 0);
  const density = record?.density;
  if (density !== undefined && !(density >= 0 && density <= 1)) throw bad(index, `density is ${density}; it must be a share between 0 and 1`);
  const label = record?.label ?? '';
  return {
    modelId: ctx.modelId,
    layer: ctx.sourceId,
    index: String(index),
    hookName: ctx.hookName,
    explanations: label.trim() ? [{ description: label }] : [],
    maxActApprox: finite(index, 'max activation', maxAct),
    frac_nonzero: density ?? null,
    freq_hist_data_bar_heights: freq.heights,
    freq_hist_data_bar_values: freq.values,
    logits_hist_data_bar_heights: logits.heights,
    logits_hist_data_bar_values: logits.values,
    pos_str: pos.str,
    pos_values: pos.values,
    neg_str: neg.str,
    neg_values: neg.values,
    activations,
    mistudio: {
      label,
      category: record?.category ?? '',
      notes: record?.notes ?? '',
      favourite: record?.favourite === 1,
      meanActivation: record?.meanActivation === undefined ? null : finite(index, 'mean activation', record.meanActivation),
      topTokens: [...(record?.topTokens ?? [])],
    },
  };
}
