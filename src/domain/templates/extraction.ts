// Extraction templates: named settings for a feature-extraction run (token budget, examples kept per
// feature, context around each example, token filters), and their validation.
import type { ExtractionTemplate, TokenFilters } from '../entities';
import { describe, FieldReader, isPlainObject, type Validated } from './problems';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH } from './training';

/** What a user chooses in an extraction template (everything but identity, flags and times). */
export type ExtractionTemplateFields = Pick<
  ExtractionTemplate,
  'name' | 'description' | 'maxTokens' | 'batchSize' | 'topK' | 'contextPrefix' | 'contextSuffix' | 'quantileExamples' | 'tokenFilters'
>;

export const EXTRACTION_TEMPLATE_KEYS = [
  'name',
  'description',
  'maxTokens',
  'batchSize',
  'topK',
  'contextPrefix',
  'contextSuffix',
  'quantileExamples',
  'tokenFilters',
] as const;

export const EXTRACTION_LIMITS = {
  maxTokens: 1e9,
  batchSize: 4096,
  topK: 1000,
  context: 512,
  quantileExamples: 1000,
  skipTokens: 1000,
  tokenLength: 100,
} as const;

export const NO_TOKEN_FILTERS: TokenFilters = { skipSpecialTokens: false, skipWhitespace: false, skipPunctuation: false, skipTokens: [] };

/** Checks unknown input (a form or one entry of an imported file) as an extraction template. */
export function validateExtractionTemplate(input: unknown): Validated<ExtractionTemplateFields> {
  if (!isPlainObject(input)) return { ok: false, problems: [{ field: '', message: `a template must be an object (got ${describe(input)})` }] };
  const r = new FieldReader(input);
  r.rejectUnknown(EXTRACTION_TEMPLATE_KEYS);
  const L = EXTRACTION_LIMITS;
  const name = r.string('name', { maxLength: NAME_MAX_LENGTH, nonEmpty: true });
  const description = r.string('description', { optional: true, maxLength: DESCRIPTION_MAX_LENGTH }) ?? '';
  const maxTokens = r.integer('maxTokens', { min: 1, max: L.maxTokens });
  const batchSize = r.integer('batchSize', { min: 1, max: L.batchSize });
  const topK = r.integer('topK', { min: 1, max: L.topK });
  const contextPrefix = r.integer('contextPrefix', { min: 0, max: L.context });
  const contextSuffix = r.integer('contextSuffix', { min: 0, max: L.context });
  const quantileExamples = r.integer('quantileExamples', { min: 0, max: L.quantileExamples });
  if (maxTokens !== undefined && topK !== undefined && topK > maxTokens) r.add('topK', `cannot exceed the token budget maxTokens (${maxTokens})`);
  const tokenFilters = readTokenFilters(r);
  if (r.problems.length > 0 || tokenFilters === null) return { ok: false, problems: r.problems };
  const value: ExtractionTemplateFields = { name: name.trim(), description, maxTokens, batchSize, topK, contextPrefix, contextSuffix, quantileExamples };
  if (tokenFilters !== undefined) value.tokenFilters = tokenFilters;
  return { ok: true, value };
}

/** The filters, if any; null when present but wrong. Flags left out mean "don't skip". */
function readTokenFilters(r: FieldReader): TokenFilters | undefined | null {
  const input = r.object('tokenFilters');
  if (!r.has('tokenFilters')) return undefined;
  if (!input) return null;
  const f = new FieldReader(input, 'tokenFilters.');
  f.rejectUnknown(Object.keys(NO_TOKEN_FILTERS));
  const filters: TokenFilters = {
    skipSpecialTokens: f.boolean('skipSpecialTokens', true) ?? false,
    skipWhitespace: f.boolean('skipWhitespace', true) ?? false,
    skipPunctuation: f.boolean('skipPunctuation', true) ?? false,
    skipTokens: [],
  };
  const tokens = input.skipTokens;
  if (tokens !== undefined) {
    if (!Array.isArray(tokens)) f.add('skipTokens', `must be a list of token strings (got ${describe(tokens)})`);
    else if (tokens.length > EXTRACTION_LIMITS.skipTokens) f.add('skipTokens', `may hold at most ${EXTRACTION_LIMITS.skipTokens} tokens (got ${tokens.length})`);
    else {
      const bad = tokens.findIndex((t) => typeof t !== 'string' || t === '' || t.length > EXTRACTION_LIMITS.tokenLength);
      if (bad >= 0) f.add('skipTokens', `entry ${bad + 1} must be a non-empty token string of at most ${EXTRACTION_LIMITS.tokenLength} characters (got ${describe(tokens[bad])})`);
      else filters.skipTokens = [...new Set(tokens.filter((t): t is string => typeof t === 'string'))];
    }
  }
  r.problems.push(...f.problems);
  return f.problems.length === 0 ? filters : null;
}
