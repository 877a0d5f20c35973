// A training template as a SAELens (v6) training run: the LanguageModelSAERunnerConfig as a Python script
// and as JSON (LanguageModelSAERunnerConfig.from_dict reads it), so a run designed in the studio can be
// repeated at scale on a GPU server. Field names follow SAELens v6: the architecture's training config
// class (StandardTrainingSAEConfig, TopKTrainingSAEConfig, BatchTopKTrainingSAEConfig,
// JumpReLUTrainingSAEConfig) nested as `sae`, the runner fields around it, and a LoggingConfig.
// What SAELens cannot express is listed in `warnings` (and as comments in the script), never dropped
// silently.
import type { TrainingTemplate } from '../domain/entities';
import { ConfigError, validateSaeConfig, type Architecture, type SaeConfig } from '../sae/config';
import { APP_NAME, APP_VERSION } from './app-version';
import { describeError, InteropError } from './errors';

export interface SaeLensTrainingInput {
  template: Pick<TrainingTemplate, 'name' | 'config' | 'batchSize' | 'expansionFactor'>;
  /** the model as SAELens (TransformerLens) names it, e.g. "gpt2" */
  modelName: string;
  /** TransformerLens hook name, e.g. "blocks.8.hook_resid_pre" */
  hookName: string;
  /** Hugging Face dataset path, e.g. "monology/pile-uncopyrighted" */
  datasetPath: string;
  contextSize: number;
  /** the hook's width when the template leaves d_in to the model */
  dIn?: number;
  /** the dataset holds token ids already (default false: text) */
  isDatasetTokenized?: boolean;
  prependBos?: boolean;
  /** train on activations scaled to E‖x‖ = √d_in (SAELens: normalize_activations "expected_average_only_in") */
  inputScaling?: boolean;
  seed?: number;
  device?: string;
}

type FieldType = 'int' | 'float' | 'str' | 'bool';
type Value = number | string | boolean;

interface Field {
  name: string;
  type: FieldType;
  value: Value;
}

export interface SaeLensTrainingConfig {
  /** the SAELens config class of the SAE, e.g. "TopKTrainingSAEConfig" */
  saeClass: string;
  /** LanguageModelSAERunnerConfig.to_dict()-style object: runner fields, `sae` and `logger` */
  json: Record<string, unknown>;
  /** `json` as text */
  jsonText: string;
  /** a Python script that builds the config and runs the training */
  python: string;
  /** a file name for the script, e.g. "train_topk_32.py" */
  scriptName: string;
  /** settings of the template SAELens has no place for, or treats differently */
  warnings: string[];
}

const SAE_CLASSES: Record<Architecture, { cls: string; arch: string }> = {
  relu: { cls: 'StandardTrainingSAEConfig', arch: 'standard' },
  topk: { cls: 'TopKTrainingSAEConfig', arch: 'topk' },
  batchtopk: { cls: 'BatchTopKTrainingSAEConfig', arch: 'batchtopk' },
  jumprelu: { cls: 'JumpReLUTrainingSAEConfig', arch: 'jumprelu' },
};

function invalid(message: string): InteropError {
  return new InteropError('invalid-option', message, 'Fix the template or the run settings, then generate the config again.');
}

function text(name: string, v: string): string {
  const t = v.trim();
  if (!t) throw invalid(`The ${name} is empty.`);
  if ([...t].some((c) => c.charCodeAt(0) < 0x20)) throw invalid(`The ${name} contains control characters.`);
  return t;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw invalid(`The ${name} must be a whole number ≥ 1 (got ${v}).`);
  return v;
}

