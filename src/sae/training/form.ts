// The new-training form as plain data: every input's raw text, parsed and checked field by field into a
// TrainingSpec. Messages name the field and say what is allowed, so the page can show them beside it.
import type { ActivationSourceSpec, TrainingRecord, TrainingTemplate } from '../../domain/entities';
import { ARCHITECTURES, validateSaeConfig, type Architecture, type SaeConfig } from '../config';
import type { DecoderBiasInit } from '../init';
import { DEFAULT_KEEP_CHECKPOINTS } from './retention';
import { checkSource, widthMismatch, type SourceChoices } from './source-choices';
import { defaultMetricsEvery, defaultMmcsEvery, TrainingSpecError, validateTrainingSpec, type TrainingSpec } from './spec';

export type SourceKind = 'synthetic' | 'cache' | 'model';
export type SizeMode = 'd_sae' | 'expansion';
export type LengthMode = 'steps' | 'tokens';

export interface TrainingFormValues {
  name: string;
  sourceKind: SourceKind;
  /** synthetic source: true features, dimension, expected active features per sample */
  synthFeatures: string;
  dIn: string;
  synthActive: string;
  /** cached-activations source */
  cacheId: string;
  /** model + tokenized dataset + hook source */
  modelId: string;
  tokenizationId: string;
  hook: string;
  architecture: Architecture;
  sizeMode: SizeMode;
  dSae: string;
  expansion: string;
  k: string;
  kAux: string;
  auxCoefficient: string;
  thresholdMomentum: string;
  l1Coefficient: string;
  l1WarmupSteps: string;
  l0Coefficient: string;
  bandwidth: string;
  initialThreshold: string;
  lr: string;
  lrWarmupSteps: string;
  lrDecaySteps: string;
  batchSize: string;
  lengthMode: LengthMode;
  totalSteps: string;
  totalTokens: string;
  deadSteps: string;
  inputScaling: boolean;
  bDecInit: DecoderBiasInit;
  checkpointEvery: string;
  keepCheckpoints: string;
  seed: string;
  /** '' = no clipping */
  gradClip: string;
  adamBeta1: string;
  adamBeta2: string;
  normalizeDecoder: boolean;
  applyBDecToInput: boolean;
}

export type FormField = keyof TrainingFormValues;
export type FieldErrors = Partial<Record<FormField | 'form', string>>;

export type ParsedForm = { ok: true; spec: TrainingSpec } | { ok: false; errors: FieldErrors };

export function defaultFormValues(): TrainingFormValues {
  return {
    name: 'TopK SAE on toy superposition',
    sourceKind: 'synthetic',
    synthFeatures: '48',
    dIn: '16',
    synthActive: '3',
    cacheId: '',
    modelId: '',
    tokenizationId: '',
    hook: '',
    architecture: 'topk',
    sizeMode: 'd_sae',
    dSae: '96',
    expansion: '6',
    k: '3',
    kAux: '8',
    auxCoefficient: '0.03125',
    thresholdMomentum: '0.99',
    l1Coefficient: '5',
    l1WarmupSteps: '0',
    l0Coefficient: '1',
    bandwidth: '0.001',
    initialThreshold: '0.001',
    lr: '0.002',
    lrWarmupSteps: '0',
    lrDecaySteps: '1200',
    batchSize: '256',
    lengthMode: 'steps',
    totalSteps: '6000',
    totalTokens: String(6000 * 256),
    deadSteps: '500',
    inputScaling: false,
    bDecInit: 'zeros',
    checkpointEvery: '1000',
    keepCheckpoints: String(DEFAULT_KEEP_CHECKPOINTS),
    seed: '1',
    gradClip: '',
    adamBeta1: '0.9',
    adamBeta2: '0.999',
    normalizeDecoder: true,
    applyBDecToInput: true,
  };
}

const num = (v: number | undefined, fallback: string) => (v === undefined ? fallback : String(v));

