// A model split at a hook (splitAtHook) and run in two halves, so the activation there can be replaced: by an
// SAE's reconstruction, by zeros, by an edited activation. Also the SAE splice graph's session.
import type { ModelProto } from '../graph/onnx-proto';
import { splitAtHook, type SplitModel } from '../graph/split';
import type { OrtTensor } from '../runner/lm-session';
import { buildSaeSpliceModel, SPLICE_IO, type SaeSpliceOptions, type SpliceSae } from './sae-graph';
import { floatValues, logitsOutput, tokenFeeds, type InferenceSession, type SessionFactory, type TokenRows } from './ort-sessions';

/** What the prefix computed for some token rows: the hook activation and what the suffix needs besides it. */
export interface PrefixRun {
  rows: TokenRows;
  /** [batch, seq, width] */
  hook: OrtTensor;
  carried: Record<string, OrtTensor>;
}

export interface Logits {
  /** [batch, seq, vocab] */
  values: Float32Array;
  vocab: number;
}

export class SplicedLm {
  private constructor(
    private readonly factory: SessionFactory,
    private readonly split: SplitModel,
    private readonly prefixSession: InferenceSession,
    private readonly suffixSession: InferenceSession,
  ) {}

  static async create(factory: SessionFactory, model: ModelProto, hookTensor: string): Promise<SplicedLm> {
    const split = splitAtHook(model, hookTensor);
    const prefix = await factory.create(split.prefix, true);
    const suffix = await factory.create(split.suffix, true);
    return new SplicedLm(factory, split, prefix, suffix);
  }

  /** The hook activation's element type ('float32' or 'float16'). */
  get hookType(): string {
    const meta = this.prefixSession.outputMetadata.find((m) => m.name === this.split.hookTensor);
    return meta?.isTensor ? meta.type : 'float32';
  }

  async prefix(rows: TokenRows): Promise<PrefixRun> {
    const feeds = tokenFeeds(this.factory.ort, this.prefixSession.inputMetadata, this.split.prefixInputs, rows);
    const out = await this.prefixSession.run(feeds, [this.split.hookTensor, ...this.split.carried]);
    const carried: Record<string, OrtTensor> = {};
    for (const name of this.split.carried) carried[name] = out[name];
    return { rows, hook: out[this.split.hookTensor], carried };
  }

  /** Logits with `activation` in place of the hook activation (the prefix's own: the clean model). */
  async suffix(run: PrefixRun, activation: OrtTensor = run.hook): Promise<Logits> {
    const feeds = tokenFeeds(this.factory.ort, this.suffixSession.inputMetadata, this.split.suffixInputs, run.rows);
    feeds[this.split.hookTensor] = activation;
    Object.assign(feeds, run.carried);
    const name = logitsOutput(this.split.suffixOutputs);
    const out = await this.suffixSession.run(feeds, [name]);
    return { values: await floatValues(out[name]), vocab: out[name].dims[out[name].dims.length - 1] };
  }

  /** Zeros shaped like the hook activation: splicing them is zero-ablation of the hook. */
  zeros(run: PrefixRun): OrtTensor {
    const { Tensor } = this.factory.ort;
    const size = run.hook.dims.reduce((a, b) => a * b, 1);
    return run.hook.type === 'float16' ? new Tensor('float16', new Uint16Array(size), run.hook.dims) : new Tensor('float32', new Float32Array(size), run.hook.dims);
  }

  async release(): Promise<void> {
    await this.prefixSession.release();
    await this.suffixSession.release();
  }
}

export interface SpliceRun {
  /** what the suffix should read instead of the hook activation */
  activation: OrtTensor;
  /** active latents per position [batch, seq] (with stats) */
  l0?: Float32Array;
  /** positions (mask 1) where each latent fired [d_sae] (with stats) */
  fires?: Float32Array;
}

export class SaeSplice {
  private constructor(
    private readonly factory: SessionFactory,
    private readonly session: InferenceSession,
    private readonly stats: boolean,
  ) {}

  /** `hookType`: the activation's element type (SplicedLm.hookType). */
  static async create(factory: SessionFactory, sae: SpliceSae, options: Omit<SaeSpliceOptions, 'elemType'>, hookType = 'float32'): Promise<SaeSplice> {
    const elemType = hookType === 'float16' ? 10 : 1;
    const session = await factory.create(buildSaeSpliceModel(sae, { ...options, elemType }));
    return new SaeSplice(factory, session, options.stats === true);
  }

  /** `mask` [batch, seq] (1 for positions whose statistics count) is needed with stats. */
  async run(activation: OrtTensor, mask?: Float32Array): Promise<SpliceRun> {
    const feeds: Record<string, OrtTensor> = { [SPLICE_IO.input]: activation };
    if (this.stats) {
      const [batch, seq] = activation.dims;
      feeds[SPLICE_IO.mask] = new this.factory.ort.Tensor('float32', mask ?? new Float32Array(batch * seq).fill(1), [batch, seq]);
    }
    const out = await this.session.run(feeds);
    const result: SpliceRun = { activation: out[SPLICE_IO.output] };
    if (this.stats) {
      result.l0 = await floatValues(out[SPLICE_IO.l0]);
      result.fires = await floatValues(out[SPLICE_IO.fires]);
    }
    return result;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
