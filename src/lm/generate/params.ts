// Generation settings as a user sets them on the Steering page, with defaults and checking. Every problem is
// reported against its field so a form can show it next to the input.

export interface GenerationParams {
  /** tokens to generate after the prompt (generation also ends at EOS, a stop sequence or the context length) */
  maxNewTokens: number;
  /** 0 is greedy decoding */
  temperature: number;
  /** keep only the k most likely tokens; 0 keeps all */
  topK: number;
  /** keep the smallest set of tokens whose probability reaches p; 1 keeps all */
  topP: number;
  /** > 1 discourages tokens already in the text (CTRL-style: positive logits divided, negative multiplied) */
  repetitionPenalty: number;
  /** sample i of a run draws from a generator seeded with seed + i, so variants of one sample share randomness */
  seed: number;
  /** generation ends before the first occurrence of any of these */
  stopSequences: string[];
  /** samples per variant */
  samples: number;
}

export const DEFAULT_GENERATION_PARAMS: Readonly<GenerationParams> = {
  maxNewTokens: 40,
  temperature: 0.7,
  topK: 50,
  topP: 0.95,
  repetitionPenalty: 1.1,
  seed: 42,
  stopSequences: [],
  samples: 1,
};

export const GENERATION_LIMITS = {
  maxNewTokens: { min: 1, max: 1024 },
  temperature: { min: 0, max: 5 },
  topK: { min: 0, max: 100_000 },
  topP: { min: 0.01, max: 1 },
  repetitionPenalty: { min: 1, max: 3 },
  samples: { min: 1, max: 8 },
  stopSequences: { max: 8, maxLength: 100 },
} as const;

export interface FieldProblem {
  field: string;
  message: string;
}

export class GenerationParamsError extends Error {
  override readonly name = 'GenerationParamsError';
  constructor(readonly problems: FieldProblem[]) {
    super(`Generation settings are not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fills defaults for absent fields and checks the rest; throws GenerationParamsError listing every problem. */
export function parseGenerationParams(input: unknown): GenerationParams {
  const raw = isRecord(input) ? input : {};
  const problems: FieldProblem[] = [];
  const number = (field: keyof typeof GENERATION_LIMITS & keyof GenerationParams, integer: boolean): number => {
    const value = raw[field] ?? DEFAULT_GENERATION_PARAMS[field];
    const { min, max } = GENERATION_LIMITS[field] as { min: number; max: number };
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      problems.push({ field, message: `must be ${integer ? 'a whole number' : 'a number'}` });
      return min;
    }
    if (value < min || value > max) problems.push({ field, message: `must be between ${min} and ${max}` });
    return value;
  };
  const maxNewTokens = number('maxNewTokens', true);
  const temperature = number('temperature', false);
  const topK = number('topK', true);
  const topP = number('topP', false);
  const repetitionPenalty = number('repetitionPenalty', false);
  const samples = number('samples', true);
  const seedValue = raw.seed ?? DEFAULT_GENERATION_PARAMS.seed;
  let seed = 0;
  if (typeof seedValue !== 'number' || !Number.isSafeInteger(seedValue) || seedValue < 0) problems.push({ field: 'seed', message: 'must be a whole number ≥ 0' });
  else seed = seedValue;

  const stopValue = raw.stopSequences ?? [];
  let stopSequences: string[] = [];
  if (!Array.isArray(stopValue) || !stopValue.every((s): s is string => typeof s === 'string')) {
    problems.push({ field: 'stopSequences', message: 'must be a list of texts' });
  } else {
    stopSequences = stopValue.filter((s) => s.length > 0);
    const limits = GENERATION_LIMITS.stopSequences;
    if (stopSequences.length > limits.max) problems.push({ field: 'stopSequences', message: `may hold at most ${limits.max} sequences` });
    if (stopSequences.some((s) => s.length > limits.maxLength)) problems.push({ field: 'stopSequences', message: `must each be at most ${limits.maxLength} characters` });
  }
  if (problems.length > 0) throw new GenerationParamsError(problems);
  return { maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopSequences, samples };
}

/** Stop sequences as typed in one text box: one per line, with \n and \t written as escapes. */
export function parseStopSequences(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\\n/g, '\n').replace(/\\t/g, '\t'))
    .filter((line) => line.length > 0);
}