/** The form filled from a saved config (a template or an earlier run); unknown parts keep their defaults. */
export function formValuesFromConfig(
  config: Partial<SaeConfig>,
  extra: { batchSize?: number; source?: TrainingRecord['source']; name?: string; expansionFactor?: number } = {},
): TrainingFormValues {
  const d = defaultFormValues();
  const v: TrainingFormValues = { ...d };
  if (extra.name) v.name = extra.name;
  if (config.architecture && (ARCHITECTURES as readonly string[]).includes(config.architecture)) v.architecture = config.architecture;
  v.dIn = num(config.d_in, d.dIn);
  v.dSae = num(config.d_sae, d.dSae);
  v.sizeMode = 'd_sae';
  if (config.d_in && config.d_sae && config.d_sae % config.d_in === 0) v.expansion = String(config.d_sae / config.d_in);
  // a template that leaves d_in to its source states the size as a multiple of it
  if (config.d_sae === undefined && extra.expansionFactor !== undefined) {
    v.sizeMode = 'expansion';
    v.expansion = String(extra.expansionFactor);
  }
  v.k = num(config.k, d.k);
  v.kAux = num(config.k_aux, d.kAux);
  v.auxCoefficient = num(config.aux_coefficient, d.auxCoefficient);
  v.thresholdMomentum = num(config.threshold_momentum, d.thresholdMomentum);
  v.l1Coefficient = num(config.l1_coefficient, d.l1Coefficient);
  v.l1WarmupSteps = num(config.l1_warmup_steps, d.l1WarmupSteps);
  v.l0Coefficient = num(config.l0_coefficient, d.l0Coefficient);
  v.bandwidth = num(config.bandwidth, d.bandwidth);
  v.initialThreshold = num(config.initial_threshold, d.initialThreshold);
  v.lr = num(config.lr, d.lr);
  v.lrWarmupSteps = num(config.lr_warmup_steps, d.lrWarmupSteps);
  v.lrDecaySteps = num(config.lr_decay_steps, d.lrDecaySteps);
  v.totalSteps = num(config.total_steps, d.totalSteps);
  v.deadSteps = num(config.dead_steps_threshold, d.deadSteps);
  v.gradClip = config.grad_clip_norm === undefined || config.grad_clip_norm === null ? '' : String(config.grad_clip_norm);
  v.adamBeta1 = num(config.adam_beta1, d.adamBeta1);
  v.adamBeta2 = num(config.adam_beta2, d.adamBeta2);
  v.normalizeDecoder = config.normalize_decoder ?? v.architecture !== 'relu';
  v.applyBDecToInput = config.apply_b_dec_to_input ?? true;
  if (extra.batchSize !== undefined) v.batchSize = String(extra.batchSize);
  v.lengthMode = 'steps';
  v.totalTokens = String(Number(v.totalSteps) * Number(v.batchSize));
  const src = extra.source;
  if (src?.kind === 'synthetic') {
    v.sourceKind = 'synthetic';
    v.synthFeatures = String(src.features);
    v.dIn = String(src.dIn);
    v.synthActive = String(round(src.activeProb * src.features));
    v.seed = String(src.seed);
  } else if (src?.kind === 'cache') {
    v.sourceKind = 'cache';
    v.cacheId = src.cacheId;
  } else if (src?.kind === 'model') {
    v.sourceKind = 'model';
    v.modelId = src.modelId;
    v.tokenizationId = src.tokenizationId;
    v.hook = src.hook;
  }
  if (v.sourceKind === 'synthetic' && config.d_in !== undefined && !src) v.synthFeatures = String(Math.max(config.d_in * 3, 1));
  return v;
}

export function formValuesFromTemplate(t: TrainingTemplate): TrainingFormValues {
  return formValuesFromConfig(t.config, {
    batchSize: t.batchSize,
    name: t.name,
    ...(t.source ? { source: t.source } : {}),
    ...(t.expansionFactor !== undefined ? { expansionFactor: t.expansionFactor } : {}),
  });
}

/** An earlier run's settings, to train again with changes. */
export function formValuesFromTraining(r: TrainingRecord): TrainingFormValues {
  const v = formValuesFromConfig(r.config, { batchSize: r.batchSize, source: r.source, name: `${r.name} (copy)` });
  v.seed = String(r.seed);
  v.checkpointEvery = String(r.checkpointEvery);
  v.keepCheckpoints = String(r.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS);
  v.inputScaling = r.inputScaling ?? false;
  v.bDecInit = r.bDecInit ?? 'zeros';
  return v;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** d_sae as the form states it (directly, or as expansion factor × d_in); NaN when unreadable. */
export function formDSae(v: TrainingFormValues): number {
  if (v.sizeMode === 'd_sae') return parseNumber(v.dSae);
  return parseNumber(v.expansion) * parseNumber(v.dIn);
}

/** Total steps as the form states them (directly, or tokens ÷ batch size, rounded up). */
export function formTotalSteps(v: TrainingFormValues): number {
  if (v.lengthMode === 'steps') return parseNumber(v.totalSteps);
  return Math.ceil(parseNumber(v.totalTokens) / parseNumber(v.batchSize));
}

/** A number from an input's text: '' and anything partial are NaN (Number('') would be 0). */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number.NaN;
  return Number(t);
}

/** The source the form describes (synthetic parameters are filled in by parseTrainingForm). */
export function formSource(v: TrainingFormValues): Exclude<ActivationSourceSpec, { kind: 'synthetic' }> | undefined {
  if (v.sourceKind === 'cache') return { kind: 'cache', cacheId: v.cacheId };
  if (v.sourceKind === 'model') return { kind: 'model', modelId: v.modelId, tokenizationId: v.tokenizationId, hook: v.hook };
  return undefined;
}

