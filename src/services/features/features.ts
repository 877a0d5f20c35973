// Use-cases on an SAE's features: the rows the browser shows, a feature's page (statistics, examples,
// histogram, logit effects), and the user's label, category, notes and favourite mark.
import { decodeDetailsHeader, DETAILS_HEADER_BYTES, decodeLatentRecord, latentRecordRange, type FeatureDetailsHeader } from '../../analysis/extraction';
import { histogramBins, histogramSlotRange } from '../../analysis/histogram';
import type { FeatureExampleRecord, FeatureExtractionRecord, FeatureRecord, SaeRecord } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { db } from '../../store/db';
import { openBlobStore } from '../../store/open-blob-store';
import { examplesOf } from '../../store/repos/featureExamples';
import { extractionsOf, featureExtractionRepo } from '../../store/repos/featureExtractions';
import { annotateFeature, getFeature, type FeatureAnnotation } from '../../store/repos/features';
import { modelRepo } from '../../store/repos/models';
import { saeRepo } from '../../store/repos/saes';
import { tokenizerForModel } from '../tokenization/tokenizations';
import type { FeatureRow } from './browse';

export class FeatureAnnotationError extends Error {
  override readonly name = 'FeatureAnnotationError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

export const ANNOTATION_LIMITS = { label: 200, category: 100, notes: 10_000 } as const;

/** Every feature row of an SAE (index order), with only the columns the browser uses. */
export async function featureRows(saeId: string): Promise<FeatureRow[]> {
  const rows = await db().features.where('[saeId+index]').between([saeId, -Infinity], [saeId, Infinity]).toArray();
  return rows.map((r) => ({
    index: r.index,
    label: r.label,
    category: r.category,
    notes: r.notes,
    favourite: r.favourite,
    ...(r.density !== undefined ? { density: r.density } : {}),
    ...(r.maxActivation !== undefined ? { maxActivation: r.maxActivation } : {}),
    ...(r.meanActivation !== undefined ? { meanActivation: r.meanActivation } : {}),
    ...(r.topTokens ? { topTokens: r.topTokens } : {}),
    ...(r.dead !== undefined ? { dead: r.dead } : {}),
    ...(r.dense !== undefined ? { dense: r.dense } : {}),
  }));
}

/** Checks and saves the user's annotations of a feature (label and category trimmed). */
export async function saveAnnotation(saeId: string, index: number, patch: FeatureAnnotation): Promise<FeatureRecord> {
  const sae = await saeRepo.get(saeId);
  if (!sae) throw new FeatureAnnotationError('This SAE no longer exists.', 'Go back to the list of SAEs.');
  if (!Number.isInteger(index) || index < 0 || index >= sae.dSae) throw new FeatureAnnotationError(`Feature ${index} does not exist; "${sae.name}" has ${sae.dSae}.`, 'Open a feature from the list.');
  const clean: FeatureAnnotation = {};
  for (const field of ['label', 'category', 'notes'] as const) {
    const value = patch[field];
    if (value === undefined) continue;
    const text = field === 'notes' ? value : value.trim();
    if (text.length > ANNOTATION_LIMITS[field]) {
      throw new FeatureAnnotationError(`The ${field} is ${text.length} characters long; at most ${ANNOTATION_LIMITS[field]} fit.`, `Shorten the ${field}.`);
    }
    clean[field] = text;
  }
  if (patch.favourite !== undefined) clean.favourite = patch.favourite ? 1 : 0;
  return annotateFeature(saeId, index, clean);
}

export async function toggleFavourite(saeId: string, index: number): Promise<FeatureRecord> {
  const current = await getFeature(saeId, index);
  return saveAnnotation(saeId, index, { favourite: current?.favourite ? 0 : 1 });
}

export interface HistogramBar {
  /** activations in [low, high) (the first bar: exactly 0, i.e. not firing) */
  low: number;
  high: number;
  count: number;
}

export interface TokenEffectView {
  token: number;
  text: string;
  value: number;
}

export interface FeatureDetail {
  sae: SaeRecord;
  index: number;
  feature: FeatureRecord | undefined;
  extraction: FeatureExtractionRecord | undefined;
  examples: FeatureExampleRecord[];
  /** log-spaced bars of firing activations (the zero count apart) */
  histogram: HistogramBar[];
  notFiring: number;
  promoted: TokenEffectView[];
  suppressed: TokenEffectView[];
  /** why there are no logit effects, when there are none */
  logitNote: string;
}

async function readDetails(key: string, index: number, blobs: BlobStore) {
  const header: FeatureDetailsHeader = decodeDetailsHeader(await blobs.readRange(key, 0, DETAILS_HEADER_BYTES));
  const range = latentRecordRange(header, index);
  return { header, latent: decodeLatentRecord(header, await blobs.readRange(key, range.start, range.end)) };
}

/** Everything a feature's page shows. Reads only, so it can run inside a liveQuery. */
export async function featureDetail(saeId: string, index: number, blobs?: BlobStore): Promise<FeatureDetail | undefined> {
  const sae = await saeRepo.get(saeId);
  if (!sae || !Number.isInteger(index) || index < 0 || index >= sae.dSae) return undefined;
  const feature = await getFeature(saeId, index);
  const examples = await examplesOf(saeId, index);
  const extraction = feature?.extractionId ? await featureExtractionRepo.get(feature.extractionId) : (await extractionsOf(saeId)).filter((e) => e.status === 'ready').pop();
  const detail: FeatureDetail = { sae, index, feature, extraction, examples, histogram: [], notFiring: 0, promoted: [], suppressed: [], logitNote: '' };
  if (!extraction?.detailsKey) {
    detail.logitNote = 'Run a feature extraction to see the histogram and logit effects.';
    return detail;
  }
  const store = blobs ?? (await openBlobStore());
  const { header, latent } = await readDetails(extraction.detailsKey, index, store);
  const bins = histogramBins(header.histogram);
  detail.notFiring = latent.histogram[0] ?? 0;
  detail.histogram = latent.histogram.slice(1).map((count, i) => ({ ...histogramSlotRange(i + 1, bins), count }));
  if (latent.promoted.length === 0 && latent.suppressed.length === 0) {
    detail.logitNote = 'No logit effects: the model’s unembedding could not be read, or does not take the SAE’s width.';
    return detail;
  }
  const model = extraction.modelId ? await modelRepo.get(extraction.modelId) : undefined;
  const tokenizer = model ? await tokenizerForModel(model, store).catch(() => undefined) : undefined;
  const view = (e: { token: number; value: number }): TokenEffectView => ({ token: e.token, value: e.value, text: tokenizer ? tokenizer.decode([e.token]) : `#${e.token}` });
  detail.promoted = latent.promoted.map(view);
  detail.suppressed = latent.suppressed.map(view);
  return detail;
}

export interface SaeFeaturesSummary {
  sae: SaeRecord;
  /** the latest extraction run, finished or not */
  latest: FeatureExtractionRecord | undefined;
  /** the latest finished one */
  ready: FeatureExtractionRecord | undefined;
  labelled: number;
  favourites: number;
}

/** Every SAE with where its features stand. Reads only (liveQuery-safe). */
export async function saeFeatureSummaries(): Promise<SaeFeaturesSummary[]> {
  const saes = await saeRepo.all();
  const out: SaeFeaturesSummary[] = [];
  for (const sae of saes.sort((a, b) => b.createdAt - a.createdAt)) {
    const runs = await extractionsOf(sae.id);
    const favourites = await db().features.where('[saeId+favourite]').equals([sae.id, 1]).count();
    const labelled = await db()
      .features.where('saeId')
      .equals(sae.id)
      .filter((f) => f.label !== '')
      .count();
    out.push({ sae, latest: runs[runs.length - 1], ready: runs.filter((r) => r.status === 'ready').pop(), labelled, favourites });
  }
  return out;
}
