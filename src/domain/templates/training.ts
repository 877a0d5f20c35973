// Training templates: what a saved training set-up may hold, and its validation. A template is a starting
// point, not a full run: d_in may come from the activation source, d_sae from an expansion factor, and unset
// settings take validateSaeConfig's defaults when the training is created. Settings it does hold are checked
// with the same rules a training uses, plus the ones a file typed by hand needs (types, unknown keys).
import type { ActivationSourceSpec, TrainingTemplate } from '../entities';
import { ARCHITECTURES, ConfigError, validateSaeConfig, type Architecture, type SaeConfig } from '../../sae/config';
import { describe, FieldReader, isPlainObject, type FieldProblem, type PlainObject, type Validated } from './problems';

/** What a user chooses in a training template (everything but identity, flags and times). */
export type TrainingTemplateFields = Pick<TrainingTemplate, 'name' | 'description' | 'config' | 'batchSize' | 'expansionFactor' | 'source'>;

export const TRAINING_TEMPLATE_KEYS = ['name', 'description', 'config', 'batchSize', 'expansionFactor', 'source'] as const;

export const ARCHITECTURE_LABELS: Record<Architecture, string> = { relu: 'ReLU', topk: 'TopK', batchtopk: 'BatchTopK', jumprelu: 'JumpReLU' };

export const NAME_MAX_LENGTH = 120;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const MAX_BATCH_SIZE = 1 << 20;

/** Settings every architecture has. */
const COMMON_CONFIG_KEYS = [
  'architecture',
  'd_in',
  'd_sae',
  'apply_b_dec_to_input',
  'normalize_decoder',
  'lr',
  'adam_beta1',
  'adam_beta2',
  'adam_eps',
  'lr_warmup_steps',
  'lr_decay_steps',
  'total_steps',
  'grad_clip_norm',
  'dead_steps_threshold',
] as const satisfies readonly (keyof SaeConfig)[];

/** Settings that belong to one or more architectures only. */
export const ARCHITECTURE_CONFIG_KEYS: Record<Architecture, readonly (keyof SaeConfig)[]> = {
  relu: ['l1_coefficient', 'l1_warmup_steps'],
  topk: ['k', 'k_aux', 'aux_coefficient'],
  batchtopk: ['k', 'k_aux', 'aux_coefficient', 'threshold_momentum'],
  jumprelu: ['l0_coefficient', 'bandwidth', 'initial_threshold'],
};

const ALL_CONFIG_KEYS: readonly string[] = [...new Set([...COMMON_CONFIG_KEYS, ...Object.values(ARCHITECTURE_CONFIG_KEYS).flat()])];

export function isArchitecture(value: unknown): value is Architecture {
  return typeof value === 'string' && (ARCHITECTURES as readonly string[]).includes(value);
}

/** d_sae as the template fixes it: given, or d_in × expansion factor when both are known. */
export function templateDSae(t: Pick<TrainingTemplate, 'config' | 'expansionFactor'>): number | undefined {
  if (t.config.d_sae !== undefined) return t.config.d_sae;
  if (t.config.d_in !== undefined && t.expansionFactor !== undefined) return t.config.d_in * t.expansionFactor;
  return undefined;
}