/**
 * Parses and checks the form. `choices` (the caches and models that exist) lets a cache or model source be
 * checked here too — ready, complete and as wide as d_in; without it only the choice itself is required.
 */
export function parseTrainingForm(v: TrainingFormValues, choices?: SourceChoices): ParsedForm {
  const errors: FieldErrors = {};
  const arch = v.architecture;
  const sparse = arch === 'topk' || arch === 'batchtopk';
  const int = (field: FormField, text: string, min: number, what: string): number => {
    const x = parseNumber(text);
    if (!Number.isInteger(x) || x < min) errors[field] = `${what} must be a whole number ≥ ${min}.`;
    return x;
  };
  const real = (field: FormField, text: string, what: string, opts: { min?: number; exclusiveMin?: boolean; max?: number; exclusiveMax?: boolean } = {}): number => {
    const x = parseNumber(text);
    const { min = 0, exclusiveMin = false, max = Infinity, exclusiveMax = false } = opts;
    const low = exclusiveMin ? x > min : x >= min;
    const high = exclusiveMax ? x < max : x <= max;
    if (!Number.isFinite(x) || !low || !high) {
      const range = max === Infinity ? `${exclusiveMin ? '>' : '≥'} ${min}` : `in ${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`;
      errors[field] = `${what} must be a number ${range}.`;
    }
    return x;
  };

  if (v.name.trim() === '') errors.name = 'Give the run a name.';
  const dIn = int('dIn', v.dIn, 1, 'd_in');
  const realSource = formSource(v);
  let features = 0;
  let active = 0;
  if (!realSource) {
    features = int('synthFeatures', v.synthFeatures, 1, 'The number of true features');
    active = real('synthActive', v.synthActive, 'The expected number of active features', { min: 0, exclusiveMin: true });
    if (!errors.synthActive && !errors.synthFeatures && active > features) errors.synthActive = `At most all ${features} features can be active.`;
  } else if (choices) {
    const check = checkSource(realSource, choices);
    if (!check.ok) errors[check.field] = check.message;
    else if (!errors.dIn && check.dIn !== dIn) errors.dIn = widthMismatch(realSource, check.dIn, dIn);
  } else if (realSource.kind === 'cache' && realSource.cacheId === '') errors.cacheId = 'Choose an activation cache.';
  else if (realSource.kind === 'model') {
    if (realSource.modelId === '') errors.modelId = 'Choose a model.';
    else if (realSource.tokenizationId === '') errors.tokenizationId = 'Choose a tokenized dataset.';
    else if (realSource.hook === '') errors.hook = 'Choose a hook point.';
  }

  let dSae: number;
  if (v.sizeMode === 'd_sae') dSae = int('dSae', v.dSae, 1, 'd_sae');
  else {
    const e = real('expansion', v.expansion, 'The expansion factor', { min: 0, exclusiveMin: true });
    dSae = e * dIn;
    if (!errors.expansion && !errors.dIn && (!Number.isInteger(dSae) || dSae < 1)) errors.expansion = `Expansion × d_in must be a whole number (got ${dSae}).`;
  }
  const batchSize = int('batchSize', v.batchSize, 1, 'The batch size');
  let totalSteps: number;
  if (v.lengthMode === 'steps') totalSteps = int('totalSteps', v.totalSteps, 1, 'The number of steps');
  else {
    const tokens = int('totalTokens', v.totalTokens, 1, 'The number of tokens');
    totalSteps = Math.ceil(tokens / batchSize);
  }
  const config: Partial<SaeConfig> = {
    architecture: arch,
    d_in: dIn,
    d_sae: dSae,
    lr: real('lr', v.lr, 'The learning rate', { min: 0, exclusiveMin: true }),
    lr_warmup_steps: int('lrWarmupSteps', v.lrWarmupSteps, 0, 'Warm-up steps'),
    lr_decay_steps: int('lrDecaySteps', v.lrDecaySteps, 0, 'Decay steps'),
    total_steps: totalSteps,
    dead_steps_threshold: int('deadSteps', v.deadSteps, 1, 'The dead-latent window'),
    adam_beta1: real('adamBeta1', v.adamBeta1, 'Adam β1', { min: 0, max: 1, exclusiveMax: true }),
    adam_beta2: real('adamBeta2', v.adamBeta2, 'Adam β2', { min: 0, max: 1, exclusiveMax: true }),
    grad_clip_norm: v.gradClip.trim() === '' ? null : real('gradClip', v.gradClip, 'The gradient clipping norm', { min: 0, exclusiveMin: true }),
    normalize_decoder: v.normalizeDecoder,
    apply_b_dec_to_input: v.applyBDecToInput,
  };
  if (Number.isInteger(totalSteps) && totalSteps >= 1) {
    if (config.lr_warmup_steps! > totalSteps) errors.lrWarmupSteps = `Warm-up (${config.lr_warmup_steps}) cannot be longer than the run (${totalSteps} steps).`;
    if (config.lr_decay_steps! > totalSteps) errors.lrDecaySteps = `Decay (${config.lr_decay_steps}) cannot be longer than the run (${totalSteps} steps).`;
  }
  if (sparse) {
    config.k = int('k', v.k, 1, 'k');
    if (!errors.k && Number.isInteger(dSae) && config.k! > dSae) errors.k = `k must be at most d_sae (${dSae}).`;
    config.k_aux = int('kAux', v.kAux, 1, 'k_aux');
    config.aux_coefficient = real('auxCoefficient', v.auxCoefficient, 'The aux coefficient');
    if (arch === 'batchtopk') config.threshold_momentum = real('thresholdMomentum', v.thresholdMomentum, 'The threshold momentum', { min: 0, max: 1, exclusiveMax: true });
  }
  if (arch === 'relu') {
    config.l1_coefficient = real('l1Coefficient', v.l1Coefficient, 'The L1 coefficient');
    config.l1_warmup_steps = int('l1WarmupSteps', v.l1WarmupSteps, 0, 'L1 warm-up steps');
  }
  if (arch === 'jumprelu') {
    config.l0_coefficient = real('l0Coefficient', v.l0Coefficient, 'The L0 coefficient');
    config.bandwidth = real('bandwidth', v.bandwidth, 'The bandwidth', { min: 0, exclusiveMin: true });
    config.initial_threshold = real('initialThreshold', v.initialThreshold, 'The initial threshold', { min: 0, exclusiveMin: true });
  }
  const checkpointEvery = int('checkpointEvery', v.checkpointEvery, 1, 'The checkpoint interval');
  const keepCheckpoints = int('keepCheckpoints', v.keepCheckpoints, 1, 'Checkpoints kept');
  const seed = int('seed', v.seed, 0, 'The seed');
  if (!errors.seed && seed > 2 ** 32 - 1) errors.seed = 'The seed must be below 2³².';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // the SAE config's own rules (a backstop: the field checks above catch nearly everything first)
  try {
    validateSaeConfig(config);
  } catch (e) {
    return { ok: false, errors: { form: e instanceof Error ? e.message : String(e) } };
  }
  const metricsEvery = defaultMetricsEvery(totalSteps);
  try {
    const spec = validateTrainingSpec({
      name: v.name,
      config,
      batchSize,
      seed,
      source: realSource ?? { kind: 'synthetic', features, dIn, activeProb: Math.min(1, active / features), seed },
      checkpointEvery,
      keepCheckpoints,
      inputScaling: v.inputScaling,
      bDecInit: v.bDecInit,
      metricsEvery,
      mmcsEvery: defaultMmcsEvery(totalSteps, metricsEvery),
    });
    return { ok: true, spec };
  } catch (e) {
    if (e instanceof TrainingSpecError) return { ok: false, errors: { form: e.message } };
    throw e;
  }
}