/** A name usable in a file name and a run name. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'sae';
}

function resolveConfig(input: SaeLensTrainingInput): SaeConfig {
  const { template } = input;
  const cfgIn = template.config.d_in;
  if (input.dIn !== undefined) positiveInt('hook width (d_in)', input.dIn);
  if (cfgIn !== undefined && input.dIn !== undefined && cfgIn !== input.dIn) {
    throw new InteropError('wrong-dims', `The template is for d_in = ${cfgIn}, but the hook ${input.hookName} has width ${input.dIn}.`, 'Choose a template for this model, or leave d_in out of the template.');
  }
  const dIn = cfgIn ?? input.dIn;
  if (dIn === undefined) throw invalid('The template leaves d_in to the model; give the hook\'s width.');
  let dSae = template.config.d_sae;
  if (dSae === undefined) {
    if (template.expansionFactor === undefined) throw invalid('The template sets neither d_sae nor an expansion factor.');
    dSae = Math.round(template.expansionFactor * dIn);
  }
  if (template.config.total_steps === undefined) throw invalid('The template sets no total_steps, so the number of training tokens is unknown.');
  try {
    return validateSaeConfig({ ...template.config, d_in: dIn, d_sae: dSae });
  } catch (e) {
    if (e instanceof ConfigError) throw invalid(describeError(e));
    throw e;
  }
}

function saeFields(cfg: SaeConfig, input: SaeLensTrainingInput, warnings: string[]): Field[] {
  const fields: Field[] = [
    { name: 'd_in', type: 'int', value: cfg.d_in },
    { name: 'd_sae', type: 'int', value: cfg.d_sae },
    { name: 'apply_b_dec_to_input', type: 'bool', value: cfg.apply_b_dec_to_input },
    { name: 'normalize_activations', type: 'str', value: input.inputScaling ? 'expected_average_only_in' : 'none' },
    // our initial decoder rows have unit norm when the decoder is kept normalised, else norm 0.1
    { name: 'decoder_init_norm', type: 'float', value: cfg.normalize_decoder ? 1 : 0.1 },
  ];
  switch (cfg.architecture) {
    case 'relu':
      fields.push(
        { name: 'l1_coefficient', type: 'float', value: cfg.l1_coefficient! },
        { name: 'l1_warm_up_steps', type: 'int', value: cfg.l1_warmup_steps! },
        { name: 'lp_norm', type: 'float', value: 1 },
      );
      if (cfg.normalize_decoder) warnings.push('normalize_decoder: SAELens\' standard SAE does not renormalise decoder rows; it scales the L1 penalty by their norms instead.');
      break;
    case 'topk':
    case 'batchtopk':
      fields.push(
        { name: 'k', type: cfg.architecture === 'batchtopk' ? 'float' : 'int', value: cfg.k! },
        { name: 'aux_loss_coefficient', type: 'float', value: cfg.aux_coefficient! },
        // selecting on pre·‖W_dec_j‖ is SAELens' way of making decoder norms not matter, as our unit rows do
        { name: 'rescale_acts_by_decoder_norm', type: 'bool', value: cfg.normalize_decoder },
      );
      // SAELens' θ ← (1 − lr)·θ + lr·min is our θ ← m·θ + (1 − m)·min; rounded so 1 − 0.99 reads 0.01
      if (cfg.architecture === 'batchtopk') fields.push({ name: 'topk_threshold_lr', type: 'float', value: Number((1 - cfg.threshold_momentum!).toPrecision(12)) });
      if (cfg.k_aux !== Math.floor(cfg.d_in / 2)) warnings.push(`k_aux = ${cfg.k_aux}: SAELens always uses d_in / 2 = ${Math.floor(cfg.d_in / 2)} dead latents in the auxiliary loss.`);
      break;
    case 'jumprelu':
      fields.push(
        { name: 'jumprelu_init_threshold', type: 'float', value: cfg.initial_threshold! },
        { name: 'jumprelu_bandwidth', type: 'float', value: cfg.bandwidth! },
        { name: 'l0_coefficient', type: 'float', value: cfg.l0_coefficient! },
        { name: 'l0_warm_up_steps', type: 'int', value: 0 },
      );
      if (cfg.normalize_decoder) warnings.push('normalize_decoder: SAELens\' JumpReLU SAE does not renormalise decoder rows during training.');
      break;
  }
  return fields;
}

function runnerFields(cfg: SaeConfig, input: SaeLensTrainingInput, batchSize: number, runSlug: string): Field[] {
  const trainingTokens = cfg.total_steps * batchSize;
  if (!Number.isSafeInteger(trainingTokens)) throw invalid('total_steps × batch size is too large.');
  return [
    { name: 'model_name', type: 'str', value: text('model name', input.modelName) },
    { name: 'hook_name', type: 'str', value: text('hook name', input.hookName) },
    { name: 'dataset_path', type: 'str', value: text('dataset path', input.datasetPath) },
    { name: 'is_dataset_tokenized', type: 'bool', value: input.isDatasetTokenized ?? false },
    { name: 'streaming', type: 'bool', value: true },
    { name: 'context_size', type: 'int', value: positiveInt('context size', input.contextSize) },
    { name: 'prepend_bos', type: 'bool', value: input.prependBos ?? true },
    { name: 'training_tokens', type: 'int', value: trainingTokens },
    { name: 'train_batch_size_tokens', type: 'int', value: batchSize },
    { name: 'lr', type: 'float', value: cfg.lr },
    { name: 'adam_beta1', type: 'float', value: cfg.adam_beta1 },
    { name: 'adam_beta2', type: 'float', value: cfg.adam_beta2 },
    // "constant" with warm-up and decay: linear up over the first steps, linear down to 0 over the last,
    // as our schedule does
    { name: 'lr_scheduler_name', type: 'str', value: 'constant' },
    { name: 'lr_warm_up_steps', type: 'int', value: cfg.lr_warmup_steps },
    { name: 'lr_decay_steps', type: 'int', value: cfg.lr_decay_steps },
    { name: 'dead_feature_window', type: 'int', value: cfg.dead_steps_threshold },
    { name: 'feature_sampling_window', type: 'int', value: Math.max(2000, cfg.dead_steps_threshold) },
    { name: 'seed', type: 'int', value: Math.trunc(input.seed ?? 42) },
    { name: 'device', type: 'str', value: text('device', input.device ?? 'cuda') },
    { name: 'dtype', type: 'str', value: 'float32' },
    { name: 'n_checkpoints', type: 'int', value: 0 },
    { name: 'output_path', type: 'str', value: `output/${runSlug}` },
  ];
}

function pyValue(f: Field): string {
  switch (f.type) {
    case 'bool':
      return f.value ? 'True' : 'False';
    case 'str':
      // a JSON string literal is a valid Python string literal
      return JSON.stringify(f.value);
    case 'int':
      return String(f.value);
    case 'float': {
      const v = f.value as number;
      return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
    }
  }
}

function pyArgs(fields: readonly Field[], indent: string): string {
  return fields.map((f) => `${indent}${f.name}=${pyValue(f)},`).join('\n');
}

function toJson(fields: readonly Field[]): Record<string, Value> {
  return Object.fromEntries(fields.map((f) => [f.name, f.value]));
}

/** Generates the SAELens training config for a template, model, hook and dataset. */
export function saeLensTrainingConfig(input: SaeLensTrainingInput): SaeLensTrainingConfig {
  const cfg = resolveConfig(input);
  const batchSize = positiveInt('batch size', input.template.batchSize);
  const warnings: string[] = [];
  const runSlug = slug(input.template.name);
  const { cls, arch } = SAE_CLASSES[cfg.architecture];
  const sae = saeFields(cfg, input, warnings);
  const runner = runnerFields(cfg, input, batchSize, runSlug);
  if (cfg.grad_clip_norm !== null) warnings.push(`grad_clip_norm = ${cfg.grad_clip_norm}: SAELens' runner config has no setting for gradient clipping.`);
  if (cfg.adam_eps !== 1e-8) warnings.push(`adam_eps = ${cfg.adam_eps}: SAELens' runner config has no setting for it (PyTorch's default is 1e-8).`);
  const runName = `${runSlug}-${arch}-${cfg.d_sae}`;

  const json: Record<string, unknown> = {
    sae: { architecture: arch, ...toJson(sae) },
    ...toJson(runner),
    logger: { log_to_wandb: false, run_name: runName },
  };
  const title = input.template.name.replace(/\s+/g, ' ').trim() || 'untitled';
  const lines = [
    `# SAELens training run for the miStudio template "${title}", generated by ${APP_NAME} ${APP_VERSION}.`,
    '# Field names follow SAELens v6. Run it on a machine with a GPU:',
    '#   pip install "sae-lens>=6"',
    `#   python train_${runSlug}.py`,
    ...(warnings.length ? ['#', '# Not carried over exactly:', ...warnings.map((w) => `#   - ${w}`)] : []),
    'from sae_lens import (',
    `    ${cls},`,
    '    LanguageModelSAERunnerConfig,',
    '    LanguageModelSAETrainingRunner,',
    '    LoggingConfig,',
    ')',
    '',
    'cfg = LanguageModelSAERunnerConfig(',
    `    sae=${cls}(`,
    pyArgs(sae, '        '),
    '    ),',
    pyArgs(runner, '    '),
    '    logger=LoggingConfig(',
    '        log_to_wandb=False,',
    `        run_name=${JSON.stringify(runName)},`,
    '    ),',
    ')',
    '',
    'if __name__ == "__main__":',
    '    sae = LanguageModelSAETrainingRunner(cfg).run()',
    '',
  ];
  return { saeClass: cls, json, jsonText: `${JSON.stringify(json, null, 2)}\n`, python: lines.join('\n'), scriptName: `train_${runSlug}.py`, warnings };
}
