// The settings of one extraction run: an extraction template's fields (src/domain/templates/extraction.ts),
// checked by the same rules, plus how the run turns them into work (quantile bands, logit-effect tokens).
import type { ExtractionSettings, ExtractionTemplate } from '../../domain/entities';
import { validateExtractionTemplate } from '../../domain/templates';

export type { ExtractionSettings } from '../../domain/entities';

export class ExtractionSettingsError extends Error {
  override name = 'ExtractionSettingsError';
  readonly action = 'Correct the extraction settings (or pick another template) and start again.';
}

/** The run settings of a template (name, description and flags left behind). */
export function settingsOfTemplate(t: ExtractionTemplate): ExtractionSettings {
  const s: ExtractionSettings = {
    maxTokens: t.maxTokens,
    batchSize: t.batchSize,
    topK: t.topK,
    contextPrefix: t.contextPrefix,
    contextSuffix: t.contextSuffix,
    quantileExamples: t.quantileExamples,
  };
  if (t.tokenFilters) s.tokenFilters = { ...t.tokenFilters, skipTokens: [...t.tokenFilters.skipTokens] };
  return s;
}

/** Checks settings with the template rules; returns them cleaned (duplicate skip tokens dropped). */
export function checkExtractionSettings(input: ExtractionSettings): ExtractionSettings {
  const checked = validateExtractionTemplate({ name: 'run', ...input });
  if (!checked.ok) {
    const problems = checked.problems.map((p) => (p.field ? `${p.field} ${p.message}` : p.message)).join('; ');
    throw new ExtractionSettingsError(`These extraction settings cannot run: ${problems}.`);
  }
  const { name: _name, description: _description, ...settings } = checked.value;
  return settings;
}

/** Activation bands for quantile examples, and how many examples each keeps. */
export interface QuantileBands {
  bands: number;
  perBand: number;
}

/** Most bands the quantile examples are spread over; more bands than this shows little more. */
export const MAX_QUANTILE_BANDS = 10;

/**
 * `quantileExamples` spread over up to 10 activation bands of equal share: bands · perBand ≥ the number
 * asked for (the extra ones are dropped when examples are written, see trimQuantileExamples).
 */
export function quantileBands(quantileExamples: number): QuantileBands | null {
  if (quantileExamples <= 0) return null;
  const bands = Math.min(MAX_QUANTILE_BANDS, quantileExamples);
  return { bands, perBand: Math.ceil(quantileExamples / bands) };
}

/** Tokens shown per latent for its logit effects (promoted, and suppressed). */
export const LOGIT_EFFECT_TOKENS = 10;

/** Latents firing on more than this share of tokens are flagged dense. */
export const DENSE_THRESHOLD = 0.1;

/** A canonical text of settings: equal for runs that compute the same thing. */
export function settingsKey(s: ExtractionSettings): string {
  const f = s.tokenFilters;
  return JSON.stringify([
    s.maxTokens,
    s.batchSize,
    s.topK,
    s.contextPrefix,
    s.contextSuffix,
    s.quantileExamples,
    f ? [f.skipSpecialTokens, f.skipWhitespace, f.skipPunctuation, [...new Set(f.skipTokens)].sort()] : null,
  ]);
}
