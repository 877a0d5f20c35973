// Float64 parameter sets for the CPU reference, and conversions to/from the Float32 SaeParams the rest of
// the project stores.
import { paramShapes, type ParamName, type SaeConfig, type SaeParams } from '../config';

export interface ReferenceParams {
  W_enc: Float64Array; // [d_in, d_sae]
  b_enc: Float64Array; // [d_sae]
  W_dec: Float64Array; // [d_sae, d_in]
  b_dec: Float64Array; // [d_in]
  log_threshold?: Float64Array; // [d_sae], jumprelu only
}

/** Any numeric arrays with SaeParams' names: Float32Array, Float64Array or plain number[] (fixtures). */
export type ParamsLike = { [K in ParamName]?: ArrayLike<number> };

export class ParamShapeError extends Error {
  override name = 'ParamShapeError';
}

type ShapeConfig = Pick<SaeConfig, 'architecture' | 'd_in' | 'd_sae'>;

/** The parameter names an architecture trains, in a fixed order (the order of gradient-norm sums too). */
export function paramNames(cfg: Pick<SaeConfig, 'architecture'>): ParamName[] {
  const names: ParamName[] = ['W_enc', 'b_enc', 'W_dec', 'b_dec'];
  if (cfg.architecture === 'jumprelu') names.push('log_threshold');
  return names;
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Copies `p` into fresh Float64Arrays after checking every tensor against the config's shapes. */
export function toReferenceParams(p: ParamsLike, cfg: ShapeConfig): ReferenceParams {
  const shapes = paramShapes(cfg);
  const take = (name: ParamName): Float64Array => {
    const v = p[name];
    const shape = shapes[name]!;
    if (!v) throw new ParamShapeError(`Parameter ${name} is missing (expected shape [${shape.join(', ')}]).`);
    if (v.length !== product(shape)) {
      throw new ParamShapeError(`Parameter ${name} has ${v.length} values; shape [${shape.join(', ')}] needs ${product(shape)}.`);
    }
    return Float64Array.from(v);
  };
  const out: ReferenceParams = { W_enc: take('W_enc'), b_enc: take('b_enc'), W_dec: take('W_dec'), b_dec: take('b_dec') };
  if (cfg.architecture === 'jumprelu') out.log_threshold = take('log_threshold');
  return out;
}

export function cloneParams(p: ReferenceParams): ReferenceParams {
  const out: ReferenceParams = { W_enc: p.W_enc.slice(), b_enc: p.b_enc.slice(), W_dec: p.W_dec.slice(), b_dec: p.b_dec.slice() };
  if (p.log_threshold) out.log_threshold = p.log_threshold.slice();
  return out;
}

export function zerosLike(p: ReferenceParams): ReferenceParams {
  const out: ReferenceParams = {
    W_enc: new Float64Array(p.W_enc.length),
    b_enc: new Float64Array(p.b_enc.length),
    W_dec: new Float64Array(p.W_dec.length),
    b_dec: new Float64Array(p.b_dec.length),
  };
  if (p.log_threshold) out.log_threshold = new Float64Array(p.log_threshold.length);
  return out;
}

/** Rounds to the project's Float32 storage. */
export function toSaeParams(p: ReferenceParams): SaeParams {
  const out: SaeParams = {
    W_enc: Float32Array.from(p.W_enc),
    b_enc: Float32Array.from(p.b_enc),
    W_dec: Float32Array.from(p.W_dec),
    b_dec: Float32Array.from(p.b_dec),
  };
  if (p.log_threshold) out.log_threshold = Float32Array.from(p.log_threshold);
  return out;
}

/** The tensors of `p` in paramNames order (absent optional ones skipped). */
export function paramEntries(p: ReferenceParams): [ParamName, Float64Array][] {
  const entries: [ParamName, Float64Array][] = [
    ['W_enc', p.W_enc],
    ['b_enc', p.b_enc],
    ['W_dec', p.W_dec],
    ['b_dec', p.b_dec],
  ];
  if (p.log_threshold) entries.push(['log_threshold', p.log_threshold]);
  return entries;
}