/** Checks unknown input (a form or one entry of an imported file) as a training template. */
export function validateTrainingTemplate(input: unknown): Validated<TrainingTemplateFields> {
  if (!isPlainObject(input)) return { ok: false, problems: [{ field: '', message: `a template must be an object (got ${describe(input)})` }] };
  const r = new FieldReader(input);
  r.rejectUnknown(TRAINING_TEMPLATE_KEYS);
  const name = r.string('name', { maxLength: NAME_MAX_LENGTH, nonEmpty: true });
  const description = r.string('description', { optional: true, maxLength: DESCRIPTION_MAX_LENGTH }) ?? '';
  const batchSize = r.integer('batchSize', { min: 1, max: MAX_BATCH_SIZE });
  const expansionFactor = r.number('expansionFactor', { optional: true, min: 0, minExclusive: true, max: 1024 });
  const source = readSource(r);
  const configInput = r.object('config');
  if (!r.has('config')) r.add('config', 'is required');
  const config = configInput ? readConfig(configInput, r.problems) : undefined;

  if (config) {
    if (config.d_sae !== undefined && expansionFactor !== undefined) {
      r.add('expansionFactor', 'give either config.d_sae or an expansion factor, not both');
    }
    if (config.d_in !== undefined && expansionFactor !== undefined && !Number.isInteger(config.d_in * expansionFactor)) {
      r.add('expansionFactor', `d_in (${config.d_in}) × expansion factor (${expansionFactor}) must be a whole number of latents`);
    }
    if (source?.kind === 'synthetic' && config.d_in !== undefined && config.d_in !== source.dIn) {
      r.add('config.d_in', `must equal the synthetic source's d_in (${source.dIn}), or be left out`);
    }
    checkWithSaeRules(config, expansionFactor, source ?? undefined, r.problems);
  }

  if (r.problems.length > 0 || !config || source === null) return { ok: false, problems: r.problems };
  const value: TrainingTemplateFields = { name: name.trim(), description, config, batchSize };
  if (expansionFactor !== undefined) value.expansionFactor = expansionFactor;
  if (source !== undefined) value.source = source;
  return { ok: true, value };
}