const SOURCE_FIELDS: readonly FormField[] = ['sourceKind', 'cacheId', 'modelId', 'tokenizationId', 'hook'];

/**
 * The form after the user changed `field`: choosing a cache or model fills in what follows from it — the first
 * ready cache or tokenization when none is chosen, no hook that the new model lacks, and d_in = the source's width.
 */
export function withSourceChoice(v: TrainingFormValues, field: FormField, choices: SourceChoices | undefined): TrainingFormValues {
  if (!choices || !SOURCE_FIELDS.includes(field)) return v;
  const next = { ...v };
  if (next.sourceKind === 'cache') {
    if (!choices.caches.some((c) => c.id === next.cacheId)) next.cacheId = choices.caches.find((c) => c.status === 'ready')?.id ?? '';
    const cache = choices.caches.find((c) => c.id === next.cacheId);
    if (cache) next.dIn = String(cache.dIn);
  } else if (next.sourceKind === 'model') {
    if (!choices.models.some((m) => m.id === next.modelId)) next.modelId = choices.models.find((m) => m.status === 'ready')?.id ?? '';
    const model = choices.models.find((m) => m.id === next.modelId);
    if (model && !model.tokenizations.some((t) => t.id === next.tokenizationId)) next.tokenizationId = model.tokenizations.find((t) => t.status === 'ready')?.id ?? '';
    if (!model?.hooks?.includes(next.hook)) next.hook = '';
    if (model?.dModel !== undefined) next.dIn = String(model.dModel);
  }
  return next;
}
