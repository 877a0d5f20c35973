// A language model with a steering input at one hook (injectAdd): the vector is added to the activation at
// every position. It answers "logits of the next token" for the generation loop, through the model's KV
// cache when the export has one (feeding only the new tokens) and by running the whole sequence otherwise.
import type { NextTokenLogits } from '../generate/generate';
import { injectAdd } from '../graph/inject';
import type { ModelProto } from '../graph/onnx-proto';
import type { OrtTensor } from '../runner/lm-session';
import { floatTensor, floatValues, logitsOutput, tokenFeeds, type InferenceSession, type SessionFactory } from './ort-sessions';
import { SteeringError } from './steering-vector';

const PAST_PREFIX = 'past_key_values';
const PRESENT_PREFIX = 'present';

export class SteeredLm implements NextTokenLogits {
  private steer: OrtTensor;
  private cache: { ids: number[]; past: Map<string, OrtTensor> } | null = null;

  private constructor(
    private readonly factory: SessionFactory,
    private readonly session: InferenceSession,
    private readonly steerInput: string,
    private readonly steerType: string,
    /** past input → present output, when the export has a usable KV cache */
    private readonly presentOf: Map<string, string> | null,
    readonly width: number,
  ) {
    this.steer = floatTensor(factory.ort, steerType, new Float32Array(width), [width]);
  }

  /** `width` is the activation's last dimension (the SAE's d_in). */
  static async create(factory: SessionFactory, model: ModelProto, hookTensor: string, width: number): Promise<SteeredLm> {
    const { model: bytes, inputName } = injectAdd(model, hookTensor);
    const session = await factory.create(bytes, true);
    const meta = session.inputMetadata.find((m) => m.name === inputName);
    const steerType = meta?.isTensor ? meta.type : 'float32';
    if (steerType !== 'float32' && steerType !== 'float16') throw new SteeringError(`The activation at this hook is ${steerType}, so it cannot be steered.`);
    const pastInputs = session.inputNames.filter((n) => n.startsWith(PAST_PREFIX));
    const presentOf = new Map(pastInputs.map((n) => [n, PRESENT_PREFIX + n.slice(PAST_PREFIX.length)]));
    const cached = pastInputs.length > 0 && [...presentOf.values()].every((n) => session.outputNames.includes(n));
    return new SteeredLm(factory, session, inputName, steerType, cached ? presentOf : null, width);
  }

  get usesKvCache(): boolean {
    return this.presentOf !== null;
  }

  /** The vector added at the hook ([width]); null for none. Clears the cache (it holds steered keys and values). */
  setSteering(vector: Float32Array | null): void {
    if (vector && vector.length !== this.width) throw new SteeringError(`A steering vector for this hook has ${this.width} values, not ${vector.length}.`);
    this.steer = floatTensor(this.factory.ort, this.steerType, vector ?? new Float32Array(this.width), [this.width]);
    this.cache = null;
  }

  async next(ids: readonly number[]): Promise<Float32Array> {
    const cache = this.cache;
    const reuse = this.presentOf !== null && cache !== null && cache.ids.length < ids.length && cache.ids.every((id, i) => id === ids[i]);
    const fresh = reuse && cache ? ids.slice(cache.ids.length) : [...ids];
    const pastLength = reuse && cache ? cache.ids.length : 0;
    const names = this.session.inputNames.filter((n) => n !== this.steerInput);
    const feeds = tokenFeeds(this.factory.ort, this.session.inputMetadata, names, { batch: 1, seq: fresh.length, ids: fresh, past: pastLength }, reuse && cache ? cache.past : undefined);
    feeds[this.steerInput] = this.steer;
    const logitsName = logitsOutput(this.session.outputNames);
    const fetches = [logitsName, ...(this.presentOf ? this.presentOf.values() : [])];
    const out = await this.session.run(feeds, fetches);
    if (this.presentOf) {
      const past = new Map<string, OrtTensor>();
      for (const [input, output] of this.presentOf) past.set(input, out[output]);
      this.cache = { ids: [...ids], past };
    }
    const logits = await floatValues(out[logitsName]);
    const vocab = out[logitsName].dims[out[logitsName].dims.length - 1];
    return logits.slice(logits.length - vocab);
  }

  async release(): Promise<void> {
    this.cache = null;
    await this.session.release();
  }
}
