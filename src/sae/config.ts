// The SAE training configuration: keys and meaning follow ../shared/SAE_SPEC.md and the golden fixtures'
// `config` objects (snake_case on purpose, so a fixture's config is a valid SaeConfig as it stands).

export type Architecture = 'relu' | 'topk' | 'batchtopk' | 'jumprelu';
export const ARCHITECTURES: readonly Architecture[] = ['relu', 'topk', 'batchtopk', 'jumprelu'];

export interface SaeConfig {
  architecture: Architecture;
  d_in: number;
  d_sae: number;
  apply_b_dec_to_input: boolean;
  normalize_decoder: boolean;
  lr: number;
  adam_beta1: number;
  adam_beta2: number;
  adam_eps: number;
  lr_warmup_steps: number;
  lr_decay_steps: number;
  total_steps: number;
  grad_clip_norm: number | null;
  dead_steps_threshold: number;
  /** relu */
  l1_coefficient?: number;
  l1_warmup_steps?: number;
  /** topk, batchtopk */
  k?: number;
  k_aux?: number;
  aux_coefficient?: number;
  /** batchtopk */
  threshold_momentum?: number;
  /** jumprelu */
  l0_coefficient?: number;
  bandwidth?: number;
  initial_threshold?: number;
}

/** Per-step metrics, as SAE_SPEC.md "Metrics reported per step" names them. */
export interface StepMetrics {
  loss: number;
  mse: number;
  sparsity: number;
  aux: number;
  l0: number;
  explained_variance: number;
  dead_fraction: number;
  lr: number;
}

/** The trainable parameters, row-major Float32, shapes as in SAELens (see SAE_SPEC.md). */
export interface SaeParams {
  W_enc: Float32Array; // [d_in, d_sae]
  b_enc: Float32Array; // [d_sae]
  W_dec: Float32Array; // [d_sae, d_in]
  b_dec: Float32Array; // [d_in]
  log_threshold?: Float32Array; // [d_sae], jumprelu only
}

export type ParamName = keyof SaeParams;

export function paramShapes(cfg: Pick<SaeConfig, 'architecture' | 'd_in' | 'd_sae'>): Record<string, number[]> {
  const shapes: Record<string, number[]> = {
    W_enc: [cfg.d_in, cfg.d_sae],
    b_enc: [cfg.d_sae],
    W_dec: [cfg.d_sae, cfg.d_in],
    b_dec: [cfg.d_in],
  };
  if (cfg.architecture === 'jumprelu') shapes.log_threshold = [cfg.d_sae];
  return shapes;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks a config and returns it with defaults filled in; throws ConfigError with a readable message. */
export function validateSaeConfig(input: Partial<SaeConfig> & { architecture?: string }): SaeConfig {
  const problems: string[] = [];
  const arch = input.architecture;
  if (!arch || !(ARCHITECTURES as readonly string[]).includes(arch)) {
    problems.push(`architecture must be one of ${ARCHITECTURES.join(', ')} (got ${JSON.stringify(arch)})`);
  }
  const int = (name: keyof SaeConfig, min: number, from: Partial<SaeConfig> = input) => {
    const v = from[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) problems.push(`${name} must be an integer ≥ ${min}`);
  };
  const pos = (name: keyof SaeConfig, allowZero = false, from: Partial<SaeConfig> = input) => {
    const v = from[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
      problems.push(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
    }
  };
  int('d_in', 1);
  int('d_sae', 1);
  int('total_steps', 1);
  const cfg: SaeConfig = {
    apply_b_dec_to_input: true,
    normalize_decoder: arch !== 'relu',
    lr: 1e-3,
    adam_beta1: 0.9,
    adam_beta2: 0.999,
    adam_eps: 1e-8,
    lr_warmup_steps: 0,
    lr_decay_steps: 0,
    grad_clip_norm: null,
    dead_steps_threshold: 1000,
    ...input,
  } as SaeConfig;
  if (arch === 'relu') {
    cfg.l1_coefficient ??= 5;
    cfg.l1_warmup_steps ??= 0;
  }
  if (arch === 'topk' || arch === 'batchtopk') {
    cfg.k ??= 32;
    cfg.k_aux ??= Math.max(1, Math.floor(cfg.d_in / 2));
    cfg.aux_coefficient ??= 1 / 32;
    if (arch === 'batchtopk') cfg.threshold_momentum ??= 0.99;
  }
  if (arch === 'jumprelu') {
    cfg.l0_coefficient ??= 1;
    cfg.bandwidth ??= 0.001;
    cfg.initial_threshold ??= 0.001;
  }
  // Checked after defaults are filled in: leaving a field out means "use the default".
  pos('lr', false, cfg);
  int('lr_warmup_steps', 0, cfg);
  int('lr_decay_steps', 0, cfg);
  int('dead_steps_threshold', 1, cfg);
  if (cfg.adam_beta1 < 0 || cfg.adam_beta1 >= 1) problems.push('adam_beta1 must be in [0, 1)');
  if (cfg.adam_beta2 < 0 || cfg.adam_beta2 >= 1) problems.push('adam_beta2 must be in [0, 1)');
  if (!(cfg.adam_eps > 0)) problems.push('adam_eps must be positive');
  if (cfg.grad_clip_norm !== null && !(cfg.grad_clip_norm > 0)) problems.push('grad_clip_norm must be positive or null');
  if (arch === 'topk' || arch === 'batchtopk') {
    if (!Number.isInteger(cfg.k) || cfg.k! < 1 || cfg.k! > cfg.d_sae) problems.push(`k must be an integer in [1, d_sae=${cfg.d_sae}]`);
    if (!Number.isInteger(cfg.k_aux) || cfg.k_aux! < 1) problems.push('k_aux must be a positive integer');
  }
  if (arch === 'relu' && !(cfg.l1_coefficient! >= 0)) problems.push('l1_coefficient must be non-negative');
  if (arch === 'jumprelu') {
    if (!(cfg.bandwidth! > 0)) problems.push('bandwidth must be positive');
    if (!(cfg.initial_threshold! > 0)) problems.push('initial_threshold must be positive');
  }
  if (problems.length) throw new ConfigError(`Invalid SAE config: ${problems.join('; ')}.`);
  return cfg;
}