/** The config's own checks: types, ranges, settings that belong to another architecture. */
function readConfig(input: PlainObject, problems: FieldProblem[]): Partial<SaeConfig> | undefined {
  const r = new FieldReader(input, 'config.');
  r.rejectUnknown(ALL_CONFIG_KEYS);
  const arch = input.architecture;
  if (arch === undefined) r.add('architecture', 'is required');
  else if (!isArchitecture(arch)) r.add('architecture', `must be one of ${ARCHITECTURES.join(', ')} (got ${describe(arch)})`);
  const config: Partial<SaeConfig> = {};
  const put = <K extends keyof SaeConfig>(key: K, value: SaeConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  if (isArchitecture(arch)) {
    config.architecture = arch;
    for (const key of Object.keys(input)) {
      const owners = ARCHITECTURES.filter((a) => ARCHITECTURE_CONFIG_KEYS[a].includes(key as keyof SaeConfig));
      if (owners.length > 0 && !owners.includes(arch)) {
        r.add(key, `is a ${owners.map((a) => ARCHITECTURE_LABELS[a]).join('/')} setting; remove it or choose that architecture`);
      }
    }
  }
  put('d_in', r.integer('d_in', { optional: true, min: 1, max: 1 << 16 }));
  put('d_sae', r.integer('d_sae', { optional: true, min: 1, max: 1 << 22 }));
  put('total_steps', r.integer('total_steps', { min: 1, max: 1e9 }));
  put('apply_b_dec_to_input', r.boolean('apply_b_dec_to_input', true));
  put('normalize_decoder', r.boolean('normalize_decoder', true));
  put('lr', r.number('lr', { optional: true, min: 0, minExclusive: true, max: 1 }));
  put('adam_beta1', r.number('adam_beta1', { optional: true, min: 0, max: 1, maxExclusive: true }));
  put('adam_beta2', r.number('adam_beta2', { optional: true, min: 0, max: 1, maxExclusive: true }));
  put('adam_eps', r.number('adam_eps', { optional: true, min: 0, minExclusive: true, max: 1 }));
  put('lr_warmup_steps', r.integer('lr_warmup_steps', { optional: true, min: 0 }));
  put('lr_decay_steps', r.integer('lr_decay_steps', { optional: true, min: 0 }));
  put('dead_steps_threshold', r.integer('dead_steps_threshold', { optional: true, min: 1 }));
  if (input.grad_clip_norm === null) config.grad_clip_norm = null;
  else put('grad_clip_norm', r.number('grad_clip_norm', { optional: true, min: 0, minExclusive: true }));
  put('l1_coefficient', r.number('l1_coefficient', { optional: true, min: 0 }));
  put('l1_warmup_steps', r.integer('l1_warmup_steps', { optional: true, min: 0 }));
  put('k', r.integer('k', { optional: true, min: 1 }));
  put('k_aux', r.integer('k_aux', { optional: true, min: 1 }));
  put('aux_coefficient', r.number('aux_coefficient', { optional: true, min: 0 }));
  put('threshold_momentum', r.number('threshold_momentum', { optional: true, min: 0, max: 1, maxExclusive: true }));
  put('l0_coefficient', r.number('l0_coefficient', { optional: true, min: 0 }));
  put('bandwidth', r.number('bandwidth', { optional: true, min: 0, minExclusive: true }));
  put('initial_threshold', r.number('initial_threshold', { optional: true, min: 0, minExclusive: true }));
  const { total_steps: total, lr_warmup_steps: warmup = 0, lr_decay_steps: decay = 0 } = config;
  if (total !== undefined && warmup + decay > total) {
    r.add('lr_decay_steps', `warm-up (${warmup}) and decay (${decay}) steps together exceed total_steps (${total})`);
  }
  problems.push(...r.problems);
  return r.problems.length === 0 ? config : undefined;
}

/**
 * Runs validateSaeConfig on the template as a training would see it, with stand-ins for the sizes a template
 * may leave open, so its rules (k ≤ d_sae, ...) apply here too. Its messages start with the field name.
 */
function checkWithSaeRules(
  config: Partial<SaeConfig>,
  expansionFactor: number | undefined,
  source: ActivationSourceSpec | undefined,
  problems: FieldProblem[],
): void {
  const dIn = config.d_in ?? (source?.kind === 'synthetic' ? source.dIn : undefined);
  const dSae = config.d_sae ?? (dIn !== undefined && expansionFactor !== undefined ? Math.round(dIn * expansionFactor) : Number.MAX_SAFE_INTEGER);
  try {
    validateSaeConfig({ ...config, d_in: dIn ?? 1, d_sae: dSae });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const body = err.message.replace(/^Invalid SAE config: /, '').replace(/\.$/, '');
    for (const message of body.split('; ')) {
      const key = /^[a-z_0-9]+/.exec(message)?.[0];
      const field = key && ALL_CONFIG_KEYS.includes(key) ? key : undefined;
      const problem = field ? { field: `config.${field}`, message: message.slice(field.length).trim() } : { field: 'config', message };
      // a field already wrong by the template's own checks is not reported twice
      if (!problems.some((p) => p.field === problem.field)) problems.push(problem);
    }
  }
}

/** The activation source, if any; null when it is present but wrong. */
function readSource(r: FieldReader): ActivationSourceSpec | undefined | null {
  const input = r.object('source');
  if (!r.has('source')) return undefined;
  if (!input) return null;
  const s = new FieldReader(input, 'source.');
  let source: ActivationSourceSpec | undefined;
  switch (input.kind) {
    case 'synthetic': {
      s.rejectUnknown(['kind', 'features', 'dIn', 'activeProb', 'seed']);
      const features = s.integer('features', { min: 1, max: 1 << 20 });
      const dIn = s.integer('dIn', { min: 1, max: 1 << 16 });
      const activeProb = s.number('activeProb', { min: 0, minExclusive: true, max: 1 });
      const seed = s.integer('seed', { min: 0, max: 2 ** 32 - 1 });
      source = { kind: 'synthetic', features, dIn, activeProb, seed };
      break;
    }
    case 'cache': {
      s.rejectUnknown(['kind', 'cacheId']);
      source = { kind: 'cache', cacheId: s.string('cacheId', { maxLength: 200, nonEmpty: true }) };
      break;
    }
    case 'model': {
      s.rejectUnknown(['kind', 'modelId', 'tokenizationId', 'hook']);
      const modelId = s.string('modelId', { maxLength: 200, nonEmpty: true });
      const tokenizationId = s.string('tokenizationId', { maxLength: 200, nonEmpty: true });
      const hook = s.string('hook', { maxLength: 500, nonEmpty: true });
      source = { kind: 'model', modelId, tokenizationId, hook };
      break;
    }
    default:
      s.add('kind', `must be one of synthetic, cache, model (got ${describe(input.kind)})`);
  }
  r.problems.push(...s.problems);
  return s.problems.length === 0 ? source : null;
}
