// The Steering page's form as data: what the inputs hold (text, so half-typed numbers survive), how it
// becomes a generation or ablation request, and how a saved experiment or an earlier run refills it. Pure.
import { DEFAULT_GENERATION_PARAMS, parseStopSequences, type GenerationParams } from '../../lm/generate';
import { evenStrengths, parseStrengths, type SteeringMode } from '../../lm/steering/plan';
import type { AblationRequest, GenerationRequest } from '../../services/steering';

export interface FeatureEntry {
  index: number;
  coefficient: number;
  /** the feature's label, when it has one */
  label?: string;
}

export type GenerationFields = Record<keyof Omit<GenerationParams, 'stopSequences'>, string> & { stopSequences: string };

export interface SteeringForm {
  modelId: string;
  saeId: string;
  prompt: string;
  prependBos: boolean;
  mode: SteeringMode;
  features: FeatureEntry[];
  /** sweep strengths as typed ("−100, −50, 0, 50, 100") */
  strengths: string;
  generation: GenerationFields;
}

export function generationFields(params: Partial<GenerationParams> = {}): GenerationFields {
  const p = { ...DEFAULT_GENERATION_PARAMS, ...params };
  return {
    maxNewTokens: String(p.maxNewTokens),
    temperature: String(p.temperature),
    topK: String(p.topK),
    topP: String(p.topP),
    repetitionPenalty: String(p.repetitionPenalty),
    seed: String(p.seed),
    samples: String(p.samples),
    stopSequences: p.stopSequences.map((s) => s.replace(/\n/g, '\\n').replace(/\t/g, '\\t')).join('\n'),
  };
}

export function emptyForm(): SteeringForm {
  return { modelId: '', saeId: '', prompt: '', prependBos: false, mode: 'compare', features: [], strengths: evenStrengths(-100, 100, 5).join(', '), generation: generationFields() };
}

/** Text fields as numbers; text that is not a number passes through so validation names the field. */
function generationInput(fields: GenerationFields): Partial<GenerationParams> {
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(fields)) {
    if (key === 'stopSequences') continue;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const n = Number(trimmed);
    out[key] = Number.isFinite(n) ? n : trimmed;
  }
  out.stopSequences = parseStopSequences(fields.stopSequences);
  return out as Partial<GenerationParams>;
}

export function generationRequest(form: SteeringForm): GenerationRequest {
  const request: GenerationRequest = {
    modelId: form.modelId,
    saeId: form.saeId,
    prompt: form.prompt,
    prependBos: form.prependBos,
    mode: form.mode,
    features: form.features.map((f) => ({ index: f.index, coefficient: f.coefficient })),
    generation: generationInput(form.generation),
  };
  if (form.mode === 'sweep') request.strengths = parseStrengths(form.strengths);
  return request;
}

export interface AblationChoice {
  index: number;
  /** ablate: set to 0; clamp: set to `value` */
  action: 'ablate' | 'clamp';
  value: number;
}

export function ablationRequest(form: SteeringForm, choices: readonly AblationChoice[], keepError: boolean): AblationRequest {
  return {
    modelId: form.modelId,
    saeId: form.saeId,
    prompt: form.prompt,
    prependBos: form.prependBos,
    ablate: choices.filter((c) => c.action === 'ablate').map((c) => c.index),
    clamp: choices.filter((c) => c.action === 'clamp').map((c) => ({ index: c.index, value: c.value })),
    keepError,
  };
}

/** The form showing a request (from a saved experiment or an earlier run). */
export function formFromRequest(request: GenerationRequest, labels: ReadonlyMap<number, string> = new Map()): SteeringForm {
  return {
    modelId: request.modelId,
    saeId: request.saeId,
    prompt: request.prompt,
    prependBos: request.prependBos,
    mode: request.mode,
    features: request.features.map((f) => {
      const label = labels.get(f.index);
      return label ? { ...f, label } : { ...f };
    }),
    strengths: request.strengths ? request.strengths.join(', ') : emptyForm().strengths,
    generation: generationFields(request.generation),
  };
}

/** Features from a URL ("12,40:-80" = #12 at the default coefficient, #40 at −80). */
export function featuresFromQuery(text: string | undefined, defaultCoefficient = 50): FeatureEntry[] {
  if (!text) return [];
  const out: FeatureEntry[] = [];
  for (const part of text.split(',')) {
    const [index, coefficient] = part.split(':').map((s) => Number(s.trim()));
    if (!Number.isInteger(index) || index < 0 || out.some((f) => f.index === index)) continue;
    out.push({ index, coefficient: Number.isFinite(coefficient) ? coefficient : defaultCoefficient });
  }
  return out.slice(0, 4);
}
